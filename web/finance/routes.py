"""Pages of the finance area."""

from flask import render_template

from web.access import role_required
from web.finance import bp


@bp.route("/")
@role_required("finance")
def index():
    """Give the finance area's start page."""
    return render_template("finance/index.html")
