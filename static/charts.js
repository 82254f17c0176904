// Draws every chart on the page from the JSON figure next to it (no inline scripts needed).
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-figure"));
      if (!source || typeof Plotly === "undefined") { return; }
      var figure = JSON.parse(source.textContent);
      var config = { responsive: true, displaylogo: false };
      Plotly.newPlot(element, figure.data, figure.layout || {}, config).then(function () {
        element.setAttribute("data-drawn", "true");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
