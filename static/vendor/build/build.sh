#!/usr/bin/env bash
# Rebuilds static/vendor/ from the npm registry (versions pinned in package.json), in a scratch folder:
#   bash static/vendor/build/build.sh
# htmx is copied as published; Plotly is bundled from its own modules with only the traces in plotly-entry.js.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vendor="$(dirname "$here")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/plotly-entry.js" "$work/"
cd "$work"
npm install --no-audit --no-fund --omit=dev >/dev/null
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
version="$(node -p "require('plotly.js/package.json').version")"
node_modules/.bin/esbuild plotly-entry.js --bundle --minify --format=iife --global-name=Plotly \
    --define:global=window --define:define.amd=false --target=es2016 --legal-comments=none \
    --banner:js="/* plotly.js v$version (MIT, Plotly, Inc.): core + bar + heatmap, built by static/vendor/build/build.sh */" \
    --log-level=warning --outfile=plotly.min.js
cp plotly.min.js "$vendor/plotly.min.js"
# Plotly's own styles as a file: under a Content-Security-Policy without 'unsafe-inline' it cannot inject them.
cp node_modules/plotly.js/dist/plotly.css "$vendor/plotly.css"
ls -l "$vendor"/*.js
