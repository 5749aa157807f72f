/*
 * ふくしマップ: every map of the site. Plain ES2017, no build step; loaded with `defer`.
 *
 * - The search results (?view=map): #facility-map with data-markers-url.
 * - A facility page: #facility-map with data-lat, data-lng and data-name.
 * - The admin's location picker: a map under #id_latitude and #id_longitude on
 *   the facility page form.
 *
 * The settings (tiles, centre, zoom levels, where the vendored Leaflet is) come
 * from <script type="application/json" id="facility-map-config">, written by
 * facilities/maps.py. Leaflet is loaded only when one of these maps is on the page.
 *
 * On the public pages the server-rendered list and address stay the primary
 * information: if Leaflet or the map tiles cannot be loaded, the map says so in
 * #facility-map-status and leaves everything else as it was. In the admin the
 * fields stay the real input: without the map, nothing else changes.
 */
(function () {
  "use strict";

  var CONFIG_ID = "facility-map-config";

  // --- Shared: settings, loading Leaflet, making a map ----------------------------------

  function readConfig() {
    var node = document.getElementById(CONFIG_ID);
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
    return new Promise(function (resolve, reject) {
      if (document.querySelector('link[data-leaflet="css"]')) {
        resolve();
        return;
      }
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.setAttribute("data-leaflet", "css");
      link.onload = function () {
        resolve();
      };
      link.onerror = function () {
        reject(new Error("leaflet.css"));
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

  // Resolves with Leaflet's `L`. cssOptional: a missing stylesheet is not a failure.
  function loadLeaflet(config, cssOptional) {
    var css = loadStylesheet(config.leafletCss);
    if (cssOptional) {
      css = css.catch(function () {});
    }
    return Promise.all([css, loadScript(config.leafletJs)]).then(function (results) {
      return results[1];
    });
  }

  function createMap(L, config, box, options) {
    L.Icon.Default.imagePath = config.imagePath;
    var map = L.map(
      box,
      Object.assign({ zoomControl: false, attributionControl: false }, options || {})
    );
    L.control.zoom({ zoomInTitle: "拡大", zoomOutTitle: "縮小" }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' }).addTo(map);
    return map;
  }

  function tileLayer(L, config) {
    return L.tileLayer(config.tileUrl, {
      attribution: config.attribution || "",
      minZoom: config.minZoom,
      maxZoom: config.maxZoom,
    });
  }

  function warn(error) {
    if (window.console) {
      window.console.warn("facility-map:", error);
    }
  }

  // --- Public pages: the search results map and a facility's small map -----------------

  var MESSAGES = {
    failedList: "地図を読み込めませんでした。一覧はそのままお使いいただけます。",
    failedOne: "地図を読み込めませんでした。所在地は上の住所をご覧ください。",
    shown: function (n) {
      return "地図に" + n + "件の事業所を表示しています。";
    },
    none: "条件に合う事業所のうち、地図に表示できる事業所はありません。",
    grouped: function (n) {
      return "地図に" + n + "件の事業所を、近くの事業所ごとにまとめて表示しています。拡大すると1件ずつ表示します。";
    },
    cluster: function (n) {
      return n + "件の事業所(選ぶと拡大します)";
    },
    one: function (name) {
      return "地図に「" + name + "」の場所を表示しています。";
    },
  };
  // Before the first tile arrives, this many failed tiles mean the tile server is unreachable.
  var MAX_TILE_ERRORS_BEFORE_ANY_LOAD = 4;
  var SLOW_TILES_MS = 10000;

  function fetchMarkers(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (!response.ok) {
          throw new Error("markers: " + response.status);
        }
        return response.json();
      }
    );
  }

  function safeUrl(value) {
    if (!value) {
      return null;
    }
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  // Popup content is built from DOM nodes and textContent only: no markup from the data.
  function facilityPopup(facility) {
    var box = element("div", "facility-popup");
    var heading = element("p", "facility-popup__name");
    var href = safeUrl(facility.url);
    if (href) {
      var link = element("a", "", facility.name);
      link.href = href;
      heading.appendChild(link);
    } else {
      heading.textContent = facility.name;
    }
    box.appendChild(heading);
    var address = [facility.municipality, facility.address].filter(Boolean).join(" ");
    if (address) {
      box.appendChild(element("p", "facility-popup__address", address));
    }
    if (facility.phone) {
      var phone = element("p", "facility-popup__phone", "電話: ");
      // The server gives "tel:" and digits only; anything else is shown as text.
      if (/^tel:\+?[0-9]+$/.test(facility.tel || "")) {
        var call = element("a", "", facility.phone);
        call.href = facility.tel;
        phone.appendChild(call);
      } else {
        phone.appendChild(document.createTextNode(facility.phone));
      }
      box.appendChild(phone);
    }
    if (facility.services && facility.services.length) {
      box.appendChild(
        element("p", "facility-popup__services", "サービス: " + facility.services.join("・"))
      );
    }
    return box;
  }

  function onePopup(name) {
    var box = element("div", "facility-popup");
    box.appendChild(element("p", "facility-popup__name", name));
    return box;
  }

  function focusPopup(marker) {
    var popup = marker.getPopup();
    var popupEl = popup && popup.getElement();
    if (!popupEl) {
      return;
    }
    var target = popupEl.querySelector(".leaflet-popup-content a[href]");
    if (!target) {
      target = popupEl.querySelector(".leaflet-popup-content");
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  function publicMap(container, config) {
    var statusEl = document.getElementById("facility-map-status");
    var isList = container.hasAttribute("data-markers-url");
    var failed = false;
    var map = null;

    function setStatus(text) {
      if (statusEl) {
        statusEl.textContent = text;
      }
    }

    function fail() {
      if (failed) {
        return;
      }
      failed = true;
      if (map) {
        map.remove();
        map = null;
      }
      // The status below says what happened; an empty (or "enable JavaScript") box would not help.
      container.hidden = true;
      container.setAttribute("data-map-state", "failed");
      setStatus(isList ? MESSAGES.failedList : MESSAGES.failedOne);
    }

    function localiseControls() {
      container.querySelectorAll(".leaflet-popup-close-button").forEach(function (button) {
        button.setAttribute("aria-label", "閉じる");
        button.setAttribute("title", "閉じる");
      });
    }

    /*
     * Keyboard: Leaflet markers are focusable buttons. Enter and Space open the
     * popup (handled on keydown, which also stops Leaflet's own keypress toggle),
     * focus moves into the popup, and Escape closes it and returns to the marker.
     */
    function addKeyboardSupport(marker) {
      // A marker's element exists only once the marker is on a map that has a view.
      if (!marker.getElement()) {
        marker.once("add", function () {
          addKeyboardSupport(marker);
        });
        return;
      }
      var icon = marker.getElement();
      icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          marker._openedByKeyboard = true;
          if (marker.isPopupOpen()) {
            focusPopup(marker);
          } else {
            marker.openPopup();
          }
        }
      });
      marker.on("popupopen", function () {
        localiseControls();
        if (marker._openedByKeyboard) {
          marker._openedByKeyboard = false;
          focusPopup(marker);
        }
      });
      marker.on("popupclose", function () {
        var popup = marker.getPopup();
        var popupEl = popup && popup.getElement();
        var active = document.activeElement;
        if (!active || active === document.body || (popupEl && popupEl.contains(active))) {
          icon.focus();
        }
      });
    }

    function closeOnEscape() {
      container.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || !map) {
          return;
        }
        var popupEl = container.querySelector(".leaflet-popup");
        if (popupEl && popupEl.contains(document.activeElement)) {
          event.preventDefault();
          map.closePopup();
        }
      });
    }

    function watchTiles(layer, onFirstLoad) {
      var loaded = 0;
      var errors = 0;
      layer.on("tileload", function () {
        loaded += 1;
        if (loaded === 1) {
          onFirstLoad();
        }
      });
      layer.on("tileerror", function () {
        errors += 1;
        if (loaded === 0 && errors >= MAX_TILE_ERRORS_BEFORE_ANY_LOAD) {
          fail();
        }
      });
      // "load" fires when every visible tile has either loaded or failed.
      layer.on("load", function () {
        if (loaded === 0 && errors > 0) {
          fail();
        }
      });
    }

    function makeMap(L) {
      var fallback = container.querySelector(".facility-map__fallback");
      if (fallback) {
        fallback.remove();
      }
      map = createMap(L, config, container, { scrollWheelZoom: false });
      container.setAttribute("data-map-state", "ready");
      closeOnEscape();
    }

    // The status is announced once the first tile arrives (or after a while if tiles are slow).
    function addTiles(L, message) {
      var announced = false;
      function announce() {
        if (!failed && !announced) {
          announced = true;
          setStatus(message);
        }
      }
      var layer = tileLayer(L, config);
      watchTiles(layer, announce);
      layer.addTo(map);
      window.setTimeout(announce, SLOW_TILES_MS);
    }

    function addMarker(L, point, name, popup, layer) {
      var marker = L.marker(point, { alt: name, title: name }).bindPopup(popup).addTo(layer || map);
      addKeyboardSupport(marker);
    }

    // A group of facilities (more than the server lists one by one): its number, and a
    // click or Enter zooms to where they are.
    function addCluster(L, cluster, layer) {
      var label = MESSAGES.cluster(cluster.count);
      var icon = L.divIcon({
        className: "facility-cluster",
        html: "<span>" + Number(cluster.count) + "</span>",
        iconSize: [40, 40],
      });
      var marker = L.marker([cluster.lat, cluster.lng], { icon: icon, title: label }).addTo(layer);
      function zoomIn() {
        map.fitBounds(cluster.bounds, { padding: [30, 30], maxZoom: config.maxZoom });
      }
      marker.on("click", zoomIn);
      var element = marker.getElement();
      if (element) {
        element.setAttribute("aria-label", label);
        // Leaflet's own Enter only opens popups; a group has none.
        element.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
            event.preventDefault();
            zoomIn();
          }
        });
      }
    }

    function located(data) {
      return ((data && data.facilities) || []).filter(function (facility) {
        return isFinite(Number(facility.lat)) && isFinite(Number(facility.lng));
      });
    }

    function clustersOf(data) {
      return ((data && data.clusters) || []).filter(function (cluster) {
        return isFinite(Number(cluster.lat)) && isFinite(Number(cluster.lng));
      });
    }

    function draw(L, layer, facilities, clusters) {
      layer.clearLayers();
      facilities.forEach(function (facility) {
        var point = [Number(facility.lat), Number(facility.lng)];
        addMarker(L, point, facility.name, facilityPopup(facility), layer);
      });
      clusters.forEach(function (cluster) {
        addCluster(L, cluster, layer);
      });
    }

    function statusFor(data, facilities, clusters) {
      if (clusters.length) {
        return MESSAGES.grouped(Number(data.count) || 0);
      }
      return facilities.length ? MESSAGES.shown(facilities.length) : MESSAGES.none;
    }

    /*
     * With many facilities the server answers with groups; the map then asks again for
     * the visible area (?bbox=) whenever it is moved or zoomed, and shows the facilities
     * one by one once few enough are in view.
     */
    function followView(L, layer, url) {
      var asked = 0;
      map.on("moveend", function () {
        var mine = (asked += 1);
        var separator = url.indexOf("?") === -1 ? "?" : "&";
        var bbox = map.getBounds().pad(0.1).toBBoxString();
        fetchMarkers(url + separator + "bbox=" + encodeURIComponent(bbox))
          .then(function (data) {
            if (mine !== asked || !map) {
              return;
            }
            var facilities = located(data);
            var clusters = clustersOf(data);
            draw(L, layer, facilities, clusters);
            setStatus(statusFor(data, facilities, clusters));
          })
          .catch(warn);
      });
    }

    function showFacilities(L, data, url) {
      makeMap(L);
      var facilities = located(data);
      var clusters = clustersOf(data);
      var bounds = facilities.map(function (facility) {
        return [Number(facility.lat), Number(facility.lng)];
      });
      clusters.forEach(function (cluster) {
        bounds.push(cluster.bounds[0], cluster.bounds[1]);
      });
      if (bounds.length === 1) {
        map.setView(bounds[0], config.pointZoom - 1);
      } else if (bounds.length > 1) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: config.pointZoom });
      } else {
        map.setView(config.center, config.zoom);
      }
      var layer = L.layerGroup().addTo(map);
      draw(L, layer, facilities, clusters);
      if (clusters.length) {
        followView(L, layer, url);
      }
      addTiles(L, statusFor(data, facilities, clusters));
    }

    function showOne(L) {
      var lat = Number(container.getAttribute("data-lat"));
      var lng = Number(container.getAttribute("data-lng"));
      var name = container.getAttribute("data-name") || "";
      if (!isFinite(lat) || !isFinite(lng)) {
        return;
      }
      makeMap(L);
      map.setView([lat, lng], config.pointZoom);
      addMarker(L, [lat, lng], name, onePopup(name));
      addTiles(L, MESSAGES.one(name));
    }

    if (!config) {
      warn(new Error("no settings in #" + CONFIG_ID));
      fail();
      return;
    }
    var leaflet = loadLeaflet(config, false);
    var markersUrl = container.getAttribute("data-markers-url");
    var work = isList
      ? Promise.all([leaflet, fetchMarkers(markersUrl)]).then(function (results) {
          showFacilities(results[0], results[1], markersUrl);
        })
      : leaflet.then(showOne);
    work.catch(function (error) {
      warn(error);
      fail();
    });
  }

  // --- Admin: the location picker on the facility page form ----------------------------

  var PICKER_ID = "facility-location-map";

  function parseInput(input) {
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

  function setValue(input, value) {
    input.value = value.toFixed(6);
    // Let Wagtail notice the change (unsaved-changes warning, validation state).
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function pickerBox(row) {
    var wrapper = document.createElement("div");
    wrapper.className = "facility-location-map";
    wrapper.style.margin = "1rem 0";
    var hint = document.createElement("p");
    hint.className = "help";
    hint.id = PICKER_ID + "-help";
    hint.textContent =
      "地図をクリックすると、その場所の緯度・経度が入ります。マーカーはドラッグでも動かせます。緯度・経度を直接入力すると、マーカーが動きます。";
    var box = document.createElement("div");
    box.id = PICKER_ID;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "事業所の位置を選ぶ地図");
    box.setAttribute("aria-describedby", hint.id);
    box.style.height = "300px";
    box.style.maxWidth = "48rem";
    box.style.border = "1px solid #ccc";
    wrapper.appendChild(hint);
    wrapper.appendChild(box);
    row.insertAdjacentElement("afterend", wrapper);
    return box;
  }

  function locationPicker(L, config, latInput, lngInput) {
    if (document.getElementById(PICKER_ID)) {
      return;
    }
    var row = fieldRow(latInput, lngInput);
    if (!row) {
      return;
    }
    var box = pickerBox(row);
    var map = createMap(L, config, box);
    tileLayer(L, config).addTo(map);

    var marker = null;
    var settingValues = false;

    function setBoth(point) {
      settingValues = true;
      try {
        setValue(latInput, point.lat);
        setValue(lngInput, point.lng);
      } finally {
        settingValues = false;
      }
    }

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

    var lat = parseInput(latInput);
    var lng = parseInput(lngInput);
    if (lat !== null && lng !== null) {
      place(lat, lng);
      map.setView([lat, lng], config.pointZoom);
    } else {
      map.setView(config.center, config.zoom);
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
      var newLat = parseInput(latInput);
      var newLng = parseInput(lngInput);
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

  function adminPicker(config, latInput, lngInput) {
    if (!config) {
      return;
    }
    // Without Leaflet's stylesheet the map is still usable enough to pick a point.
    loadLeaflet(config, true)
      .then(function (L) {
        locationPicker(L, config, latInput, lngInput);
      })
      .catch(warn);
  }

  // --- Which map this page has -----------------------------------------------------------

  function start() {
    var config = readConfig();
    var container = document.getElementById("facility-map");
    if (container) {
      publicMap(container, config);
      return;
    }
    var latInput = document.getElementById("id_latitude");
    var lngInput = document.getElementById("id_longitude");
    if (latInput && lngInput) {
      adminPicker(config, latInput, lngInput);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
