"""Which districts a staff account may see: HR and finance work for the districts an administrator assigned them.

Every HR and finance view narrows what it reads to `staff_districts()` (services take it as `district_ids`), and
answers another district's object with 404, exactly as a missing one, never 403: a 403 would tell that it exists.
An account with no district sees empty lists, and every page says that an administrator must assign districts.
"""

from flask import abort, g
from sqlalchemy.exc import SQLAlchemyError

from engine.rules import DistrictRules
from models import Role
from models.accounts import DISTRICT_ROLES
from services import accounts
from web.access import request_user
from web.estimating import districts
from web.extensions import db


def staff_districts() -> list[str]:
    """The district ids the signed-in HR or finance account works for, sorted (read once per request)."""
    if "staff_districts" not in g:
        user = request_user()
        g.staff_districts = accounts.user_districts(session=db.session, user_id=user.id) if user is not None else []
    return g.staff_districts


def staff_rules() -> dict[str, DistrictRules]:
    """The loaded rules of the signed-in account's districts, by id: what its district choices offer."""
    own = set(staff_districts())
    return {district_id: rules for district_id, rules in districts().items() if district_id in own}


def own_district_or_404(district_id: str | None) -> None:
    """Answer 404 unless the district is one of the signed-in account's (another district's object is not found)."""
    if district_id is None or district_id not in staff_districts():
        abort(404)


def own_or_404(row):
    """The row (anything with a district_id) when it exists and is of one of the signed-in account's districts;
    else 404, so another district's object is not revealed."""
    own_district_or_404(row.district_id if row is not None else None)
    return row


def needs_districts() -> bool:
    """True for a signed-in HR or finance account that an administrator has given no district yet."""
    user = request_user()
    if user is None or Role(user.role) not in DISTRICT_ROLES:
        return False
    try:
        return not staff_districts()
    except SQLAlchemyError:  # an error page while the database is failing: the page's words, not a second error
        return False


def register(app) -> None:
    """Let every page say, for an HR or finance account without districts, that an administrator must assign them."""

    @app.context_processor
    def _staff_scope():
        return {"needs_districts": needs_districts}
