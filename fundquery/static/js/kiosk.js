// Query-point kiosk: on-screen keypad for the ID number (and pinyin initials),
// and an idle timer that clears everything so the next person sees nothing.
(function () {
  "use strict";
  var body = document.body;
  var idleMs = (parseFloat(body.dataset.idleSeconds) || 60) * 1000;
  var startUrl = body.dataset.startUrl;
  var idField = document.getElementById("id_number");
  var nameField = document.getElementById("name");
  var target = idField;

  function showKeys(kind) {
    document.querySelectorAll("[data-keys]").forEach(function (keys) {
      keys.hidden = keys.dataset.keys !== kind;
    });
  }

  if (idField) {
    idField.addEventListener("focus", function () { target = idField; showKeys("digits"); });
    if (nameField && document.querySelector("[data-keys=letters]")) {
      nameField.addEventListener("focus", function () { target = nameField; showKeys("letters"); });
    }
    document.querySelectorAll("[data-key]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.key;
        if (key === "back") {
          target.value = target.value.slice(0, -1);
        } else if (key === "clear") {
          target.value = "";
        } else if (target.value.length < (parseInt(target.getAttribute("maxlength"), 10) || 20)) {
          target.value += key;
        }
        target.focus();
      });
    });
    idField.focus();
  }

  // Idle reset: clear every field and return to the start screen.
  var timer = null;
  function reset() {
    document.querySelectorAll("input:not([type=hidden])").forEach(function (input) { input.value = ""; });
    document.querySelectorAll(".lookup-result, .lookup-failed").forEach(function (el) {
      el.remove();
    });
    window.location.replace(startUrl);
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
