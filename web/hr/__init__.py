"""The hr area (placeholder: the hr engineer fills it in)."""

from flask import Blueprint

bp = Blueprint("hr", __name__)

from web.hr import routes  # noqa: E402,F401  (routes attach themselves to bp)
