// Phone layout of the officers' app: the menu folds into a drawer opened by the ☰ button, and data
// tables reflow into one card per row, each cell labelled with its column's header. Without
// JavaScript the menu stays open and tables scroll sideways, so nothing is out of reach.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("office-menu");
  if (toggle && menu) {
    toggle.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  document.querySelectorAll("table.data").forEach(function (table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    var labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (!cell.hasAttribute("data-label") && labels[i]) cell.setAttribute("data-label", labels[i]);
        });
      });
    });
    table.classList.add("reflow");
  });
})();
