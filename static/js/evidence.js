/* Evidence upload: drag-and-drop, paste from the clipboard, previews. Vanilla JS, no framework.
   Works on every `[data-dropzone]` containing an <input type=file multiple>; the chosen files
   stay in the input (DataTransfer), so the form posts normally. */
(function () {
  "use strict";

  function setup(zone) {
    var input = zone.querySelector("input[type=file]");
    var previews = zone.querySelector("[data-previews]");
    if (!input || typeof DataTransfer === "undefined") return;
    var files = [];

    function sync() {
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
      render();
    }

    function add(list) {
      Array.prototype.forEach.call(list, function (f) {
        if (!f.name || f.name === "image.png") {
          var stamp = new Date().toISOString().replace(/[:.]/g, "-");
          f = new File([f], "captura-" + stamp + "." + ((f.type || "image/png").split("/")[1] || "png"), { type: f.type });
        }
        files.push(f);
      });
      sync();
    }

    function render() {
      if (!previews) return;
      previews.textContent = "";
      files.forEach(function (f, index) {
        var item = document.createElement("div");
        item.className = "preview";
        if (/^image\//.test(f.type)) {
          var img = document.createElement("img");
          img.alt = "";
          // A data: URL, not blob: — the Content-Security-Policy allows img-src 'self' data: only.
          var reader = new FileReader();
          reader.onload = function () { img.src = reader.result; };
          reader.readAsDataURL(f);
          item.appendChild(img);
        } else {
          var icon = document.createElement("div");
          icon.className = "file-icon";
          icon.textContent = "📄";
          item.appendChild(icon);
        }
        var name = document.createElement("span");
        name.className = "name";
        name.textContent = f.name;
        item.appendChild(name);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remover " + f.name);
        remove.addEventListener("click", function () { files.splice(index, 1); sync(); });
        item.appendChild(remove);
        previews.appendChild(item);
      });
    }

    input.addEventListener("change", function () {
      // A selection through the dialog adds to what was dropped or pasted before.
      var chosen = Array.prototype.slice.call(input.files);
      var known = files.slice();
      files = known.concat(chosen.filter(function (f) { return known.indexOf(f) === -1; }));
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
      render();
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) add(e.dataTransfer.files);
    });
    var form = zone.closest("form");
    (form || document).addEventListener("paste", function (e) {
      var items = (e.clipboardData && e.clipboardData.files) || [];
      if (items.length) { e.preventDefault(); add(items); }
    });
  }

  document.querySelectorAll("[data-dropzone]").forEach(setup);
})();
