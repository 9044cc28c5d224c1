// The calendar feed page: "Copy" puts a link on the clipboard; without it the field is selected
// so that the usual keys copy it.
(function () {
  document.querySelectorAll("button.copy").forEach((button) => {
    button.addEventListener("click", () => {
      const field = document.getElementById(button.dataset.copy);
      if (!field) return;
      field.select();
      const done = () => {
        button.textContent = "Copied";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, () => {});
      } else {
        try {
          if (document.execCommand("copy")) done();
        } catch (error) {
          // the field stays selected: the person copies it themselves
        }
      }
    });
  });
})();
