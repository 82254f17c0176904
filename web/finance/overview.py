"""The finance area's first page: the officer's rosters, scenarios and recent runs."""

from __future__ import annotations

from flask import render_template

from services import finance
from services import roster as rosters
from web.access import role_required
from web.estimating import districts
from web.extensions import db
from web.finance import bp
from web.scoping import staff_districts


@bp.route("/")
@role_required("finance")
def index():
    """Rosters, scenarios and recent runs of the finance officer's districts."""
    session, own = db.session, staff_districts()
    all_rosters = rosters.list_rosters(session=session, district_ids=own)
    scenarios = finance.list_scenarios(session=session, district_ids=own)
    return render_template("finance/index.html", rosters=all_rosters, scenarios=scenarios,
                           runs=finance.list_runs(session=session, limit=20, district_ids=own), districts=districts(),
                           scenario_of_run={s.id: s for s in scenarios}, roster_of_run={r.id: r for r in all_rosters})
