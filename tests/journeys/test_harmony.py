"""Harmony in the browser: 8 micro-credentials pay $1,600.00 in pay band 5 and nothing in band 3 (the page says why),
and the Mentor Teacher role shows the same $2,500.00 on every page that shows it, to payroll.

harmony.yaml: a grid schedule (2026-07-01 adopted; later years carried by the 2.5% COLA, cells and lines half up to
the cent); additions in rule order: $200.00 per micro-credential, at most 8 a year, pay bands 5 and 6 only; a
$2,000.00 subject stipend for science; roles: Mentor Teacher needs 3 years of service, a rating of effective or
better within 2 years and 5 micro-credentials, and pays a $2,500.00 supplement (x FTE); one window, filed by
September 30, effective July 1 (share 1); 187 contract days.

The teacher: hired 2022-08-01 (3 years of service on 2026-07-01), teaches science, placed by HR in 2026-27 at
step 3 (61,668.00), full time, pay band 3, rated effective in 2025-26.
"""
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from models import PlacementCreate, TeacherCreate
from services import teachers
from tests.conftest import BACKENDS
from tests.journeys.pages import (
    approve,
    evidence,
    file_credit,
    grant,
    pay_lines,
    payroll,
    preview_request,
    project_one_teacher,
    save_and_submit,
    timeline,
)

# Each journey runs on one database: Harmony and Cedar Valley on SQLite, Dysart and Prairie Ridge on PostgreSQL.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", [BACKENDS[0]], indirect=True)]

SUBJECT = "Subject stipend (math, science, CS, bilingual, ESL, GT, SPED)"
# Her path once the Mentor role is approved (from 2026-07-01), as of 2026-10-01: a step a year; each year after
# 2026-27 is the 2026-07-01 row x 1.025^(years after 2026-27), rounded half up to the cent once.
#   additions 2026-27: 8 x 200.00 (band 5) + 2,000.00 (science) + 2,500.00 (Mentor) = 6,100.00
#   additions later:   2,000.00 + 2,500.00 = 4,500.00 (no micro-credentials earned in those years; the 2025-26
#                      rating, effective, is assumed to continue, so the role stays)
WITH_THE_ROLE = {
    "2026-27": ("3", "$61,668.00", "$6,100.00", "$67,768.00"),
    "2027-28": ("4", "$63,968.20", "$4,500.00", "$68,468.20"),    # 62,408 x 1.025   = 63,968.20
    "2028-29": ("5", "$66,354.32", "$4,500.00", "$70,854.32"),    # 63,157 x 1.025^2 = 66,354.323125
    "2029-30": ("6", "$68,829.46", "$4,500.00", "$73,329.46"),    # 63,915 x 1.025^3 = 68,829.464...
    "2030-31": ("7", "$71,396.83", "$4,500.00", "$75,896.83"),    # 64,682 x 1.025^4 = 71,396.825...
    "2031-32": ("8", "$74,059.72", "$4,500.00", "$78,559.72"),    # 65,458 x 1.025^5 = 74,059.718...
    "2032-33": ("9", "$76,821.57", "$4,500.00", "$81,321.57"),    # 66,243 x 1.025^6 = 76,821.571...
    "2033-34": ("10", "$79,687.12", "$4,500.00", "$84,187.12"),   # 67,038 x 1.025^7 = 79,687.115...
    "2034-35": ("11", "$82,660.11", "$4,500.00", "$87,160.11"),   # 67,843 x 1.025^8 = 82,660.107...
    "2035-36": ("12", "$85,743.18", "$4,500.00", "$90,243.18"),   # 68,657 x 1.025^9 = 85,743.184...
}


