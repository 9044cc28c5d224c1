// The comparison slider: the range's value moves the line between the two stacked photos.
(function () {
  const range = document.getElementById("photo-reveal");
  const slider = document.getElementById("photo-slider");
  if (!range || !slider) return;
  // Set from here, not a style attribute: the CSP allows no inline style.
  slider.style.aspectRatio = slider.dataset.width + " / " + slider.dataset.height;
  const show = () => slider.style.setProperty("--reveal", range.value + "%");
  range.addEventListener("input", show);
  show();
})();
