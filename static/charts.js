// Draws every chart on the page from the JSON figure next to it (no inline scripts needed).
// Plotly (1.2 MB) is fetched once the page has loaded, so the page's text and tables show first and the charts
// follow; its URL comes from this script's data-plotly attribute (fingerprinted, cached for a year).
(function () {
  "use strict";
  var source = document.currentScript && document.currentScript.getAttribute("data-plotly");

  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var data = document.getElementById(element.getAttribute("data-figure"));
      if (!data || element.getAttribute("data-drawn") === "true") { return; }
      var figure = JSON.parse(data.textContent);
      var config = { responsive: true, displaylogo: false };
      Plotly.newPlot(element, figure.data, figure.layout || {}, config).then(function () {
        element.setAttribute("data-drawn", "true");
      });
    });
  }

  function loadPlotly() {
    if (typeof Plotly !== "undefined") { draw(); return; }
    if (!source || !document.querySelector("[data-figure]")) { return; }
    var script = document.createElement("script");
    script.src = source;
    script.addEventListener("load", draw);
    document.head.appendChild(script);
  }

  if (document.readyState === "complete") {
    loadPlotly();
  } else {
    window.addEventListener("load", loadPlotly);
  }
})();
