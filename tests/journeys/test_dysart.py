"""Dysart in the browser: 30 micro-credentials over three school years make two growth steps, and the teacher's
pages, HR's decisions, payroll and a one-teacher projection show the same pay, year by year, to the cent.

dysart.yaml: growth schedules (4% a growth step, not compounding, under the board's cap); micro-credentials count
toward growth steps in phases of 15, at most 2; only granted ones count; at least 5 in a school year; one window,
by May 22, effective the next July 1; a growth step needs two HR reviewers; cells and lines round half up to the
cent; after the last adopted schedule (2026-27) the schedule is carried forward by the 2.0% COLA.

The teacher: hired 2021-07-01, placed by HR in 2025-26 at step 5, lane BA, full time. Each year a step on.
  2025-26  20 micro-credentials: the first phase of 15 (growth step 1 from 2026-07-01); 5 kept for the next phase
  2026-27   5 more: 10 toward the second phase, not yet 15
  2027-28   5 more: 15, the second phase (growth step 2 from 2028-07-01)
"""
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from models import PlacementCreate, TeacherCreate
from services import teachers
from tests.conftest import POSTGRESQL_ONLY
from tests.journeys.pages import (
    approve,
    evidence,
    file_credit,
    grant,
    ledger_row,
    payroll,
    preview_request,
    project_one_teacher,
    save_and_submit,
    timeline,
)

# Each journey runs on one database: Dysart and Prairie Ridge on PostgreSQL, Harmony and Cedar Valley on SQLite.
pytestmark = [pytest.mark.browser, POSTGRESQL_ONLY]

# From 2028-29 on, step 8 onward at 2 growth steps: the 2026-07-01 row amount x 1.02^(years after 2026-27)
# x (1 + 4% x 2), rounded half up to the cent once. The cap (74,800.00 x the same COLA factor) is never reached:
# the largest placement, 67,122.73 x 1.08 = 72,492.55, is below 74,800.00. The steps stop at 15 ("15+", the last row).
AFTER_TWO_PHASES = {
    "2028-29": ("8", "$69,697.80", "$0.00", "$69,697.80"),    # 62,029.03 x 1.02^2  x 1.08 = 69,697.799... (1.0404)
    "2029-30": ("9", "$72,513.59", "$0.00", "$72,513.59"),    # 63,269.61 x 1.02^3  x 1.08 = 72,513.592...
    "2030-31": ("10", "$76,182.78", "$0.00", "$76,182.78"),   # 65,167.70 (row 10-14) x 1.02^4 x 1.08 = 76,182.784...
    "2031-32": ("11", "$77,706.44", "$0.00", "$77,706.44"),   # 65,167.70 x 1.02^5  x 1.08 = 77,706.440...
    "2032-33": ("12", "$79,260.57", "$0.00", "$79,260.57"),   # 65,167.70 x 1.02^6  x 1.08 = 79,260.569...
    "2033-34": ("13", "$80,845.78", "$0.00", "$80,845.78"),   # 65,167.70 x 1.02^7  x 1.08 = 80,845.780...
    "2034-35": ("14", "$82,462.69", "$0.00", "$82,462.69"),   # 65,167.70 x 1.02^8  x 1.08 = 82,462.695...
    "2035-36": ("15", "$86,635.31", "$0.00", "$86,635.31"),   # 67,122.73 (row 15+) x 1.02^9 x 1.08 = 86,635.311...
    "2036-37": ("15", "$88,368.01", "$0.00", "$88,368.01"),   # 67,122.73 x 1.02^10 x 1.08 = 88,368.017...
    "2037-38": ("15", "$90,135.37", "$0.00", "$90,135.37"),   # 67,122.73 x 1.02^11 x 1.08 = 90,135.377...
}


