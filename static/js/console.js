// Staff console: the reply / internal-note switch. Everything works without it (both forms post).
(function () {
  "use strict";
  function bindComposer(root) {
    root.querySelectorAll(".composer-tab").forEach(function (tab) {
      tab.addEventListener("click", function () {
        var which = tab.getAttribute("data-composer");
        root.querySelectorAll(".composer-tab").forEach(function (t) { t.classList.toggle("active", t === tab); });
        root.querySelectorAll(".composer-pane").forEach(function (pane) {
          pane.classList.toggle("hidden", pane.getAttribute("data-pane") !== which);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".composer").forEach(bindComposer);
  });
})();
