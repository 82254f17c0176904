"""Whole paths to payroll: a change approved then reversed inside a payroll period, the period's bounds and
errors, the district filter, and a role request approved and paid. Amounts are worked out by hand below."""
import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models import CredentialKind, CredentialStatus, EarnedCredentialCreate
from models.teachers import Evaluation
from services import teachers
from tests.conftest import PASSWORD
from tests.hr.conftest import PDF


@pytest.fixture
def signed_in(app):
    """Give a function that returns a test client signed in as a user (CSRF is checked elsewhere)."""
    app.config["WTF_CSRF_ENABLED"] = False

    def sign(user):
        client = app.test_client()
        assert client.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
        return client

    return sign


@pytest.fixture
def officer(make_user, signed_in):
    return signed_in(make_user("hr"))


def file_and_submit(app, client, on: date, **fields) -> int:
    """A teacher files a request on a day and submits it; give its id."""
    app.config["LANEWISE_TODAY"] = on
    data = {"kind": "lane_change", "target_lane": "", "role": "", "window": "", "credit_kind": "graduate_credit",
            "credit_amount": "15", "credit_title": "Reading courses", "credit_earned_on": "2026-06-01", "note": "",
            "do": "save", "evidence": (io.BytesIO(PDF), "transcript.pdf"), **fields}
    response = client.post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    request_id = int(re.search(r"/requests/(\d+)", response.headers["Location"]).group(1))
    assert client.post(f"/requests/{request_id}/submit", data={"version": 1}).status_code == 302
    return request_id


