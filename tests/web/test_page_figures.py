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


# --- helpers for the cases below: a teacher of our own (no ledger items) and clients signed in by role -------------


def _teacher(session, user, district_id: str, step: int, lane: str, school_year: str, **profile):
    from datetime import date

    from models import TeacherCreate

    teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
        district_id=district_id, employee_id=f"E-{user.id}", name=f"Teacher {user.id}", school="Test School",
        hire_date=profile.pop("hire_date", date(2015, 8, 1)), user_id=user.id, **profile))
    teachers.set_placement(session=session, placement=PlacementCreate(
        teacher_id=teacher.id, school_year=school_year, step=step, lane=lane, fte=Decimal(1)))
    return teacher


def _signed_in(app, user):
    from tests.conftest import PASSWORD

    app.config["WTF_CSRF_ENABLED"] = False  # CSRF is tested in tests/security and tests/hr
    signed = app.test_client()
    assert signed.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return signed


def test_hr_request_page_shows_the_approved_terms_not_a_reassessment(app, session, make_user, tmp_path):
    # cedar-valley.yaml, 2026-27 schedule, step 4: BA 52568.00, BA+15 54968.00 (15 credit hours beyond the BA).
    # Filed 2026-09-15: the Aug 20 deadline has passed, so the next window is "By October 1 (retroactive to July 1)":
    # effective 2026-07-01, share 1. Approved 2026-10-15; payroll pays the new rate from that day:
    #   retro = (54968.00 - 52568.00) / 185 x 185 x 1 x 106/365 days (Jul 1 -> Oct 15 of Jul 1 -> Jul 1)
    #         = 2400.00 x 106 / 365 = 696.986... -> 696.99
    import io
    from datetime import date

    from tests.hr.conftest import PDF

    app.config["LANEWISE_EVIDENCE_ROOT"] = str(tmp_path / "instance")
    user = make_user("teacher")
    _teacher(session, user, "cedar-valley", 4, "BA", "2026-27")
    teacher_client, officer = _signed_in(app, user), _signed_in(app, make_user("hr"))
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    response = teacher_client.post("/requests/new", content_type="multipart/form-data", data={
        "kind": "lane_change", "target_lane": "", "role": "", "window": "", "credit_kind": "graduate_credit",
        "credit_amount": "15", "credit_title": "Reading courses", "credit_earned_on": "2026-06-01", "note": "",
        "do": "save", "evidence": (io.BytesIO(PDF), "transcript.pdf")})
    request_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert teacher_client.post(f"/requests/{request_id}/submit", data={"version": 1}).status_code == 302

    app.config["LANEWISE_TODAY"] = date(2026, 10, 15)
    page = officer.get(f"/hr/requests/{request_id}").get_data(as_text=True)
    assert "Meets every rule." in page
    assert _figure(page, "outcome-old-annual") == "$52,568.00"
    assert _figure(page, "outcome-new-annual") == "$54,968.00"
    officer.post(f"/hr/requests/{request_id}/decide", data={"version": 2, "action": "approve", "reason": ""})

    page = officer.get(f"/hr/requests/{request_id}").get_data(as_text=True)
    assert _figure(page, "status") == "Approved"
    assert _figure(page, "old-annual") == "$52,568.00"
    assert _figure(page, "new-annual") == "$54,968.00"
    assert _figure(page, "retro") == "$696.99"
    # Once approved, the request's credit is used by it: judging it again would say it no longer meets the rules
    # and that it pays BA 52568.00 from July 1. The page shows the approved terms only.
    assert "Does not meet the rules yet" not in page
    assert 'data-testid="outcome-new-annual"' not in page


def test_public_estimator_shows_each_amount_of_a_three_year_path(client):
    # cedar-valley.yaml: step 12, lane BA in 2026-27 with 15 graduate credit hours earned this year. The estimator
    # assumes them filed in the first window (by August 20, effective July 1, the whole year): lane BA+15.
    # Years of service are the step (no hire date given): 13 in 2027-28, when longevity (2,834.00 at 13) begins.
    # After 2026-27 the 2026-07-01 cells are carried by the 3.0% COLA, rounded half up to the cent.
    #   2026-27  step 12       BA+15 63,525.00                                        total 63,525.00
    #   2027-28  step 13 (13-16)     64,748.00 x 1.03   = 66,690.44   + 2,834.00      total 69,524.44
    #   2028-29  step 14 (13-16)     64,748.00 x 1.0609 = 68,691.1532 -> 68,691.15 + 2,834.00 = 71,525.15
    #   over 3 years: 63,525.00 + 69,524.44 + 71,525.15 = 204,574.59
    response = client.get("/estimate?district=cedar-valley&school_year=2026-27&step=12&lane=BA"
                          "&micro_credentials=0&credits=15&years=3")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _figure(page, "pay-in-year") == "$63,525.00"
    assert _figure(page, "base-salary") == "$63,525.00"
    assert "Base salary (step 12, lane BA+15)" in page
    assert _figure(page, "total-over-years") == "$204,574.59"
    rows = re.findall(r'data-testid="year-(\d{4}-\d{2})".*?data-testid="year-step">([^<]*)<.*?data-testid="year-lane">'
                      r'([^<]*)<.*?data-testid="year-base">([^<]*)<.*?data-testid="year-additions">([^<]*)<'
                      r'.*?data-testid="year-total">([^<]*)<', page, re.S)
    assert rows == [
        ("2026-27", "12", "BA+15", "$63,525.00", "$0.00", "$63,525.00"),
        ("2027-28", "13", "BA+15", "$66,690.44", "$2,834.00", "$69,524.44"),
        ("2028-29", "14", "BA+15", "$68,691.15", "$2,834.00", "$71,525.15"),
    ]
    assert 'data-testid="line-amount"' not in page  # no addition in 2026-27, so no table of its parts
