/* Service-zone map of the siting page, drawn with the Leaflet bundled in the Python
 * package (no CDN). Data comes from the json_script "siting-map-data": demand points (sized by
 * children), kindergartens (open / closed / new) and a line from each point to its kindergarten,
 * coloured by zone. Tiles are drawn only when settings.MAP_TILE_URL is set; without them the map
 * keeps a plain background. Every number is also in the page's tables, so nothing is lost without
 * JavaScript. The parts of a split demand point come as one place with a line to each
 * kindergarten serving them; a line longer than the service radius is dashed. */
(function () {
  "use strict";
  var PALETTE = ["#0b5cab", "#c05621", "#2f855a", "#805ad5", "#b7791f", "#c53030", "#2c7a7b",
                 "#d53f8c", "#4a5568", "#718096", "#3182ce", "#dd6b20", "#38a169", "#9f7aea"];
  var NO_SEAT = "#e53e3e";

  function colour(zone) {
    return zone === null || zone === undefined ? NO_SEAT : PALETTE[zone % PALETTE.length];
  }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text === null || text === undefined ? "" : String(text);
    return div.innerHTML;
  }

  function draw() {
    var el = document.getElementById("siting-map");
    var source = document.getElementById("siting-map-data");
    if (!el || !source || !window.L) { return; }
    var d = JSON.parse(source.textContent);
    var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
    if (d.tiles && d.tiles.url) {
      L.tileLayer(d.tiles.url, { attribution: d.tiles.attribution || "", maxZoom: 18 }).addTo(map);
    }
    var sites = {};
    d.sites.forEach(function (s) { sites[s.id] = s; });
    var bounds = [];
    var maxKids = d.points.reduce(function (m, p) { return Math.max(m, p.children || 0); }, 1);

    d.points.forEach(function (p) {
      if (p.lat === null || p.lon === null) { return; }
      p.sites.forEach(function (id) {
        var s = sites[id];
        if (!s || s.lat === null) { return; }
        var km = map.distance([p.lat, p.lon], [s.lat, s.lon]) / 1000;
        L.polyline([[p.lat, p.lon], [s.lat, s.lon]], {
          color: colour(s.zone), weight: 1.5, opacity: 0.75,
          dashArray: km > d.radius_km ? "4 4" : null
        }).addTo(map);
      });
      bounds.push([p.lat, p.lon]);
    });
    d.points.forEach(function (p) {
      if (p.lat === null || p.lon === null) { return; }
      var r = 3 + 12 * Math.sqrt((p.children || 0) / maxKids);
      L.circleMarker([p.lat, p.lon], {
        radius: r, color: p.status === "no seat" ? NO_SEAT : "#fff", weight: p.status === "no seat" ? 2 : 1,
        fillColor: p.sites.length ? colour(p.zone) : NO_SEAT, fillOpacity: 0.8
      }).bindTooltip(esc(p.name) + " · " + d.labels.children + " " + (p.children || 0).toFixed(1) +
        (p.parts > 1 ? " (" + p.parts + ")" : "") +
        (p.km !== null && p.km !== undefined ? " · ≤ " + p.km + " " + d.labels.km : "") +
        (p.status ? " · " + esc(p.status) : "") +
        (p.sites.length ? " → " + p.sites.map(function (id) { return esc(id); }).join(", ") : "")).addTo(map);
    });
    d.sites.forEach(function (s) {
      if (s.lat === null || s.lon === null) { return; }
      var fill = s.state === "closed" ? "#fff" : colour(s.zone);
      var border = s.state === "closed" ? "#8a94a3" : (s.state === "new" ? "#c05621" : "#1f2933");
      var style = "display:block;width:12px;height:12px;background:" + fill + ";border:2px " +
        (s.state === "new" ? "dashed " : "solid ") + border + ";";
      L.marker([s.lat, s.lon], {
        icon: L.divIcon({ className: "siting-site", html: '<span style="' + style + '"></span>', iconSize: [16, 16] }),
        zIndexOffset: 1000
      }).bindTooltip(esc(s.name) + " (" + esc(s.id) + ") · " + d.labels[s.state] + " · " + d.labels.seats + " " +
        Math.round(s.seats)).addTo(map);
      bounds.push([s.lat, s.lon]);
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
    else { map.setView([0, 0], 2); }

    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "siting-legend");
      div.innerHTML = '<i class="open"></i>' + esc(d.labels.open) + '<br><i class="closed"></i>' +
        esc(d.labels.closed) + '<br><i class="new"></i>' + esc(d.labels["new"]);
      return div;
    };
    legend.addTo(map);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
