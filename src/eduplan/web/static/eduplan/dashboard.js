// A select marked data-autosubmit submits its form when changed (the page's <noscript> button
// does it without JavaScript). No inline handlers: the Content-Security-Policy forbids them.
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("select[data-autosubmit]") && e.target.form) { e.target.form.submit(); }
});
// Sparklines for target cards: observed values, the target line and the forecast point.
// The numbers are also in the page as tables, so nothing is lost without JavaScript.
window.addEventListener("load", function () {
  if (!window.Plotly) return;
  document.querySelectorAll(".spark").forEach(function (el) {
    var series = JSON.parse(el.dataset.series || "[]");
    var xs = series.map(function (p) { return p.year; });
    var ys = series.map(function (p) { return p.value; });
    var traces = [{ x: xs, y: ys, mode: "lines+markers", line: { color: "#0b5cab" }, hoverinfo: "x+y" }];
    if (el.dataset.forecast !== "" && xs.length) {
      traces.push({ x: [xs[xs.length - 1], Number(el.dataset.forecastYear)], y: [ys[ys.length - 1], Number(el.dataset.forecast)],
        mode: "lines+markers", line: { dash: "dot", color: "#b7791f" }, hoverinfo: "x+y" });
    }
    var target = Number(el.dataset.target);
    var shapes = isNaN(target) ? [] : [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: target, y1: target, line: { color: "#1f7a3d", dash: "dash", width: 1 } }];
    Plotly.newPlot(el, traces, { margin: { l: 30, r: 8, t: 4, b: 20 }, showlegend: false, shapes: shapes,
      xaxis: { dtick: 1, fixedrange: true }, yaxis: { fixedrange: true } }, { displayModeBar: false, responsive: true });
  });
});
