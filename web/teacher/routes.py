"""The teacher's pages."""

from flask import render_template

from web.access import role_required
from web.teacher import bp


@bp.route("/")
@role_required("teacher")
def dashboard():
    """Give the teacher's dashboard."""
    return render_template("teacher/dashboard.html")
