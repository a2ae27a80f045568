/* Customer portal: small progressive enhancements, nothing the pages need to work.
   Loaded with the CSP nonce (templates/portal/ticket_detail.html); no inline handlers. */
(function () {
  "use strict";

  // "Responder" at the top of the ticket page jumps to the composer: put the cursor in it.
  document.querySelectorAll("a[data-focus]").forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById(link.getAttribute("data-focus"));
      if (target) {
        window.setTimeout(function () { target.focus({ preventScroll: true }); }, 0);
      }
    });
  });

  // The one composer: files without a message are evidence, and the button says so.
  document.querySelectorAll("form[data-composer]").forEach(function (form) {
    var button = form.querySelector("button[type=submit][data-label-evidence]");
    var body = form.querySelector("textarea[name=body]");
    var files = form.querySelector("input[type=file][name=files]");
    if (!button || !body || !files) return;
    var messageLabel = button.textContent;
    function update() {
      var evidenceOnly = body.value.trim() === "" && files.files && files.files.length > 0;
      button.textContent = evidenceOnly ? button.getAttribute("data-label-evidence") : messageLabel;
    }
    body.addEventListener("input", update);
    files.addEventListener("change", update);
    // evidence.js sets the input's files after a drop or a paste, without a change event.
    form.addEventListener("drop", function () { window.setTimeout(update, 0); });
    form.addEventListener("paste", function () { window.setTimeout(update, 0); });
    form.addEventListener("click", function () { window.setTimeout(update, 0); });
  });
})();
