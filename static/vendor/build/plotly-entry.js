// Only the trace types Lanewise draws: scatter (lines, markers, bands, error bars; always in core),
// bar (cost by component, difference) and heatmap (the schedule). Add a trace type here before using it.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
