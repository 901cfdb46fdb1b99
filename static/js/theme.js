// Colour mode: follows the system setting ("auto") unless the learner picks light or dark.
// Loaded in <head> without defer so the page never flashes the wrong colours.
(function () {
  "use strict";
  var KEY = "colour-mode";
  var MODES = ["auto", "light", "dark"];
  var media = window.matchMedia("(prefers-color-scheme: dark)");

  // Scripts run: the menu may fold behind its toggler (site.css shows it open without them).
  document.documentElement.classList.add("js");

  function stored() {
    try {
      var value = localStorage.getItem(KEY);
      return MODES.indexOf(value) >= 0 ? value : "auto";
    } catch (e) {
      return "auto";
    }
  }

  function apply(mode) {
    var dark = mode === "dark" || (mode === "auto" && media.matches);
    document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
  }

  apply(stored());
  media.addEventListener("change", function () {
    apply(stored());
  });

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    var label = document.getElementById("theme-toggle-label");
    if (!button || !label) return;
    label.textContent = stored();
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = MODES[(MODES.indexOf(stored()) + 1) % MODES.length];
      try {
        localStorage.setItem(KEY, next);
      } catch (e) {
        /* private browsing: the choice lasts for this page only */
      }
      label.textContent = next;
      apply(next);
    });
  });
})();
