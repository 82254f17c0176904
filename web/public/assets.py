"""Static files under fingerprinted URLs, cached for a year; the favicon.

`asset_url("vendor/plotly.min.js")` gives `/assets/<digest>/vendor/plotly.min.js`, where the digest is the
file's SHA-256: a changed file gets a new URL, so browsers may keep every version for good. Text assets go out
gzip-compressed to browsers that accept it (Plotly: 1.2 MB -> about 400 kB), compressed once per process.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from flask import Response, abort, current_app, redirect, request, send_from_directory, url_for
from werkzeug.security import safe_join

from web.public import bp

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
_digests: dict[tuple[str, float], str] = {}
_compressed: dict[tuple[str, str], bytes] = {}


def _static_path(filename: str) -> Path | None:
    joined = safe_join(current_app.static_folder, filename)
    return Path(joined) if joined and Path(joined).is_file() else None


def digest(filename: str) -> str:
    """Give the first 12 hex digits of a static file's SHA-256 (recomputed when the file changes)."""
    path = _static_path(filename)
    if path is None:
        raise FileNotFoundError(filename)
    key = (str(path), path.stat().st_mtime)
    if key not in _digests:
        _digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _digests[key]


@bp.app_template_global("asset_url")
def asset_url(filename: str) -> str:
    """Give the fingerprinted URL of a file in static/ (for <script>, <link> and <img>)."""
    return url_for("public.asset", fingerprint=digest(filename), filename=filename)


@bp.route("/assets/<fingerprint>/<path:filename>")
def asset(fingerprint: str, filename: str):
    """Serve a static file for a year when its fingerprint is current; an old fingerprint goes to the current URL."""
    path = _static_path(filename)
    if path is None:
        abort(404)
    current = digest(filename)
    if fingerprint != current:
        return redirect(url_for("public.asset", fingerprint=current, filename=filename))
    mimetype = COMPRESSIBLE.get(path.suffix)
    if mimetype and "gzip" in request.headers.get("Accept-Encoding", ""):
        key = (str(path), current)
        if key not in _compressed:
            _compressed[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        response = Response(_compressed[key], mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(f"{current}-gzip")
    else:
        response = send_from_directory(current_app.static_folder, filename, max_age=YEAR)
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(current)
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response.make_conditional(request)


@bp.route("/favicon.ico")
def favicon():
    """The site's icon, for browsers that ask for /favicon.ico before reading the page's <link rel=icon>."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=7 * 24 * 3600)


@bp.route("/vendor/plotly.min.js")
def plotly_js():
    """The Plotly bundle's old address: sends to its fingerprinted URL."""
    return redirect(asset_url("vendor/plotly.min.js"))
