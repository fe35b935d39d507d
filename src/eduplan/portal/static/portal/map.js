/* The directory map (Leaflet, served locally). Tiles come from the MAP_TILE_URL setting; with
   none the map draws the kindergartens on a plain background, still useful to see where they are.
   Clicking the map (or "use my location") searches near that point. The page works without it.
   Popups are DOM nodes filled with textContent: a kindergarten's name is never read as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var colors = { public: "#0b5cab", inclusive: "#1f7a3d", private: "#b7791f" };
  var map = L.map(el, { attributionControl: !!el.dataset.tiles });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  window.eduplanMap = map; // for map_layers.js (county outlines, townships)

  function form() { return document.querySelector("form.filters"); }
  function searchNear(lat, lon) {
    var f = form();
    if (!f) { return; }
    f.querySelector("[name=lat]").value = lat.toFixed(5);
    f.querySelector("[name=lon]").value = lon.toFixed(5);
    f.submit();
  }

  if (el.dataset.single) {
    var p = el.dataset.single.split(",").map(Number);
    // The name is text: a DOM node, never an HTML string (a name may hold "<img onerror=…>").
    var label = document.createElement("span");
    label.textContent = el.dataset.name || "";
    L.circleMarker(p, { radius: 8, color: colors.public, fillOpacity: 0.8 }).addTo(map).bindPopup(label);
    map.setView(p, 14);
    return;
  }

  map.setView([24.35, 102.54], 9);
  if (el.dataset.near) {
    var c = el.dataset.near.split(",").map(Number);
    L.circle(c, { radius: Number(el.dataset.radius || 5) * 1000, color: "#616e7c", fill: false, weight: 1 }).addTo(map);
    L.marker(c).addTo(map);
  }
  map.on("click", function (e) { searchNear(e.latlng.lat, e.latlng.lng); });

  fetch(el.dataset.points, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var bounds = [];
      // Thousands of markers draw fast on a canvas; a few stay SVG elements (clickable, testable).
      var renderer = data.points.length > 1000 ? L.canvas() : L.svg();
      data.points.forEach(function (p) {
        var m = L.circleMarker([p[2], p[3]], { renderer: renderer, radius: 5, weight: 1, color: colors[p[4]], fillOpacity: 0.7, className: "kg-marker" });
        var a = document.createElement("a");
        a.href = "/kindergartens/" + encodeURIComponent(p[0]) + "/";
        a.textContent = p[1];
        m.bindPopup(a);
        m.addTo(map);
        bounds.push([p[2], p[3]]);
      });
      if (bounds.length) { map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] }); }
      else if (!el.dataset.near) {
        // Nothing located to show: give the room back to the list.
        el.style.display = "none";
        el.insertAdjacentHTML("afterend", '<p class="map-note">这些幼儿园尚无位置坐标,无法在地图上显示 / these kindergartens have no coordinates to map</p>');
      }
    })
    .catch(function () { /* the list above is the page; the map is an extra */ });

  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(
        function (pos) { searchNear(pos.coords.latitude, pos.coords.longitude); },
        function () { alert("无法获取位置 / your location is not available"); }
      );
    });
  }
})();
