/*
 * ふくしマップ (admin): a map under the latitude/longitude fields of a facility
 * page. Clicking the map (or dragging the marker) fills both fields with six
 * decimal places; typing into the fields moves the marker. The fields stay the
 * real input: if the map cannot be loaded, nothing else changes.
 *
 * Settings come from <script type="application/json" id="facility-map-admin-config">,
 * written by facilities/wagtail_hooks.py. Leaflet is loaded only on forms that
 * have both fields.
 */
(function () {
  "use strict";

  var MAP_ID = "facility-location-map";

  function readConfig() {
    var node = document.getElementById("facility-map-admin-config");
    if (!node) {
      return null;
    }
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  function loadStylesheet(href) {
    return new Promise(function (resolve) {
      if (document.querySelector('link[data-leaflet="css"]')) {
        resolve();
        return;
      }
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.setAttribute("data-leaflet", "css");
      // Without the stylesheet the map is still usable enough to pick a point.
      link.onload = link.onerror = function () {
        resolve();
      };
      document.head.appendChild(link);
    });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.L && window.L.map) {
        resolve(window.L);
        return;
      }
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () {
        if (window.L && window.L.map) {
          resolve(window.L);
        } else {
          reject(new Error("leaflet.js"));
        }
      };
      script.onerror = function () {
        reject(new Error("leaflet.js"));
      };
      document.head.appendChild(script);
    });
  }

  function loadLeaflet(config) {
    return Promise.all([loadStylesheet(config.leafletCss), loadScript(config.leafletJs)]).then(
      function (results) {
        return results[1];
      }
    );
  }

  function parse(input) {
    var value = (input.value || "").trim();
    if (value === "") {
      return null;
    }
    var number = Number(value);
    return isFinite(number) ? number : null;
  }

  // The smallest element holding both inputs (the field row), so the map goes below the pair.
  function fieldRow(latInput, lngInput) {
    var node = latInput.parentElement;
    while (node && !node.contains(lngInput)) {
      node = node.parentElement;
    }
    return node;
  }

  var settingValues = false;

  function setValue(input, value) {
    input.value = value.toFixed(6);
    // Let Wagtail notice the change (unsaved-changes warning, validation state).
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function init(L, config, latInput, lngInput) {
    if (document.getElementById(MAP_ID)) {
      return;
    }
    var row = fieldRow(latInput, lngInput);
    if (!row) {
      return;
    }
    var wrapper = document.createElement("div");
    wrapper.className = "facility-location-map";
    wrapper.style.margin = "1rem 0";
    var hint = document.createElement("p");
    hint.className = "help";
    hint.id = MAP_ID + "-help";
    hint.textContent =
      "地図をクリックすると、その場所の緯度・経度が入ります。マーカーはドラッグでも動かせます。緯度・経度を直接入力すると、マーカーが動きます。";
    var box = document.createElement("div");
    box.id = MAP_ID;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "事業所の位置を選ぶ地図");
    box.setAttribute("aria-describedby", hint.id);
    box.style.height = "300px";
    box.style.maxWidth = "48rem";
    box.style.border = "1px solid #ccc";
    wrapper.appendChild(hint);
    wrapper.appendChild(box);
    row.insertAdjacentElement("afterend", wrapper);

    L.Icon.Default.imagePath = config.imagePath;
    var map = L.map(box, { zoomControl: false, attributionControl: false });
    L.control.zoom({ zoomInTitle: "拡大", zoomOutTitle: "縮小" }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' }).addTo(map);
    L.tileLayer(config.tileUrl, {
      attribution: config.attribution || "",
      minZoom: 5,
      maxZoom: 18,
    }).addTo(map);

    var marker = null;

    function place(lat, lng) {
      if (marker) {
        marker.setLatLng([lat, lng]);
      } else {
        marker = L.marker([lat, lng], { draggable: true, alt: "事業所の位置", keyboard: false });
        marker.on("dragend", function () {
          setBoth(marker.getLatLng());
        });
        marker.addTo(map);
      }
    }

    var lat = parse(latInput);
    var lng = parse(lngInput);
    if (lat !== null && lng !== null) {
      place(lat, lng);
      map.setView([lat, lng], config.pointZoom);
    } else {
      map.setView(config.center, config.zoom);
    }

    function setBoth(point) {
      settingValues = true;
      try {
        setValue(latInput, point.lat);
        setValue(lngInput, point.lng);
      } finally {
        settingValues = false;
      }
    }

    map.on("click", function (event) {
      var point = event.latlng.wrap();
      setBoth(point);
      place(point.lat, point.lng);
    });

    function fromInputs() {
      if (settingValues) {
        return;
      }
      var newLat = parse(latInput);
      var newLng = parse(lngInput);
      if (newLat === null || newLng === null || Math.abs(newLat) > 90 || Math.abs(newLng) > 180) {
        return;
      }
      place(newLat, newLng);
      map.panTo([newLat, newLng]);
    }
    latInput.addEventListener("input", fromInputs);
    lngInput.addEventListener("input", fromInputs);

    // The panel may be collapsed or in another tab when the map is made.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        map.invalidateSize();
      }).observe(box);
    }
    box.setAttribute("data-map-state", "ready");
  }

  function start() {
    var latInput = document.getElementById("id_latitude");
    var lngInput = document.getElementById("id_longitude");
    if (!latInput || !lngInput) {
      return;
    }
    var config = readConfig();
    if (!config) {
      return;
    }
    loadLeaflet(config)
      .then(function (L) {
        init(L, config, latInput, lngInput);
      })
      .catch(function (error) {
        if (window.console) {
          window.console.warn("admin-facility-map:", error);
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
