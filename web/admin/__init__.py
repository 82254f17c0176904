"""The admin area (placeholder: the admin engineer fills it in)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from web.admin import grids, routes  # noqa: E402,F401  (routes attach themselves to bp)
