/*
 * ふくしマップ: the map of the search results (?view=map) and the small map
 * on a facility page. Plain ES2017, no build step; loaded with `defer`.
 *
 * The server-rendered list stays the primary way to use the search. This
 * script loads the vendored Leaflet only when a map element is on the page,
 * and if Leaflet or the map tiles cannot be loaded it says so in
 * #facility-map-status and leaves everything else as it was.
 */
(function () {
  "use strict";

  var MESSAGES = {
    failedList: "地図を読み込めませんでした。一覧はそのままお使いいただけます。",
    failedOne: "地図を読み込めませんでした。所在地は上の住所をご覧ください。",
    shown: function (n) {
      return "地図に" + n + "件の事業所を表示しています。";
    },
    none: "条件に合う事業所のうち、地図に表示できる事業所はありません。",
    one: function (name) {
      return "地図に「" + name + "」の場所を表示しています。";
    },
  };
  // Before the first tile arrives, this many failed tiles mean the tile server is unreachable.
  var MAX_TILE_ERRORS_BEFORE_ANY_LOAD = 4;
  var DISTRICT_ZOOM = 11;
  var FACILITY_ZOOM = 16;
  var SLOW_TILES_MS = 10000;

  var container = document.getElementById("facility-map");
  if (!container) {
    return;
  }
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

  function loadStylesheet(href) {
    return new Promise(function (resolve, reject) {
      var existing = document.querySelector('link[data-leaflet="css"]');
      if (existing) {
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

  function directory(url) {
    return url.slice(0, url.lastIndexOf("/") + 1);
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
      box.appendChild(element("p", "facility-popup__phone", "電話: " + facility.phone));
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

  function parseCenter(value) {
    var parts = (value || "").split(",").map(Number);
    if (parts.length === 2 && parts.every(isFinite)) {
      return parts;
    }
    return [36.215, 139.15];
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
  function addKeyboardSupport(L, marker) {
    // A marker's element exists only once the marker is on a map that has a view.
    if (!marker.getElement()) {
      marker.once("add", function () {
        addKeyboardSupport(L, marker);
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

  function createMap(L) {
    var fallback = container.querySelector(".facility-map__fallback");
    if (fallback) {
      fallback.remove();
    }
    L.Icon.Default.imagePath = directory(container.getAttribute("data-leaflet-css")) + "images/";
    var created = L.map(container, {
      zoomControl: false,
      scrollWheelZoom: false,
      attributionControl: false,
    });
    L.control.zoom({ zoomInTitle: "拡大", zoomOutTitle: "縮小" }).addTo(created);
    L.control
      .attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' })
      .addTo(created);
    container.setAttribute("data-map-state", "ready");
    return created;
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
    var layer = L.tileLayer(container.getAttribute("data-tile-url"), {
      attribution: container.getAttribute("data-attribution") || "",
      minZoom: 5,
      maxZoom: 18,
    });
    watchTiles(layer, announce);
    layer.addTo(map);
    window.setTimeout(announce, SLOW_TILES_MS);
  }

  function showFacilities(L, data) {
    var facilities = (data && data.facilities) || [];
    map = createMap(L);
    closeOnEscape();
    var located = facilities.filter(function (facility) {
      return isFinite(Number(facility.lat)) && isFinite(Number(facility.lng));
    });
    var bounds = located.map(function (facility) {
      return [Number(facility.lat), Number(facility.lng)];
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], FACILITY_ZOOM - 1);
    } else if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: FACILITY_ZOOM });
    } else {
      map.setView(parseCenter(container.getAttribute("data-center")), DISTRICT_ZOOM);
    }
    located.forEach(function (facility, i) {
      var marker = L.marker(bounds[i], { alt: facility.name, title: facility.name })
        .bindPopup(facilityPopup(facility))
        .addTo(map);
      addKeyboardSupport(L, marker);
    });
    addTiles(L, bounds.length ? MESSAGES.shown(bounds.length) : MESSAGES.none);
  }

  function showOne(L) {
    var lat = Number(container.getAttribute("data-lat"));
    var lng = Number(container.getAttribute("data-lng"));
    var name = container.getAttribute("data-name") || "";
    if (!isFinite(lat) || !isFinite(lng)) {
      return;
    }
    map = createMap(L);
    closeOnEscape();
    map.setView([lat, lng], FACILITY_ZOOM);
    var marker = L.marker([lat, lng], { alt: name, title: name })
      .bindPopup(onePopup(name))
      .addTo(map);
    addKeyboardSupport(L, marker);
    addTiles(L, MESSAGES.one(name));
  }

  function start() {
    var leaflet = Promise.all([
      loadStylesheet(container.getAttribute("data-leaflet-css")),
      loadScript(container.getAttribute("data-leaflet-js")),
    ]).then(function (results) {
      return results[1];
    });
    var work = isList
      ? Promise.all([leaflet, fetchMarkers(container.getAttribute("data-markers-url"))]).then(
          function (results) {
            showFacilities(results[0], results[1]);
          }
        )
      : leaflet.then(showOne);
    work.catch(function (error) {
      if (window.console) {
        window.console.warn("facility-map:", error);
      }
      fail();
    });
  }

  start();
})();
