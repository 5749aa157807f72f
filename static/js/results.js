/*
 * Filters and searches land on their results.
 *
 * A filter form's action and a filter link end in #results, so without
 * JavaScript the browser scrolls to the results heading (id="results",
 * tabindex="-1"). Browsers scroll there but leave the focus at the top of the
 * page; this moves the focus to the heading too, so a screen reader reads the
 * count and the next Tab goes to the first result.
 */
(function () {
  "use strict";

  function focusResults() {
    if (window.location.hash !== "#results") {
      return;
    }
    var heading = document.getElementById("results");
    if (heading && document.activeElement !== heading) {
      heading.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusResults);
  } else {
    focusResults();
  }
})();
