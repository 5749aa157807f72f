// The compact header on a phone: 「検索」「メニュー」「文字・色」 open and close their panel
// (disclosure buttons with aria-expanded). The panels are folded by CSS only where scripting
// is on and the screen is narrow, so without JavaScript everything stays reachable.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-header-toggle]");

  function panelOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function setOpen(button, open) {
    var panel = panelOf(button);
    if (!panel) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.classList.toggle("is-open", open);
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      setOpen(button, open);
      if (open && button.getAttribute("aria-controls") === "site-search-panel") {
        var field = document.getElementById("site-search-q");
        if (field) field.focus();
      }
    });
  });

  // Coming back from a reading-aid choice (#reading-aids): its panel stays open.
  if (window.location.hash === "#reading-aids") {
    buttons.forEach(function (button) {
      if (button.getAttribute("aria-controls") === "reading-aids") setOpen(button, true);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    buttons.forEach(function (button) {
      var panel = panelOf(button);
      if (button.getAttribute("aria-expanded") === "true" && panel && panel.contains(document.activeElement)) {
        setOpen(button, false);
        button.focus();
      }
    });
  });
})();
