// The suitability check without a framework: one topic a screen with Back/Next and a progress
// line, questions shown only when their parent answer asks for them (hidden ones disabled, so
// not posted), "None of these" exclusive of the other ticks; on the outcome page, printing and
// the keep form. Without JavaScript the whole questionnaire shows at once and still works.
(function () {
  "use strict";

  var form = document.getElementById("screening-form");
  if (form) questionnaire(form);
  printing();
  keepForm(document.getElementById("keep-form"));

  function questionnaire(form) {
    var topics = Array.prototype.slice.call(form.querySelectorAll("fieldset.topic"));
    var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
    var byId = {};
    questions.forEach(function (q) { byId[q.dataset.question] = q; });
    var status = document.getElementById("step-status");
    var bar = document.getElementById("step-bar");
    var back = document.getElementById("step-back");
    var next = document.getElementById("step-next");
    var submit = document.getElementById("submit-answers");
    var current = 0;

    // A question that does not apply is hidden here, so its "Doesn't apply" choice is not needed.
    form.querySelectorAll(".option.not-applicable").forEach(function (o) { o.remove(); });

    function inputs(q) { return Array.prototype.slice.call(q.querySelectorAll("input")); }

    function valuesOf(q) {
      if (!q || q.hidden) return [];
      return inputs(q).filter(function (i) {
        return i.type === "date" ? i.value !== "" : i.checked;
      }).map(function (i) { return i.value; });
    }

    // Parents come before their dependants in the questionnaire, so one pass settles all.
    function refresh() {
      questions.forEach(function (q) {
        if (!q.dataset.dependsOn) return;
        var asked = valuesOf(byId[q.dataset.dependsOn]).indexOf(q.dataset.dependsValue) !== -1;
        q.hidden = !asked;
        inputs(q).forEach(function (i) { i.disabled = !asked; });
      });
    }

    function errorOf(q) {
      var p = q.querySelector(".error");
      if (!p) {
        p = document.createElement("p");
        p.className = "error";
        p.id = "error-" + q.dataset.question;
        var after = q.querySelector(".help") || q.querySelector(".asked-when") || q.querySelector(".question-text");
        after.insertAdjacentElement("afterend", p);
        var described = q.querySelector("fieldset") || q.querySelector("input");
        var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (ids.indexOf(p.id) === -1) described.setAttribute("aria-describedby", [p.id].concat(ids).join(" "));
      }
      return p;
    }

    function setError(q, message) {
      errorOf(q).textContent = message;
      q.classList.add("has-error");
    }

    function clearError(q) {
      var p = q.querySelector(".error");
      if (p) p.textContent = "";
      q.classList.remove("has-error");
    }

    function problem(q) {
      var kind = q.dataset.kind;
      if (kind === "date") {
        var input = q.querySelector("input");
        if (input.validity.badInput) return "Enter the whole date: day, month and year.";
        if (!input.value) return "Enter a date.";
        if (input.max && input.value > input.max) return "This date must not be in the future.";
        return "";
      }
      if (valuesOf(q).length) return "";
      return kind === "multi_choice" ? "Choose at least one answer." : "Choose an answer.";
    }

    function validStep(index) {
      var first = null;
      topics[index].querySelectorAll(".question").forEach(function (q) {
        if (q.hidden || !q.hasAttribute("data-required")) return;
        var message = problem(q);
        if (message) {
          setError(q, message);
          first = first || q;
        } else {
          clearError(q);
        }
      });
      if (first) first.querySelector("input").focus();
      return !first;
    }

    function show(index, focus) {
      current = index;
      topics.forEach(function (t, i) { t.hidden = i !== index; });
      back.hidden = index === 0;
      next.hidden = index === topics.length - 1;
      submit.hidden = index !== topics.length - 1;
      status.textContent = "Step " + (index + 1) + " of " + topics.length + ": " + topics[index].dataset.title;
      bar.value = index + 1;
      if (focus) topics[index].querySelector("legend").focus();
    }

    function topicOf(element) {
      return topics.indexOf(element.closest("fieldset.topic"));
    }

    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type === "checkbox" && input.checked) {
        form.querySelectorAll('input[type="checkbox"][name="' + input.name + '"]').forEach(function (other) {
          if (other !== input && (input.value === "none" || other.value === "none")) other.checked = false;
        });
      }
      refresh();
      var q = input.closest(".question");
      if (q && q.classList.contains("has-error") && !problem(q)) clearError(q);
    });

    next.addEventListener("click", function () {
      if (validStep(current)) show(current + 1, true);
    });
    back.addEventListener("click", function () { show(current - 1, true); });

    // Enter in a field submits a form: before the last step it means Next.
    form.addEventListener("submit", function (event) {
      if (current < topics.length - 1) {
        event.preventDefault();
        if (validStep(current)) show(current + 1, true);
      } else if (!validStep(current)) {
        event.preventDefault();
      }
    });

    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var target = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        event.preventDefault();
        show(topicOf(target), false);
        target.focus();
      });
    }

    refresh();
    form.classList.add("stepped");
    document.getElementById("progress").hidden = false;
    var start = topics.findIndex(function (t) { return t.dataset.topic === form.dataset.startTopic; });
    show(Math.max(start, 0), false);
    if (summary) summary.focus();
  }

  function printing() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // A printout for a doctor carries the answers too.
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    });
  }

  function keepForm(keep) {
    if (!keep) return;
    var password = keep.querySelector("#keep-password");
    var existing = keep.querySelector("#account-existing");
    function sync() {
      password.setAttribute("autocomplete", existing.checked ? "current-password" : "new-password");
    }
    keep.addEventListener("change", sync);
    sync();
  }
})();
