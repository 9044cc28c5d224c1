// The booking page: changing the course's shape or one session's time asks the server for a
// fresh proposal of the later sessions (the "Update dates" button does the same without JS).
(function () {
  "use strict";
  var form = document.querySelector(".booking-form");
  var update = document.getElementById("update-plan");
  if (!form || !update) { return; }
  var course = document.getElementById("kind-course");
  var minGap = document.getElementById("min_gap_days");
  var maxGap = document.getElementById("max_gap_days");
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "kind") { return; }  // the plan is already on the page, shown by CSS
    if (target.name === "sessions" && course) { course.checked = true; }
    // Typing one bound past the other would only earn an error: keep the pair in order, with
    // the usual two weeks of leeway.
    var low = parseInt(minGap.value, 10), high = parseInt(maxGap.value, 10);
    if (target === minGap && low > high) { maxGap.value = String(Math.min(low + 14, 180)); }
    if (target === maxGap && high < low) { minGap.value = String(high); }
    if (form.requestSubmit) { form.requestSubmit(update); } else { update.click(); }
  });
})();
