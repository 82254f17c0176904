// Small touches every page shares (served as a file: no inline scripts).
//  - table.cards: each cell gets its column's name (data-label) so the phone layout can show it beside the value.
//  - .table-wrap: a box that scrolls sideways is made keyboard-focusable and named after its table, so keyboard
//    and screen-reader users can scroll it too.
//  - an htmx swap keeps what a person typed while it was on its way: fields changed after the request left get their
//    value back in the swapped-in content (by id), so a step typed while the district's fields load is not lost.
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

  var FIELDS = "input[id], select[id], textarea[id]";

  function valueOf(field) {
    return field.type === "checkbox" || field.type === "radio" ? field.checked : field.value;
  }

  var sent = new WeakMap();  // request -> the target's field values as it left
  var typed = null;          // id -> value typed since, carried over the swap under way
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target, values = {};
    if (!target || !event.detail.xhr) { return; }
    target.querySelectorAll(FIELDS).forEach(function (field) { values[field.id] = valueOf(field); });
    sent.set(event.detail.xhr, values);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var before = event.detail.xhr && sent.get(event.detail.xhr), target = event.detail.target;
    typed = null;
    if (!before || !target) { return; }
    target.querySelectorAll(FIELDS).forEach(function (field) {
      if (field.type !== "file" && field.id in before && before[field.id] !== valueOf(field)) {
        typed = typed || {};
        typed[field.id] = valueOf(field);
      }
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!typed) { return; }
    Object.keys(typed).forEach(function (id) {
      var field = document.getElementById(id);
      if (!field) { return; }
      if (field.type === "checkbox" || field.type === "radio") { field.checked = typed[id]; } else { field.value = typed[id]; }
    });
    typed = null;
  });

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
