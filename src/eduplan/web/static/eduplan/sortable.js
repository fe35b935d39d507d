// Sortable tables: every <th data-sort> of a table.sortable becomes a button that sorts the rows
// by that column, without a page reload (ascending, then descending on a second click). A cell's
// data-sort-value is used when present (the raw number behind a rounded, formatted figure), else
// its text; empty values go last either way. Without JavaScript the table is a plain table.
(function () {
  "use strict";

  function key(cell, numeric) {
    if (!cell) return null;
    var raw = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.textContent.trim();
    if (raw === "" || raw === "—") return null;
    if (!numeric) return raw;
    var n = parseFloat(raw.replace(/[,%\s]/g, ""));
    return isNaN(n) ? null : n;
  }

  function sortBy(table, index, numeric, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      var c = numeric ? x - y : String(x).localeCompare(String(y), "zh-Hans-CN");
      return descending ? -c : c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function enable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      if (!th.hasAttribute("data-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortBy(table, index, th.getAttribute("data-sort") === "num", descending);
      });
    });
  }

  document.querySelectorAll("table.sortable").forEach(enable);
})();