def decide(app, officer, request_id: int, on: date, version: int, action: str, reason: str = "") -> str:
    app.config["LANEWISE_TODAY"] = on
    response = officer.post(f"/hr/requests/{request_id}/decide", data={"version": version, "action": action,
                                                                       "reason": reason}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def csv_rows(officer, query: str) -> list[dict]:
    response = officer.get(f"/hr/payroll.csv?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def teacher_in(make_user, make_teacher, signed_in, district_id: str, step: int | None = None, fte=None):
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id=district_id, step=step)
    return user, teacher, signed_in(user)


def test_an_approval_and_its_reversal_in_one_payroll_period(app, officer, make_user, make_teacher, signed_in):
    # Cedar Valley, BA step 1 -> BA+15 from July 1, 2026 (filed September 15, in the October 1 window).
    #   approved October 15: payroll starts 51,300.00 that day; owed for July 1 -> October 15 (106 of 365 days):
    #     (51,300.00 - 48,900.00) x 106 / 365 = 254,400 / 365 = 696.986... -> 696.99
    #   reversed November 20 (the transcript was withdrawn): paid above the old rate from July 1 to November 20
    #     (31 + 31 + 30 + 31 + 19 = 142 days): (48,900.00 - 51,300.00) x 142 / 365 = -340,800 / 365 = -933.698...
    #     -> -933.70 to recover (696.99 of it the lump sum, the rest paid at the higher rate since October 15)
    _, teacher, client = teacher_in(make_user, make_teacher, signed_in, "cedar-valley")
    request_id = file_and_submit(app, client, date(2026, 9, 15))
    assert "Retroactive amount: 696.99 (owed)" in decide(app, officer, request_id, date(2026, 10, 15), 2, "approve")
    reversed_page = decide(app, officer, request_id, date(2026, 11, 20), 3, "reverse", "Transcript withdrawn")
    assert "Retroactive amount: -933.70 (recover)" in reversed_page

    rows = csv_rows(officer, "start=2026-10-01&end=2026-11-30")
    assert [(r["change"], r["decided_on"], r["effective_date"], r["old_lane"], r["new_lane"], r["new_annual_salary"],
             r["retroactive_amount"]) for r in rows] == [
        ("lane_change", "2026-10-15", "2026-07-01", "BA", "BA+15", "51300.00", "696.99"),
        ("lane_change reversed", "2026-11-20", "2026-07-01", "BA+15", "BA", "48900.00", "-933.70"),
    ]
    assert {r["employee_id"] for r in rows} == {teacher.employee_id}
    # The bounds are whole days, both included.
    assert [r["retroactive_amount"] for r in csv_rows(officer, "start=2026-11-20&end=2026-11-20")] == ["-933.70"]
    assert csv_rows(officer, "start=2026-10-16&end=2026-11-19") == []
    assert [r["retroactive_amount"] for r in csv_rows(officer, "start=2026-10-15&end=2026-10-15")] == ["696.99"]

    page = officer.get("/hr/payroll?start=2026-10-01&end=2026-11-30").get_data(as_text=True)
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert cells == ["51300.00", "696.99", "48900.00", "-933.70"]
    assert "lane_change reversed" in page

    book = load_workbook(io.BytesIO(officer.get("/hr/payroll.xlsx?start=2026-10-01&end=2026-11-30").data)).active
    header = [c.value for c in book[1]]
    column = header.index("retroactive_amount") + 1
    amounts = [book.cell(row=r, column=column) for r in (2, 3)]
    assert [f"{c.value:.2f}" for c in amounts] == ["696.99", "-933.70"]
    assert all(c.number_format == "0.00" for c in amounts)


BAD_PERIODS = [
    ("start=2026-11-30&end=2026-10-01", "The period starts after it ends."),
    ("start=2026-02-30&end=2026-03-31", "Dates are YYYY-MM-DD."),
    ("start=yesterday", "Dates are YYYY-MM-DD."),
    ("end=2026-13-01", "Dates are YYYY-MM-DD."),
]


def test_a_bad_or_inverted_period_is_refused_with_a_reason(officer):
    for path in ("/hr/payroll", "/hr/payroll.csv", "/hr/payroll.xlsx"):
        for query, message in BAD_PERIODS:
            response = officer.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert message in response.get_data(as_text=True), (path, query)
            assert "attachment" not in response.headers.get("Content-Disposition", ""), (path, query)


def test_the_district_filter_keeps_one_district_s_changes(app, officer, make_user, make_teacher, signed_in):
    # Cedar Valley BA step 1 -> BA+15, as above: 696.99 owed on October 15.
    # Prairie Ridge BA step 0 -> BA+15 (filed September 15, the last day of its full-year window; from July 1):
    #   BA step 0 = 42,230.00 x 1.0000 = 42,230; BA+15 step 0 = 42,230.00 x 1.0600 = 44,763.80 -> 44,764 (cells to
    #   the dollar); owed = (44,764.00 - 42,230.00) x 106 / 365 = 2,534.00 x 106 / 365 = 268,604 / 365 = 735.90...
    _, cedar_teacher, cedar = teacher_in(make_user, make_teacher, signed_in, "cedar-valley")
    _, prairie_teacher, prairie = teacher_in(make_user, make_teacher, signed_in, "prairie-ridge")
    cedar_request = file_and_submit(app, cedar, date(2026, 9, 15))
    prairie_request = file_and_submit(app, prairie, date(2026, 9, 15))
    decide(app, officer, cedar_request, date(2026, 10, 15), 2, "approve")
    decide(app, officer, prairie_request, date(2026, 10, 15), 2, "approve")

    both = csv_rows(officer, "start=2026-10-01&end=2026-10-31")
    assert sorted((r["district"], r["employee_id"], r["new_annual_salary"], r["retroactive_amount"]) for r in both) == [
        ("cedar-valley", cedar_teacher.employee_id, "51300.00", "696.99"),
        ("prairie-ridge", prairie_teacher.employee_id, "44764.00", "735.90"),
    ]
    only = csv_rows(officer, "start=2026-10-01&end=2026-10-31&district=prairie-ridge")
    assert [(r["employee_id"], r["retroactive_amount"]) for r in only] == [(prairie_teacher.employee_id, "735.90")]
    page = officer.get("/hr/payroll?start=2026-10-01&end=2026-10-31&district=cedar-valley").get_data(as_text=True)
    assert re.findall(r'<td class="num">([^<]*)</td>', page) == ["51300.00", "696.99"]
    assert '<option value="cedar-valley" selected>Cedar Valley Unified (illustrative)</option>' in page
    # The export links carry the filter, so the download is what the page shows.
    assert "district=cedar-valley" in re.search(r'href="([^"]*payroll\.csv[^"]*)"', page).group(1)


def test_an_unknown_district_is_refused_rather_than_exported_empty(officer):
    # A mistyped district must not give payroll an empty file that reads as "nothing to pay".
    for path in ("/hr/payroll", "/hr/payroll.csv", "/hr/payroll.xlsx"):
        response = officer.get(f"{path}?start=2026-10-01&end=2026-10-31&district=cedar-vally")
        assert response.status_code == 400
        assert "cedar-vally" in response.get_data(as_text=True)


def test_a_role_request_approved_is_paid_on_the_payroll(app, officer, make_user, make_teacher, signed_in, session):
    # Harmony's Mentor Teacher role: 3 years, a rating of "effective" or better within 2 school years,
    # 5 micro-credentials granted; supplement 2,500.00 a year. The teacher: step 5 (63,157.00), 5 years.
    # Filed September 15 (by September 30: effective July 1, 2026), approved October 15:
    #   new annual = 63,157.00 + 2,500.00 = 65,657.00
    #   owed for July 1 -> October 15 (106 of 365 days) = 2,500.00 x 106 / 365 = 265,000 / 365 = 726.027... -> 726.03
    _, teacher, client = teacher_in(make_user, make_teacher, signed_in, "harmony", step=5)
    for n in range(4):  # make_teacher gave one granted micro-credential; four more make five
        teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
            teacher_id=teacher.id, kind=CredentialKind.micro_credential, title=f"Coaching {n}", amount=Decimal(1),
            school_year="2026-27"))
    session.add(Evaluation(teacher_id=teacher.id, school_year="2025-26", rating="effective"))
    session.commit()
    request_id = file_and_submit(app, client, date(2026, 9, 15), kind="role", role="mentor", credit_kind="",
                                 credit_amount="", credit_title="", credit_earned_on="")
    assert "Retroactive amount: 726.03 (owed)" in decide(app, officer, request_id, date(2026, 10, 15), 2, "approve")
    rows = csv_rows(officer, "start=2026-10-01&end=2026-10-31")
    assert [(r["employee_id"], r["district"], r["change"], r["effective_date"], r["old_step"], r["new_step"],
             r["new_annual_salary"], r["retroactive_amount"]) for r in rows] == [
        (teacher.employee_id, "harmony", "role", "2026-07-01", "5", "5", "65657.00", "726.03")]


