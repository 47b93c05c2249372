/* Entry form: show the typo-guard warning live while the officer types.
 * The server decides (app/domain/typo_guard.py); this only mirrors its rule so the officer can
 * explain before submitting. Amounts are compared as integer satang, never as floats. */
(function () {
  "use strict";

  var form = document.getElementById("entry-form");
  if (!form) { return; }

  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  var PLAIN = /^[0-9]+(\.[0-9]{1,2})?$/;
  var GROUPED = /^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?$/;

  /** Satang (an integer) of a typed amount, or null when the server would reject the text. */
  function toSatang(text) {
    var s = (text || "").trim().replace(/[๐-๙]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); });
    if (!(PLAIN.test(s) || GROUPED.test(s))) { return null; }
    var parts = s.replace(/,/g, "").split(".");
    var whole = parseInt(parts[0], 10);
    var frac = parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
    var satang = whole * 100 + frac;
    return Number.isSafeInteger(satang) ? satang : null;
  }

  /** "high", "low", "zero", "new" or null, as typo_guard.check decides. */
  function warning(amount, prior) {
    if (amount === null || prior === null || prior < 0) { return null; }
    if (prior === 0) { return amount > 0 ? "new" : null; }
    if (amount === 0) { return "zero"; }
    if (amount > prior * 3) { return "high"; }
    if (amount * 3 < prior) { return "low"; }
    return null;
  }

  function update(input) {
    var row = input.closest("tr");
    var box = row.querySelector(".typo-warning");
    var explainBox = row.querySelector(".explain-box");
    var textarea = explainBox ? explainBox.querySelector("textarea") : null;
    var prior = input.dataset.prior ? toSatang(input.dataset.prior) : null;
    var code = warning(toSatang(input.value), prior);
    if (code) {
      box.querySelector(".warn-text").textContent = form.dataset["warn" + code.charAt(0).toUpperCase() + code.slice(1)];
      box.hidden = false;
      input.classList.add("is-warned");
    } else {
      box.hidden = true;
      input.classList.remove("is-warned");
    }
    if (explainBox) {
      // keep a box the officer already wrote in visible, so nothing stored is hidden
      explainBox.hidden = !code && !(textarea && textarea.value.trim());
    }
  }

  // a field the server marked invalid stops looking wrong once the officer edits it
  form.addEventListener("input", function (event) {
    event.target.classList.remove("is-invalid");
  });

  var inputs = form.querySelectorAll(".amount-input");
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("input", function () { update(input); });
    input.addEventListener("change", function () { update(input); });
  });
})();
