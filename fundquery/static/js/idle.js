// The query-point kiosk's idle timer, on every kiosk page (the lookup, a message, its receipt):
// after the kiosk's idle time without a touch, every field is cleared, what the last person saw
// is removed and the kiosk's start page comes back, so the next person sees nothing.
// The page marks one element data-kiosk-idle with data-idle-seconds, data-start-url and, in
// data-clear, the CSS selector of what to remove.
(function () {
  "use strict";
  var marker = document.querySelector("[data-kiosk-idle]");
  if (!marker) { return; }
  var idleMs = (parseFloat(marker.dataset.idleSeconds) || 60) * 1000;
  var timer = null;
  function reset() {
    document.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (el) { el.value = ""; });
    if (marker.dataset.clear) {
      document.querySelectorAll(marker.dataset.clear).forEach(function (el) { el.remove(); });
    }
    window.location.replace(marker.dataset.startUrl);
  }
  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(reset, idleMs);
  }
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true });
  });
  restart();
})();
