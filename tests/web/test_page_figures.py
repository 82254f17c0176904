"""Every amount a page shows for one small case, to the cent (issue 15), each worked out by hand from the rule file.

The journeys in tests/journeys/ assert the dashboard, what-if, next, best, HR's request page and payroll
along whole paths; the cases here cover what those paths do not reach.
"""
import re
from decimal import Decimal

from models import PlacementCreate
from services import teachers


def _figure(page: str, test_id: str) -> str:
    found = re.findall(rf'data-testid="{re.escape(test_id)}"[^>]*>\s*(?:<strong>)?([^<]*)<', page)
    assert len(found) == 1, (test_id, found)
    return found[0].strip()


def test_what_moves_me_next_says_what_each_role_pays_at_the_teachers_fte(client, login_as, make_user, make_teacher,
                                                                        session):
    # harmony.yaml roles, for a teacher at 0.5 FTE: a supplement is an annual amount x FTE, like the timeline's line.
    #   Mentor Teacher  2500.00 x 0.50 = 1250.00
    #   Lead Teacher    5000.00 x 0.50 = 2500.00
    #   Master Teacher  8000.00 x 0.50 = 4000.00
    user = make_user("teacher")
    user._teacher = make_teacher(user=user, district_id="harmony", step=3, lane="T")
    teachers.set_placement(session=session, placement=PlacementCreate(
        teacher_id=user._teacher.id, school_year="2026-27", step=3, lane="T", fte=Decimal("0.50"), band="5"))
    login_as("teacher", user=user)
    page = client.get("/teacher/next").get_data(as_text=True)
    assert _figure(page, "role-mentor-supplement") == "$1,250.00"
    assert _figure(page, "role-lead-supplement") == "$2,500.00"
    assert _figure(page, "role-master-supplement") == "$4,000.00"
