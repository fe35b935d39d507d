// Bar chart of a drill-down (townships or institutions). The same numbers are in the tables below,
// so nothing is lost without JavaScript.
window.addEventListener("load", function () {
  if (!window.Plotly) return;
  document.querySelectorAll(".breakdown-chart").forEach(function (el) {
    var rows = JSON.parse(el.dataset.rows || "[]");
    if (!rows.length) { el.style.display = "none"; return; }
    rows = rows.slice().reverse();
    var suffix = el.dataset.unit === "percent" ? "%" : "";
    el.style.height = Math.max(220, 28 * rows.length + 60) + "px";
    Plotly.newPlot(el, [{
      type: "bar", orientation: "h", marker: { color: "#0b5cab" },
      y: rows.map(function (r) { return r.name; }), x: rows.map(function (r) { return r.value; }),
      hovertemplate: "%{y}: %{x}" + suffix + "<extra></extra>"
    }], { margin: { l: 180, r: 16, t: 8, b: 30 }, xaxis: { fixedrange: true, ticksuffix: suffix },
      yaxis: { fixedrange: true, automargin: true } }, { displayModeBar: false, responsive: true });
  });
});
