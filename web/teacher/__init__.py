"""The teacher's pages: dashboard, what-if, what moves me next, best next step."""

from flask import Blueprint

bp = Blueprint("teacher", __name__)

from web.teacher import routes  # noqa: E402,F401  (routes attach themselves to bp)
