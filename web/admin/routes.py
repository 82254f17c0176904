"""Pages of the admin area."""

from flask import render_template

from web.access import role_required
from web.admin import bp


@bp.route("/")
@role_required("admin")
def index():
    """Give the admin area's start page."""
    return render_template("admin/index.html")