def test_a_half_time_teacher_is_owed_half_the_full_time_amount(app, officer, make_user, make_teacher, signed_in,
                                                                session):
    # Cedar Valley BA step 1 -> BA+15 at FTE 0.5: annual 24,450.00 -> 25,650.00 (half of 48,900.00 and 51,300.00).
    #   approved October 15: (25,650.00 - 24,450.00) x 106 / 365 = 1,200.00 x 106 / 365 = 127,200 / 365
    #   = 348.493... -> 348.49, half the full-time 696.99 (up to the cent). Today Lanewise pays 174.25.
    #   reversed the same day: (24,450.00 - 25,650.00) x 106 / 365 = -348.49: exactly what was paid comes back.
    from models import Placement
    from sqlmodel import select

    _, teacher, client = teacher_in(make_user, make_teacher, signed_in, "cedar-valley")
    placement = session.exec(select(Placement).where(Placement.teacher_id == teacher.id)).one()
    placement.fte = Decimal("0.50")
    session.add(placement)
    session.commit()
    request_id = file_and_submit(app, client, date(2026, 9, 15))
    decide(app, officer, request_id, date(2026, 10, 15), 2, "approve")
    decide(app, officer, request_id, date(2026, 10, 15), 3, "reverse", "Transcript withdrawn")
    rows = csv_rows(officer, "start=2026-10-01&end=2026-10-31")
    assert [(r["new_annual_salary"], r["retroactive_amount"]) for r in rows] == [
        ("25650.00", "348.49"), ("24450.00", "-348.49")]