def test_eight_micro_credentials_in_band_5_and_none_in_band_3_and_the_mentor_role_everywhere(
        app, session, make_user, signed_in, tmp_path):
    teacher_user, officer, analyst = make_user("teacher"), make_user("hr"), make_user("finance")
    teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
        district_id="harmony", employee_id="H-2001", name="Hana Ho", school="Harmony Science Academy",
        hire_date=date(2022, 8, 1), subjects="science", user_id=teacher_user.id))
    teachers.set_placement(session=session, placement=PlacementCreate(
        teacher_id=teacher.id, school_year="2026-27", step=3, lane="T", fte=Decimal(1), band="3"))
    me, hr = signed_in(teacher_user), signed_in(officer)

    # The teacher files eight BloomBoard micro-credentials earned this school year; HR grants them and records
    # last year's rating.
    app.config["LANEWISE_TODAY"] = date(2026, 9, 10)
    file_credit(me, kind="micro_credential", amount="8", title="BloomBoard micro-credentials (8)",
                earned_on="2026-08-20", file=evidence(tmp_path, "bloomboard-transcript.pdf"))
    grant(hr, teacher.id, "BloomBoard micro-credentials (8)")
    ratings = hr.get_by_role("region", name="Profile")
    ratings.get_by_label("School year").select_option("2025-26")
    ratings.get_by_label("Rating").select_option("effective")
    ratings.get_by_role("button", name="Record rating").click()
    expect(hr.get_by_role("region", name="Profile")).to_contain_text("2025-26: Effective")

    # Band 3: no stipend, and the page says why. 61,668.00 + 2,000.00 (science) = 63,668.00
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$63,668.00")
    why = me.get_by_test_id("not-applied")
    why.get_by_text("Pay that does not apply to you, and why").click()
    expect(why.get_by_role("listitem").filter(has_text="Micro-credential stipend")).to_have_text(
        "Micro-credential stipend: band 3 is not eligible: pay band 5 or 6 only")
    assert pay_lines(me) == {"Base salary": "$61,668.00", SUBJECT: "$2,000.00", "Total": "$63,668.00"}

    # HR corrects her pay band to 5: the eight are paid, 8 x 200.00 = 1,600.00 (at most 8 a year).
    hr.goto(f"/hr/teachers/{teacher.id}")
    placement = hr.get_by_role("region", name="Placements")
    expect(placement.get_by_label("School year")).to_have_value("2026-27")
    placement.get_by_label("Pay band").fill("5")
    placement.get_by_label("Why (kept in the record)").fill("Pay band 5 from her contract")
    placement.get_by_role("button", name="Save placement").click()
    expect(hr.get_by_role("status")).to_contain_text("Placement 2026-27:")
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$65,268.00")  # 61,668.00 + 1,600.00 + 2,000.00
    assert pay_lines(me) == {"Base salary": "$61,668.00", "Micro-credential stipend": "$1,600.00",
                             SUBJECT: "$2,000.00", "Total": "$65,268.00"}
    expect(me.get_by_role("main")).not_to_contain_text("band 3 is not eligible")

    # The Mentor Teacher role is worth 2,500.00 a year on every page that shows it.
    me.goto("/teacher/next")
    expect(me.get_by_test_id("role-mentor-supplement")).to_have_text("$2,500.00")
    me.goto("/teacher/best")
    # Ten years from 2026-27: the role pays 2,500.00 in each, 25,000.00; a ninth micro-credential pays nothing
    # (at most 8 a year); Lead and Master Teacher need a highly effective rating, never held, so they add nothing.
    best = {}
    for option in ("qualify for Mentor Teacher", "1 more micro-credential this year", "qualify for Lead Teacher",
                   "qualify for Master Teacher"):
        row = me.get_by_role("row", name=re.compile(re.escape(option)))
        best[option] = (row.get_by_test_id("gain-this-year").inner_text(),
                        row.get_by_test_id("gain-over-years").inner_text())
    assert best == {"qualify for Mentor Teacher": ("$2,500.00", "$25,000.00"),
                    "1 more micro-credential this year": ("$0.00", "$0.00"),
                    "qualify for Lead Teacher": ("$0.00", "$0.00"),
                    "qualify for Master Teacher": ("$0.00", "$0.00")}
    expect(me.get_by_role("row").nth(1)).to_contain_text("qualify for Mentor Teacher")  # ranked first
    me.goto("/teacher/what-if")
    me.get_by_label("Aim for a role").select_option(label="Mentor Teacher")
    me.get_by_label("Years to show").fill("3")
    me.get_by_role("button", name="Compare").click()
    # Current path: 65,268.00; 2027-28 step 4: 63,968.20 + 2,000.00 = 65,968.20; 2028-29 step 5: 66,354.32 +
    # 2,000.00 = 68,354.32; 199,590.52 in all. With the role, 2,500.00 more each year: 207,090.52, a gain of 7,500.00.
    expect(me.get_by_test_id("current-total")).to_have_text("$199,590.52")
    expect(me.get_by_test_id("what-if-total")).to_have_text("$207,090.52")
    expect(me.get_by_test_id("gain")).to_have_text("$7,500.00")
    for year, now, then in (("2026-27", "$65,268.00", "$67,768.00"), ("2027-28", "$65,968.20", "$68,468.20"),
                            ("2028-29", "$68,354.32", "$70,854.32")):
        row = me.get_by_test_id(f"year-{year}")
        assert (row.get_by_test_id("current-pay").inner_text(), row.get_by_test_id("what-if-pay").inner_text(),
                row.get_by_test_id("difference").inner_text()) == (now, then, "$2,500.00")

    # She asks for the role. Filed 2026-09-10, by September 30: effective 2026-07-01, the whole year.
    preview_request(me, kind="role", role="Mentor Teacher")
    expect(me.get_by_test_id("passes")).to_have_text("Meets every rule.")
    expect(me.get_by_test_id("effective")).to_have_text("2026-07-01")
    expect(me.get_by_test_id("outcome-old-annual")).to_have_text("$65,268.00")
    expect(me.get_by_test_id("outcome-new-annual")).to_have_text("$67,768.00")
    request_id = save_and_submit(me)

    # HR approves on 2026-10-01; payroll pays the new rate from that day. Owed for July 1 -> October 1, 92 of the
    # 365 days of the year: (67,768.00 - 65,268.00) / 187 x 187 x 1 x 92/365 = 2,500.00 x 92 / 365 = 630.136...
    app.config["LANEWISE_TODAY"] = date(2026, 10, 1)
    hr.goto(f"/hr/requests/{request_id}")
    expect(hr.get_by_test_id("outcome-old-annual")).to_have_text("$65,268.00")
    expect(hr.get_by_test_id("outcome-new-annual")).to_have_text("$67,768.00")
    approve(hr, request_id)
    expect(hr.get_by_test_id("status")).to_have_text("Approved")
    expect(hr.get_by_test_id("old-annual")).to_have_text("$65,268.00")
    expect(hr.get_by_test_id("new-annual")).to_have_text("$67,768.00")
    expect(hr.get_by_test_id("retro")).to_have_text("$630.14")
    shown, lines = payroll(hr, "2026-10-01", "2026-10-01")
    assert [(r["employee_id"], r["request"], r["change"], r["effective_date"], r["new_annual_salary"],
             r["retroactive_amount"]) for r in shown] == [
        ("H-2001", str(request_id), "role", "2026-07-01", "67768.00", "630.14")]
    assert [{k: r[k] for k in shown[0]} for r in lines] == shown

    # Her pages from now on: the role in every year.
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$67,768.00")
    assert pay_lines(me) == {"Base salary": "$61,668.00", "Micro-credential stipend": "$1,600.00",
                             SUBJECT: "$2,000.00", "Role: Mentor Teacher": "$2,500.00", "Total": "$67,768.00"}
    expect(me.get_by_test_id("pay-in-year")).to_have_text("$67,768.00")
    expect(me.get_by_test_id("base-salary")).to_have_text("$61,668.00")
    expect(me.get_by_test_id("total-over-years")).to_have_text("$777,788.51")  # the sum of the ten years below
    assert timeline(me) == WITH_THE_ROLE
    hr.goto(f"/hr/teachers/{teacher.id}")
    expect(hr.get_by_test_id("pay-now")).to_have_text("$67,768.00")
    for year, (_, _, _, total) in list(WITH_THE_ROLE.items())[:5]:
        expect(hr.get_by_test_id(f"path-{year}").get_by_test_id("path-total")).to_have_text(total)

    # Finance: her alone on a roster (step 3, band 5, science, 8 micro-credentials held), projected from 2026-27
    # with no attrition and no uptake. Base pay is the timeline's, year by year. Pay is not: the roster holds no
    # role and the projection pays no district role, and held micro-credentials earn no stipend there (see
    # tests/journeys/test_one_teacher_projection.py, a strict xfail with the numbers).
    years = project_one_teacher(signed_in(analyst), tmp_path, district="harmony", start_year="2026-27",
                                name="Hana Ho alone", roster="employee_id,step,lane,hire_date,band,subjects,"
                                "micro_credentials\nH-2001,3,T,2022-08-01,5,science,8\n")
    assert {year: figures["base"] for year, figures in years.items()} == {
        year: base for year, (_, base, _, _) in WITH_THE_ROLE.items()}
