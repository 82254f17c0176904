"""The finance area: budget rosters, scenarios, projection runs, charts and comparisons."""

from flask import Blueprint

bp = Blueprint("finance", __name__)

from web.finance import routes  # noqa: E402,F401  (routes attach themselves to bp)
