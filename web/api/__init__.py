"""The JSON API, version 1: districts, schedules, estimates and the signed-in teacher."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from web.api import routes  # noqa: E402,F401  (routes attach themselves to bp)
