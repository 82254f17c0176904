"""The finance area: budget rosters, scenarios, projection runs, charts and comparisons."""

from flask import Blueprint

bp = Blueprint("finance", __name__, static_folder="static", static_url_path="/static")

from web.finance import routes  # noqa: E402,F401  (routes attach themselves to bp)
