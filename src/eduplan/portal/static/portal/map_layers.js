/* County outlines and township names on the directory map (issue 23): drawn from a static GeoJSON
   file written offline by `eduplan map_boundaries` and from the township points, both named by
   map-layers.json (the same for every search, so the browser keeps it until the data changes).
   The map shows where things are even without a tile layer. Names go in as text, never as HTML. */
(function () {
  "use strict";
  var map = window.eduplanMap;
  var data = document.getElementById("map-layers");
  if (!map || !data || typeof L === "undefined") { return; }
  var src = JSON.parse(data.textContent).src;
  fetch(src, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(draw)
    .catch(function () { /* the layers are an extra; the markers and the list remain */ });

  function draw(layers) {
    var pane = map.createPane("outlines");
    pane.style.zIndex = 350; // below the kindergartens' markers, above the tiles
    pane.style.pointerEvents = "none";

    if (layers.boundaries) {
      var legend = document.querySelector(".map-legend .county-line");
      if (legend) { legend.hidden = false; }
      fetch(layers.boundaries, { headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          var outline = L.geoJSON(geo, {
            pane: "outlines",
            interactive: false,
            style: { color: "#3d4852", weight: 2, fill: true, fillColor: "#ffffff", fillOpacity: 0.35, className: "county-outline" }
          }).addTo(map);
          outline.eachLayer(function (layer) {
            var props = layer.feature && layer.feature.properties;
            if (props && props.name) {
              var label = document.createElement("span");
              label.textContent = props.name;
              L.tooltip({ permanent: true, direction: "center", className: "town-label county-label" })
                .setLatLng(layer.getBounds().getCenter()).setContent(label).addTo(map);
            }
          });
        })
        .catch(function () { /* the outline is an extra; the markers and the list remain */ });
    }

    var towns = L.layerGroup();
    (layers.townships || []).forEach(function (t) {
      var marker = L.circleMarker([t[1], t[2]], { radius: 2, color: "#3d4852", weight: 1, fillOpacity: 1, interactive: false, className: "township-point" });
      var label = document.createElement("span");
      label.textContent = t[0];
      marker.bindTooltip(label, { permanent: true, direction: "right", className: "town-label" });
      towns.addLayer(marker);
    });
    // Township names only once the map is close enough for them not to pile up.
    function showTowns() {
      if (map.getZoom() >= 10) { towns.addTo(map); } else { towns.remove(); }
    }
    map.on("zoomend", showTowns);
    showTowns();
  }
})();
