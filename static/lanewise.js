// Small touches every page shares (served as a file: no inline scripts).
//  - table.cards: each cell gets its column's name (data-label) so the phone layout can show it beside the value.
//  - .table-wrap: a box that scrolls sideways is made keyboard-focusable and named after its table, so keyboard
//    and screen-reader users can scroll it too.
// Runs on load, after every htmx swap, and when the window is resized.
(function () {
  "use strict";

  function labelCells(root) {
    root.querySelectorAll("table.cards").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && headers[index]) {
            cell.setAttribute("data-label", headers[index]);
          }
        });
      });
    });
  }

  function focusableScrollers(root) {
    root.querySelectorAll(".table-wrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        var heading = caption ? caption.textContent.trim() : "Table";
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", heading + " (scrolls sideways)");
        box.setAttribute("data-scrolls", "true");
      } else if (!scrolls && box.getAttribute("data-scrolls") === "true") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scrolls");
      }
    });
  }

  function enhance(root) {
    labelCells(root || document);
    focusableScrollers(root || document);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { enhance(document); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