def test_thirty_micro_credentials_over_three_years_make_two_growth_steps(app, session, make_user, signed_in, tmp_path):
    teacher_user, reviewer, second_reviewer, analyst = (make_user("teacher"), make_user("hr"), make_user("hr"),
                                                        make_user("finance"))
    teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
        district_id="dysart", employee_id="D-1001", name="Dana Diaz", school="Dysart High", hire_date=date(2021, 7, 1),
        user_id=teacher_user.id))
    teachers.set_placement(session=session, placement=PlacementCreate(
        teacher_id=teacher.id, school_year="2025-26", step=5, lane="BA", fte=Decimal(1)))
    certificate = evidence(tmp_path, "dysart-u-certificates.pdf")
    me, hr, committee = signed_in(teacher_user), signed_in(reviewer), signed_in(second_reviewer)

    # --- 2025-26: twenty micro-credentials, the first phase -------------------------------------------------------
    app.config["LANEWISE_TODAY"] = date(2026, 4, 15)
    file_credit(me, kind="micro_credential", amount="20", title="Dysart U micro-credentials 1-20",
                earned_on="2026-04-01", file=certificate)
    expect(ledger_row(me, "Dysart U micro-credentials 1-20")).to_contain_text("2025-26")
    me.goto("/teacher/next")
    expect(me.get_by_role("main")).to_contain_text("You have the 15 micro-credentials for growth step 1")
    # Filed by 2026-05-22, effective 2026-07-01, when the teacher is at step 6 (2026-27 schedule):
    #   now 59,620.36; with growth step 1: 59,620.36 x (1 + 4% x 1) = 62,005.1744 -> 62,005.17
    preview_request(me, kind="growth_step", file=certificate)
    expect(me.get_by_test_id("passes")).to_have_text("Meets every rule.")
    expect(me.get_by_test_id("effective")).to_have_text("2026-07-01")
    expect(me.get_by_test_id("outcome-old-annual")).to_have_text("$59,620.36")
    expect(me.get_by_test_id("outcome-new-annual")).to_have_text("$62,005.17")
    first_request = save_and_submit(me)

    # HR grants the twenty on their evidence; two different reviewers approve (Dysart's committee).
    app.config["LANEWISE_TODAY"] = date(2026, 5, 1)
    grant(hr, teacher.id, "Dysart U micro-credentials 1-20")
    approve(hr, first_request)
    expect(hr.get_by_test_id("status")).to_have_text("Submitted")
    expect(hr.get_by_test_id("reviews")).to_contain_text("Approvals: 1 of 2 reviewers")
    approve(committee, first_request)
    expect(committee.get_by_test_id("status")).to_have_text("Approved")
    expect(committee.get_by_test_id("old-annual")).to_have_text("$59,620.36")
    expect(committee.get_by_test_id("new-annual")).to_have_text("$62,005.17")
    expect(committee.get_by_test_id("retro")).to_have_text("$0.00")  # effective next July 1: none paid at the old rate

    # Today the teacher is paid 2025-26 step 5, no growth step: 54,121.61 (2025-07-01 row). Next year step 6 +1.
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$54,121.61")
    path = timeline(me)
    assert path["2025-26"] == ("5", "$54,121.61", "$0.00", "$54,121.61")
    assert path["2026-27"] == ("6", "$62,005.17", "$0.00", "$62,005.17")
    me.goto("/teacher/credits")  # the phase used 15 of the 20; 5 are kept for the next phase
    expect(ledger_row(me, "Dysart U micro-credentials 1-20").get_by_test_id("credit-used")).to_have_text("15")

    # --- 2026-27: five more, ten toward the second phase ---------------------------------------------------------
    app.config["LANEWISE_TODAY"] = date(2027, 4, 15)
    file_credit(me, kind="micro_credential", amount="5", title="Dysart U micro-credentials 21-25",
                earned_on="2027-04-01", file=certificate)
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$62,005.17")
    expect(me.get_by_test_id("growth-steps")).to_have_text("1")
    # 5 kept from 2025-26 + 5 of 2026-27 = 10 of 15: five more this school year would complete the phase.
    me.goto("/teacher/next")
    expect(me.get_by_test_id("micro-credentials-needed")).to_have_text("5")
    expect(me.get_by_role("main")).to_contain_text("10 of the 15 in a phase count now")
    app.config["LANEWISE_TODAY"] = date(2027, 5, 1)
    grant(hr, teacher.id, "Dysart U micro-credentials 21-25")

    # --- 2027-28: five more, the second phase --------------------------------------------------------------------
    app.config["LANEWISE_TODAY"] = date(2028, 4, 15)
    file_credit(me, kind="micro_credential", amount="5", title="Dysart U micro-credentials 26-30",
                earned_on="2028-04-01", file=certificate)
    me.goto("/teacher/next")
    expect(me.get_by_role("main")).to_contain_text("You have the 15 micro-credentials for growth step 2")
    # Effective 2028-07-01, step 8 on the 2026-07-01 schedule carried two years by the COLA (1.02^2 = 1.0404):
    #   now  62,029.03 x 1.0404 x (1 + 4% x 1) = 67,116.402... -> 67,116.40
    #   new  62,029.03 x 1.0404 x (1 + 4% x 2) = 69,697.799... -> 69,697.80
    preview_request(me, kind="growth_step", file=certificate)
    expect(me.get_by_test_id("passes")).to_have_text("Meets every rule.")
    expect(me.get_by_test_id("effective")).to_have_text("2028-07-01")
    expect(me.get_by_test_id("outcome-old-annual")).to_have_text("$67,116.40")
    expect(me.get_by_test_id("outcome-new-annual")).to_have_text("$69,697.80")
    second_request = save_and_submit(me)

    app.config["LANEWISE_TODAY"] = date(2028, 5, 1)
    grant(hr, teacher.id, "Dysart U micro-credentials 26-30")
    approve(hr, second_request)
    expect(hr.get_by_test_id("reviews")).to_contain_text("Approvals: 1 of 2 reviewers")
    approve(committee, second_request)
    expect(committee.get_by_test_id("status")).to_have_text("Approved")
    expect(committee.get_by_test_id("old-annual")).to_have_text("$67,116.40")
    expect(committee.get_by_test_id("new-annual")).to_have_text("$69,697.80")
    expect(committee.get_by_test_id("retro")).to_have_text("$0.00")
    me.goto("/teacher/credits")  # all thirty used: the 5 kept from 2025-26, then 2026-27's 5 and 2027-28's 5
    for title, used in (("1-20", "20"), ("21-25", "5"), ("26-30", "5")):
        expect(ledger_row(me, f"Dysart U micro-credentials {title}").get_by_test_id("credit-used")).to_have_text(used)

    # Payroll: both approvals, on the page and in the CSV, with the new annual pay and no retroactive amount.
    shown, lines = payroll(hr, "2026-05-01", "2028-05-01")
    assert [(r["request"], r["decided_on"], r["effective_date"], r["old_growth_steps"], r["new_growth_steps"],
             r["new_annual_salary"], r["retroactive_amount"]) for r in shown] == [
        (str(first_request), "2026-05-01", "2026-07-01", "0", "1", "62005.17", "0.00"),
        (str(second_request), "2028-05-01", "2028-07-01", "1", "2", "69697.80", "0.00"),
    ]
    assert [{k: r[k] for k in shown[0]} for r in lines] == shown

    # --- 2028-29: two growth steps, and the same years everywhere ------------------------------------------------
    app.config["LANEWISE_TODAY"] = date(2028, 7, 1)
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$69,697.80")
    expect(me.get_by_test_id("growth-steps")).to_have_text("2")
    expect(me.get_by_test_id("pay-in-year")).to_have_text("$69,697.80")
    expect(me.get_by_test_id("base-salary")).to_have_text("$69,697.80")
    expect(me.get_by_test_id("total-over-years")).to_have_text("$803,808.34")  # the sum of the ten years below
    assert timeline(me) == AFTER_TWO_PHASES
    hr.goto(f"/hr/teachers/{teacher.id}")  # HR sees the teacher's next five years
    expect(hr.get_by_test_id("pay-now")).to_have_text("$69,697.80")
    for year, (_, _, _, total) in list(AFTER_TWO_PHASES.items())[:5]:
        expect(hr.get_by_test_id(f"path-{year}").get_by_test_id("path-total")).to_have_text(total)

    # Finance: the teacher alone on a roster (step 8, BA, 30 micro-credentials: two phases held), projected from
    # 2028-29 with no attrition and no uptake: base pay and additions are the timeline's, year by year.
    years = project_one_teacher(signed_in(analyst), tmp_path, district="dysart", start_year="2028-29",
                                name="Dana Diaz alone",
                                roster="employee_id,step,lane,hire_date,micro_credentials\nD-1001,8,BA,2021-07-01,30\n")
    assert {year: (figures["base"], figures["additions"], figures["pay"]) for year, figures in years.items()} == {
        year: (base, additions, total) for year, (_, base, additions, total) in AFTER_TWO_PHASES.items()}
