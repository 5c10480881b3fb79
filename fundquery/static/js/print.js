// Print buttons (no inline handlers: the CSP allows scripts from the app only).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
