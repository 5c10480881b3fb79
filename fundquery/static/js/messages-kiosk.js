// A message left from a query-point kiosk: after the kiosk's idle time the
// form (name, phone, text) or the receipt (its check code) is cleared and the
// kiosk's start page comes back, so the next villager sees nothing.
(function () {
  "use strict";
  var marker = document.querySelector("[data-kiosk-idle]");
  if (!marker) { return; }
  var idleMs = (parseFloat(marker.dataset.idleSeconds) || 60) * 1000;
  var timer = null;
  function reset() {
    document.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (el) { el.value = ""; });
    document.querySelectorAll(".receipt, .message-status").forEach(function (el) { el.remove(); });
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
