"""HR's desk (`hr`, at /hr) and the teacher's lane-change requests (`requests`, at /requests)."""

from flask import Blueprint

bp = Blueprint("hr", __name__)
requests_bp = Blueprint("requests", __name__)

from web.hr import records, routes, teacher_routes  # noqa: E402,F401  (routes attach themselves to their blueprints)
