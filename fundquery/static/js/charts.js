// Draw every plotly figure whose JSON the page carries in
// <script type="application/json" data-chart="ID">; the CSP allows no inline script.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  document.querySelectorAll("script[data-chart]").forEach(function (block) {
    var target = document.getElementById(block.dataset.chart);
    if (!target) { return; }
    var figure = JSON.parse(block.textContent);
    Plotly.newPlot(target, figure.data, figure.layout, { displayModeBar: false, responsive: true });
  });
})();
