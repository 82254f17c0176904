"""The finance area: budget rosters, scenarios, projection runs, charts and comparisons."""

from flask import Blueprint

bp = Blueprint("finance", __name__)

# The pages attach themselves to bp, by area: the first page, rosters, scenarios, runs and reports.
from web.finance import overview, rosters, runs, scenarios  # noqa: E402,F401
