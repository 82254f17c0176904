"""The finance area (placeholder: the finance engineer fills it in)."""

from flask import Blueprint

bp = Blueprint("finance", __name__)

from web.finance import routes  # noqa: E402,F401  (routes attach themselves to bp)
