// The search page: "use my location" and the results map. No inline script, so a strict
// Content Security Policy can forbid them.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (button) {
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = "Your browser cannot share its location; type a town instead.";
        return;
      }
      status.textContent = "Finding you…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("near").value = "";
        document.getElementById("lat").value = pos.coords.latitude.toFixed(5);
        document.getElementById("lon").value = pos.coords.longitude.toFixed(5);
        button.form.submit();
      }, function () {
        status.textContent = "We could not get your location; type a town instead.";
      }, { timeout: 10000 });
    });
  }
  // A typed place replaces coordinates from an earlier "use my location".
  var near = document.getElementById("near");
  if (near) {
    near.addEventListener("input", function () {
      document.getElementById("lat").value = "";
      document.getElementById("lon").value = "";
    });
  }

  var dataNode = document.getElementById("map-data");
  if (!dataNode || typeof L === "undefined") { return; }
  var data = JSON.parse(dataNode.textContent);
  // A circle measures its bounds through the map's projection, so the map needs a view first.
  var map = L.map("map").setView(data.centre, 10);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap contributors"
  }).addTo(map);
  var circle = L.circle(data.centre, { radius: data.radius_km * 1000, weight: 1, fillOpacity: 0.05 }).addTo(map);
  var bounds = circle.getBounds();
  data.markers.forEach(function (m) {
    var marker = L.marker([m.lat, m.lon], { title: m.name }).addTo(map);
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(m.clinic));
    marker.bindPopup(popup);
    bounds.extend([m.lat, m.lon]);
  });
  map.fitBounds(bounds, { padding: [10, 10] });
  document.getElementById("map").dataset.markers = String(data.markers.length);
})();
