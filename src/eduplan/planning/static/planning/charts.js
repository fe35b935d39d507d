/* Planning charts, drawn with the Plotly bundled in the Python package (no CDN).
 * Each chart element names its kind (data-chart) and the id of a json_script holding its data
 * (data-source). The same numbers are in an HTML table next to every chart: without JavaScript
 * the page loses nothing but the picture. */
(function () {
  "use strict";
  var font = { family: '"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif', size: 13 };
  var config = { displaylogo: false, responsive: true };

  function load(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function layout(extra) {
    var base = { font: font, margin: { l: 60, r: 20, t: 36, b: 44 }, legend: { orientation: "h", y: -0.18 } };
    for (var k in extra) { base[k] = extra[k]; }
    return base;
  }

  function projectedShade(x0, x1) {
    return [{ type: "rect", xref: "x", yref: "paper", x0: x0, x1: x1, y0: 0, y1: 1,
              fillcolor: "#eef2f7", opacity: 0.6, line: { width: 0 }, layer: "below" }];
  }

  var charts = {
    pyramid: function (el, d) {
      var neg = function (v) { return v.map(function (x) { return -x; }); };
      var traces = [
        { type: "bar", orientation: "h", name: d.labels.male + " " + d.base_year, y: d.ages, x: neg(d.base.male),
          marker: { color: "#0b5cab" }, hovertemplate: "%{y}: %{customdata:,.0f}<extra></extra>", customdata: d.base.male },
        { type: "bar", orientation: "h", name: d.labels.female + " " + d.base_year, y: d.ages, x: d.base.female,
          marker: { color: "#c05621" }, hovertemplate: "%{y}: %{x:,.0f}<extra></extra>" },
        { type: "bar", orientation: "h", name: d.labels.male + " " + d.other_year, y: d.ages, x: neg(d.year.male),
          marker: { color: "rgba(0,0,0,0)", line: { color: "#1f2933", width: 1.5 } },
          hovertemplate: "%{y}: %{customdata:,.0f}<extra></extra>", customdata: d.year.male },
        { type: "bar", orientation: "h", name: d.labels.female + " " + d.other_year, y: d.ages, x: d.year.female,
          marker: { color: "rgba(0,0,0,0)", line: { color: "#1f2933", width: 1.5 } },
          hovertemplate: "%{y}: %{x:,.0f}<extra></extra>" }
      ];
      Plotly.newPlot(el, traces, layout({
        barmode: "overlay", bargap: 0.08, height: 480, title: { text: d.title, font: { size: 14 } },
        xaxis: { title: d.labels.people, tickformat: ",.0f" },
        yaxis: { title: d.labels.age, dtick: 1 }
      }), config);
      // show absolute values on the left half
      var axis = el._fullLayout && el._fullLayout.xaxis;
      if (axis) {
        var ticks = axis._vals.map(function (t) { return t.x; });
        Plotly.relayout(el, { "xaxis.tickvals": ticks, "xaxis.ticktext": ticks.map(function (t) { return Math.abs(t).toLocaleString(); }) });
      }
    },

    lines: function (el, d) {
      var traces = d.series.map(function (s) {
        return { type: "scatter", mode: "lines+markers", name: s.name, x: s.x, y: s.y,
                 hovertemplate: s.name + " %{x}: %{y:,.0f}<extra></extra>" };
      });
      var xs = d.series.length ? d.series[0].x : [];
      Plotly.newPlot(el, traces, layout({
        title: { text: d.title, font: { size: 14 } },
        xaxis: { title: d.labels.year, dtick: 1 }, yaxis: { title: d.labels.people, tickformat: ",.0f", rangemode: "tozero" },
        shapes: xs.length ? projectedShade(d.observed_last + 0.5, xs[xs.length - 1] + 0.5) : []
      }), config);
    },

    seats: function (el, d) {
      var traces = [
        { type: "scatter", mode: "lines+markers", name: d.labels.demand, x: d.x, y: d.demand, line: { color: "#c05621" } },
        { type: "scatter", mode: "lines", name: d.labels.seats, x: d.x, y: d.seats, line: { color: "#0b5cab", shape: "hv" } }
      ];
      Plotly.newPlot(el, traces, layout({
        title: { text: d.title, font: { size: 14 } },
        xaxis: { title: d.labels.year, dtick: 1 }, yaxis: { title: d.labels.children, tickformat: ",.0f", rangemode: "tozero" },
        shapes: d.x.length ? projectedShade(d.observed_last + 0.5, d.x[d.x.length - 1] + 0.5) : []
      }), config);
    },

    allocation: function (el, d) {
      var traces = [
        { type: "bar", name: d.labels.last_rate, x: d.names, y: d.last_rate, marker: { color: "#9fb3c8" } },
        { type: "bar", name: d.labels.target, x: d.names, y: d.target, marker: { color: "#0b5cab" } }
      ];
      Plotly.newPlot(el, traces, layout({
        barmode: "group", height: 420, margin: { l: 60, r: 20, t: 36, b: 110 }, title: { text: d.title, font: { size: 14 } },
        yaxis: { title: "%", rangemode: "tozero" },
        shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: d.city_target, y1: d.city_target,
                   line: { color: "#c53030", dash: "dash", width: 1.5 } }]
      }), config);
    }
  };

  function draw() {
    if (typeof Plotly === "undefined") { return; }
    var nodes = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var d = load(el.getAttribute("data-source"));
      var kind = charts[el.getAttribute("data-chart")];
      if (d && kind) { el.classList.add("chart"); kind(el, d); }
    }
  }

  if (document.readyState !== "loading") { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
})();
