/* High school admissions run page: poll the run's status while it runs and reload the
 * page when it ends (without JavaScript a <meta refresh> does the same, more coarsely); draw the
 * cutoff chart with the vendored Plotly. The chart's numbers are also in the schools table. */
(function () {
  "use strict";
  var POLL_MS = 1000;

  function poll(section) {
    var url = section.getAttribute("data-status-url");
    var bar = document.getElementById("run-bar");
    var status = document.getElementById("run-status");
    var stage = document.getElementById("run-stage");
    var percent = document.getElementById("run-percent");
    var error = document.getElementById("run-error");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (d) {
          bar.value = d.percent; bar.textContent = d.percent + "%";
          status.textContent = d.status_label; status.setAttribute("data-status", d.status);
          stage.textContent = d.stage_label; percent.textContent = d.percent;
          if (d.error) { error.textContent = d.error; error.hidden = false; }
          if (d.finished) { window.location.reload(); } else { window.setTimeout(tick, POLL_MS); }
        })
        .catch(function () { window.setTimeout(tick, POLL_MS * 5); });
    }
    window.setTimeout(tick, POLL_MS);
  }

  function chart() {
    var el = document.querySelector('[data-chart="admissions-cutoffs"]');
    var src = document.getElementById("admissions-chart-data");
    if (!el || !src || typeof Plotly === "undefined") { return; }
    var d = JSON.parse(src.textContent);
    var font = { family: '"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif', size: 13 };
    var traces = [
      { type: "bar", name: d.labels.cutoff, x: d.schools, y: d.cutoff, marker: { color: "#0b5cab" } },
      { type: "scatter", mode: "markers", name: d.labels.cutoff_quota, x: d.schools, y: d.cutoff_quota,
        marker: { color: "#c05621", size: 6 } }
    ];
    el.classList.add("chart");
    Plotly.newPlot(el, traces, {
      font: font, height: 380, margin: { l: 60, r: 20, t: 36, b: 90 }, title: { text: d.title, font: { size: 14 } },
      yaxis: { title: d.labels.score }, xaxis: { type: "category", tickangle: -45, automargin: true },
      legend: { orientation: "h", y: -0.35 }
    }, { displaylogo: false, responsive: true });
  }

  function start() {
    var section = document.getElementById("run-progress");
    if (section && section.getAttribute("data-finished") !== "1") { poll(section); }
    chart();
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
