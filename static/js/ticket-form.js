/* Guided ticket form: severity only for Problema, category only for Solicitação, releases of
   the chosen module's product, and a warning for unsupported versions (domain.md §3–§4). */
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  if (!form) return;
  var severityStep = document.getElementById("step-severity");
  var severityFixed = document.getElementById("severity-fixed");
  var categoryField = document.getElementById("category-field");
  var moduleSelect = document.getElementById("id_module");
  var releaseSelect = document.getElementById("id_release");
  var warning = document.getElementById("version-warning");

  function currentType() {
    var checked = form.querySelector("input[name=type]:checked");
    return checked ? checked.value : "";
  }

  function updateType() {
    var type = currentType();
    var isProblem = type === "Problema" || type === "";
    severityStep.querySelector("fieldset").hidden = !isProblem;
    severityFixed.hidden = isProblem;
    if (!isProblem) {
      form.querySelectorAll("input[name=severity]").forEach(function (r) { r.checked = false; });
    }
    categoryField.hidden = type !== "Solicitação";
    if (type !== "Solicitação") categoryField.querySelector("select").value = "";
  }

  function updateReleases() {
    if (!releaseSelect) return;
    var option = moduleSelect.options[moduleSelect.selectedIndex];
    var product = option ? option.getAttribute("data-product") : null;
    Array.prototype.forEach.call(releaseSelect.options, function (o) {
      if (!o.value) return;
      var visible = !product || o.getAttribute("data-product") === product;
      o.hidden = !visible;
      o.disabled = !visible;
      if (!visible && o.selected) releaseSelect.value = "";
    });
    updateWarning();
  }

  function updateWarning() {
    if (!releaseSelect || !warning) return;
    var o = releaseSelect.options[releaseSelect.selectedIndex];
    warning.hidden = !(o && o.value && o.getAttribute("data-supported") === "0");
  }

  form.querySelectorAll("input[name=type]").forEach(function (r) { r.addEventListener("change", updateType); });
  moduleSelect.addEventListener("change", updateReleases);
  if (releaseSelect) releaseSelect.addEventListener("change", updateWarning);
  updateType();
  updateReleases();
})();
