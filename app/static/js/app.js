/* Every page: the small behaviours that were inline handlers (the CSP allows no inline script):
   data-autosubmit (a select submits its form on change), data-confirm (a form asks before it submits),
   data-select-on-click (an input selects its text), data-print (a button prints the page). */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) { el.form.submit(); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") &&
        !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) { return; }
    if (el instanceof HTMLInputElement && el.hasAttribute("data-select-on-click")) { el.select(); }
    if (el.closest("[data-print]")) { window.print(); }
  });
})();
