// Query-point kiosk: on-screen keypad for the ID number (and pinyin initials).
// The idle timer that clears everything is idle.js.
(function () {
  "use strict";
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
})();
