// Rotation-training coverage by county as a bar chart; the same numbers are in the table below,
// so nothing is lost without JavaScript.
window.addEventListener("load", function () {
  var el = document.getElementById("coverage-chart");
  if (!el || !window.Plotly) return;
  var data = JSON.parse(el.dataset.series || "{}");
  var min = Number(el.dataset.minimum);
  Plotly.newPlot(el, [{ type: "bar", x: data.x, y: data.y, marker: { color: "#0b5cab" }, hoverinfo: "x+y" }],
    { margin: { l: 36, r: 8, t: 8, b: 60 }, yaxis: { range: [0, 100], ticksuffix: "%", fixedrange: true },
      xaxis: { fixedrange: true },
      shapes: isNaN(min) ? [] : [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: min, y1: min, line: { color: "#1f7a3d", dash: "dash", width: 1 } }] },
    { displayModeBar: false, responsive: true });
});
