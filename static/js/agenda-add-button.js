// The page editor: the agenda's "+" buttons say what they do (「議題を追加」).
// Wagtail draws them as an icon with a tooltip only; new ones appear as items are
// added, so they are labelled whenever the editor's form changes.
(function () {
  "use strict";
  var LABEL = "議題を追加";

  function label(root) {
    var field = root.querySelector('[data-contentpath="agenda"]');
    if (!field) return;
    field.querySelectorAll("button.c-sf-add-button").forEach(function (button) {
      if (button.querySelector(".agenda-add-label")) return;
      var text = document.createElement("span");
      text.className = "agenda-add-label";
      text.textContent = LABEL;
      button.appendChild(text);
      button.setAttribute("title", LABEL);
      button.classList.add("agenda-add-button");
    });
  }

  function start() {
    var form = document.querySelector("form[data-edit-form], #page-edit-form") || document.body;
    label(form);
    new MutationObserver(function () {
      label(form);
    }).observe(form, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
