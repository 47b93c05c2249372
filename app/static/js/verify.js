// Verify screens: row selection helpers, the reason rule of the review form, selection-bar resets.
(function () {
  "use strict";

  function rowChecks() {
    return Array.prototype.slice.call(document.querySelectorAll("input.row-check"));
  }

  // Show how many rows are ticked and highlight them.
  function refresh() {
    var checks = rowChecks();
    var ticked = 0;
    checks.forEach(function (c) {
      if (c.checked) { ticked += 1; }
      var tr = c.closest("tr");
      if (tr) { tr.classList.toggle("ticked", c.checked); }
    });
    var counter = document.getElementById("ticked-count");
    if (counter) { counter.textContent = String(ticked); }
    var all = document.getElementById("check-all");
    if (all) {
      all.checked = checks.length > 0 && ticked === checks.length;
      all.indeterminate = ticked > 0 && ticked < checks.length;
    }
  }

  function setAll(predicate) {
    rowChecks().forEach(function (c) { c.checked = predicate(c); });
    refresh();
  }

  var all = document.getElementById("check-all");
  if (all) {
    all.addEventListener("change", function () { setAll(function () { return all.checked; }); });
  }
  var clean = document.getElementById("check-clean");
  if (clean) {
    // rows still to confirm (not those already confirmed: a bulk confirm would refuse them)
    clean.addEventListener("click", function () {
      setAll(function (c) { return c.dataset.warn === "0" && c.dataset.open !== "0"; });
    });
  }
  var none = document.getElementById("check-none");
  if (none) {
    none.addEventListener("click", function () { setAll(function () { return false; }); });
  }
  rowChecks().forEach(function (c) { c.addEventListener("change", refresh); });

  // The revenue-item columns are folded so the essential columns fit the page; a button opens them.
  var toggle = document.getElementById("toggle-items");
  var part1 = document.getElementById("part1");
  if (toggle && part1) {
    toggle.addEventListener("click", function () {
      var shown = part1.classList.toggle("show-items");
      toggle.setAttribute("aria-pressed", shown ? "true" : "false");
      toggle.textContent = shown ? toggle.dataset.hide : toggle.dataset.show;
    });
  }

  // Unconfirm and return need a reason: mark the field required for those actions.
  var reason = document.getElementById("reason");
  function syncReason() {
    var chosen = document.querySelector("input.action-choice:checked");
    if (reason) { reason.required = !!chosen && chosen.value !== "confirm"; }
  }
  Array.prototype.forEach.call(document.querySelectorAll("input.action-choice"), function (r) {
    r.addEventListener("change", syncReason);
  });

  // Changing the year or province of the selection bar clears what depends on it, then reloads.
  var bar = document.getElementById("selection-form");
  if (bar) {
    Array.prototype.forEach.call(bar.querySelectorAll("select[data-resets]"), function (sel) {
      sel.addEventListener("change", function () {
        var dependent = bar.querySelector("[name=" + sel.dataset.resets + "]");
        if (dependent) { dependent.value = ""; }
        bar.submit();
      });
    });
  }

  refresh();
  syncReason();
})();
