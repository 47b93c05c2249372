/* Admin LAO forms: show only the districts of the chosen province (the server checks the pair again).
   Loaded as <script src=... data-province=ID data-district=ID> after the form (no inline script: CSP). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var p = document.getElementById(script.getAttribute("data-province"));
  var d = document.getElementById(script.getAttribute("data-district"));
  if (!p || !d) { return; }
  function sync() {
    Array.prototype.forEach.call(d.options, function (o) {
      var show = !o.dataset.province || o.dataset.province === p.value;
      o.hidden = !show; o.disabled = !show;
      if (!show && o.selected) { d.value = ""; }
    });
  }
  p.addEventListener("change", sync);
  sync();
})();
