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
  // Canned replies: a click inserts the filled text into the reply, at the cursor.
  document.addEventListener("click", function (event) {
    var item = event.target.closest("[data-insert-reply]");
    if (!item) { return; }
    var box = document.getElementById("id_reply_body");
    if (!box) { return; }
    var text = item.getAttribute("data-insert-reply");
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    var before = box.value.slice(0, start), after = box.value.slice(end);
    var glue = before && !before.endsWith("\n") ? "\n" : "";
    box.value = before + glue + text + after;
    box.focus();
    box.selectionStart = box.selectionEnd = (before + glue + text).length;
    var details = item.closest("details");
    if (details) { details.open = false; }
  });
  // The status menu: the message's label says what this status needs.
  document.addEventListener("change", function (event) {
    if (event.target.id !== "id_status_to") { return; }
    var option = event.target.selectedOptions[0];
    var label = document.querySelector("label[for='id_status_note']");
    if (option && label && option.getAttribute("data-note-label")) { label.textContent = option.getAttribute("data-note-label"); }
  });
  // The manager's reassignment bar appears once a ticket is selected.
  function syncBulkBar() {
    var bar = document.querySelector("[data-bulk-bar]");
    if (!bar) { return; }
    var selected = document.querySelectorAll("input[name='tickets']:checked").length;
    bar.hidden = selected === 0;
    var count = bar.querySelector("[data-selected-count]");
    if (count) { count.textContent = String(selected); }
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "tickets") { syncBulkBar(); }
  });
  document.addEventListener("DOMContentLoaded", syncBulkBar);
  // Buttons with consequences (send a proposal or a report, export, delete an entry) ask first;
  // without JavaScript the form simply posts.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // The live queue polls only while its tab is visible (no work for a queue nobody looks at).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (document.hidden && elt && elt.id === "queue-results" && !event.detail.requestConfig.triggeringEvent) {
      event.preventDefault();
    }
  });
})();
