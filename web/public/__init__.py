"""Pages open to everyone: home, the public pay estimator, schedules, and the local Plotly script."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from web.public import assets, routes  # noqa: E402,F401  (routes attach themselves to bp)
