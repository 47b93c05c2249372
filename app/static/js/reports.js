/* Report pages: draw the plotly figures embedded as JSON, switch between charts, size the rate bars
   (a CSSOM custom property: the CSP allows no inline style attributes). */
(function () {
  "use strict";

  function draw(holder) {
    var target = document.getElementById(holder.getAttribute("data-figure"));
    if (!target || !window.Plotly || target.getAttribute("data-drawn")) { return; }
    var figure = JSON.parse(holder.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout, { responsive: true, displaylogo: false });
    target.setAttribute("data-drawn", "1");
  }

  function drawVisible() {
    document.querySelectorAll("script[data-figure]").forEach(function (holder) {
      var pane = holder.closest("[data-pane]");
      if (!pane || !pane.hidden) { draw(holder); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawVisible();
    document.querySelectorAll("[data-chart-switch]").forEach(function (select) {
      select.addEventListener("change", function () {
        document.querySelectorAll("[data-pane]").forEach(function (pane) {
          pane.hidden = pane.getAttribute("data-pane") !== select.value;
        });
        drawVisible();
      });
    });
    document.querySelectorAll("[data-rate]").forEach(function (bar) {
      bar.style.setProperty("--rate", (parseFloat(bar.getAttribute("data-rate")) || 0) + "%");
    });
  });
})();
