"""Pages of the hr area."""

from flask import render_template

from web.access import role_required
from web.hr import bp


@bp.route("/")
@role_required("hr")
def index():
    """Give the hr area's start page."""
    return render_template("hr/index.html")
