// The consent signature pad: pointer strokes on a canvas, sent as a PNG data URL.
(function () {
  const canvas = document.getElementById("signature-pad");
  const form = document.getElementById("consent-form");
  if (!canvas || !form) return;
  const field = document.getElementById("signature");
  const context = canvas.getContext("2d");
  context.lineWidth = 3;
  context.lineCap = "round";
  context.strokeStyle = "#111";
  let drawing = false;
  let drawn = false;
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * canvas.width) / box.width,
      ((event.clientY - box.top) * canvas.height) / box.height,
    ];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...at(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    context.lineTo(...at(event));
    context.stroke();
    drawn = true;
  });
  const stop = () => { drawing = false; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  document.getElementById("signature-clear").addEventListener("click", () => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  });
  form.addEventListener("submit", () => {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
