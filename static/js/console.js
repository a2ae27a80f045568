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
  // The live queue polls only while its tab is visible (no work for a queue nobody looks at).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (document.hidden && elt && elt.id === "queue-results" && !event.detail.requestConfig.triggeringEvent) {
      event.preventDefault();
    }
  });
})();
