"""Cedar Valley in the browser: micro-credentials and workshop hours make a lane change, retroactive to July 1, and
the teacher's pages, HR's decision, payroll and a one-teacher projection show the same pay, year by year, to the cent.

cedar-valley.yaml: a step-by-lane grid (step 6 reserved, rows 13-16 and 17-20 are bands; later years carried by
the 3.0% COLA, half up to the cent); one micro-credential is one graduate-equivalent hour and combines with other
credit; 15 PD hours make 1 semester hour; lane BA+15 needs 15 hours beyond the BA; one lane change a year;
windows by August 20 and by October 1 (both effective July 1, the whole year) and by January 20 (second semester);
longevity 2,834.00 at 13, 17, 21... years of service, cumulative; 185 contract days.

The teacher: hired 2015-08-01 (10 years of service on 2026-07-01), placed by HR in 2026-27 at step 4, lane BA
(52,568.00), full time. She files 10 micro-credentials and 75 PD hours: 10 + 75/15 = 15 hours, lane BA+15 (54,968.00).
"""
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
    ledger_row,
    payroll,
    preview_request,
    project_one_teacher,
    save_and_submit,
    timeline,
)

# Each journey runs on one database: Harmony and Cedar Valley on SQLite, Dysart and Prairie Ridge on PostgreSQL.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", [BACKENDS[0]], indirect=True)]

# Lane BA+15 from 2026-07-01, a step a year (step 6 is reserved: 5 -> 7); each year after 2026-27 is the 2026-07-01
# cell x 1.03^(years after 2026-27), rounded half up to the cent once. Longevity: 13 years of service on 2029-07-01
# (one 2,834.00), 17 on 2033-07-01 (two: 5,668.00).
BA_15 = {
    "2026-27": ("4", "$54,968.00", "$0.00", "$54,968.00"),
    "2027-28": ("5", "$57,875.70", "$0.00", "$57,875.70"),           # 56,190 x 1.03   = 57,875.70
    "2028-29": ("7", "$60,909.45", "$0.00", "$60,909.45"),           # 57,413 x 1.03^2 = 60,909.4517
    "2029-30": ("8", "$64,072.05", "$2,834.00", "$66,906.05"),       # 58,635 x 1.03^3 = 64,072.047645
    "2030-31": ("9", "$67,370.71", "$2,834.00", "$70,204.71"),       # 59,858 x 1.03^4 = 67,370.706...
    "2031-32": ("10", "$70,808.46", "$2,834.00", "$73,642.46"),      # 61,080 x 1.03^5 = 70,808.460...
    "2032-33": ("11", "$74,393.04", "$2,834.00", "$77,227.04"),      # 62,303 x 1.03^6 = 74,393.040...
    "2033-34": ("12", "$78,127.74", "$5,668.00", "$83,795.74"),      # 63,525 x 1.03^7 = 78,127.737...
    "2034-35": ("13", "$82,020.83", "$5,668.00", "$87,688.83"),      # 64,748 (13-16) x 1.03^8 = 82,020.829...
    "2035-36": ("14", "$84,481.45", "$5,668.00", "$90,149.45"),      # 64,748 x 1.03^9 = 84,481.454...
}


def test_micro_credentials_and_pd_hours_make_a_lane_change_paid_back_to_july(app, session, make_user, signed_in,
                                                                              tmp_path):
    teacher_user, officer, analyst = make_user("teacher"), make_user("hr"), make_user("finance")
    teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
        district_id="cedar-valley", employee_id="C-3001", name="Cory Chen", school="Valley Middle",
        hire_date=date(2015, 8, 1), user_id=teacher_user.id))
    teachers.set_placement(session=session, placement=PlacementCreate(
        teacher_id=teacher.id, school_year="2026-27", step=4, lane="BA", fte=Decimal(1)))
    me, hr = signed_in(teacher_user), signed_in(officer)

    # September 15: the August 20 deadline has passed; October 1 is next (retroactive to July 1).
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    file_credit(me, kind="micro_credential", amount="10", title="Literacy micro-credentials (10)",
                earned_on="2026-08-10", file=evidence(tmp_path, "micro-credentials.pdf"))
    file_credit(me, kind="pd_hours", amount="75", title="Summer reading institute",
                earned_on="2026-08-05", file=evidence(tmp_path, "institute-certificate.pdf"))
    me.goto("/teacher/")
    # Pay now is HR's placement: BA step 4, 52,568.00. The path assumes the credit filed by October 1 and approved.
    expect(me.get_by_test_id("pay-now")).to_have_text("$52,568.00")
    assert timeline(me)["2026-27"] == ("4", "$54,968.00", "$0.00", "$54,968.00")
    me.goto("/teacher/next")  # with the 15 hours counted, the lane after BA+15 is BA+30: 15 hours more
    expect(me.get_by_test_id("credits-needed")).to_have_text("15")
    preview_request(me, kind="lane_change", file=evidence(tmp_path, "transcript.pdf"))
    expect(me.get_by_test_id("passes")).to_have_text("Meets every rule.")
    expect(me.get_by_test_id("effective")).to_have_text("2026-07-01")
    expect(me.get_by_test_id("outcome-old-annual")).to_have_text("$52,568.00")
    expect(me.get_by_test_id("outcome-new-annual")).to_have_text("$54,968.00")
    request_id = save_and_submit(me)

    # HR grants both items on their evidence and approves on October 30; payroll pays BA+15 from that day.
    # Owed for July 1 -> October 30 (31 + 31 + 30 + 29 = 121 of 365 days):
    #   (54,968.00 - 52,568.00) / 185 x 185 x 1 x 121/365 = 2,400.00 x 121 / 365 = 795.616... -> 795.62
    app.config["LANEWISE_TODAY"] = date(2026, 10, 30)
    grant(hr, teacher.id, "Literacy micro-credentials (10)")
    grant(hr, teacher.id, "Summer reading institute")
    approve(hr, request_id)
    expect(hr.get_by_test_id("status")).to_have_text("Approved")
    expect(hr.get_by_test_id("old-annual")).to_have_text("$52,568.00")
    expect(hr.get_by_test_id("new-annual")).to_have_text("$54,968.00")
    expect(hr.get_by_test_id("retro")).to_have_text("$795.62")
    expect(hr.get_by_role("main")).not_to_contain_text("Does not meet the rules yet")
    shown, lines = payroll(hr, "2026-10-30", "2026-10-30")
    assert [(r["employee_id"], r["request"], r["change"], r["effective_date"], r["old_lane"], r["new_lane"],
             r["new_annual_salary"], r["retroactive_amount"]) for r in shown] == [
        ("C-3001", str(request_id), "lane_change", "2026-07-01", "BA", "BA+15", "54968.00", "795.62")]
    assert [{k: r[k] for k in shown[0]} for r in lines] == shown

    # Her pages: lane BA+15 from July 1, the credit used once.
    me.goto("/teacher/credits")
    expect(ledger_row(me, "Literacy micro-credentials (10)").get_by_test_id("credit-used")).to_have_text("10")
    expect(ledger_row(me, "Summer reading institute").get_by_test_id("credit-used")).to_have_text("75")
    me.goto("/teacher/")
    expect(me.get_by_test_id("lane")).to_have_text("BA+15")
    expect(me.get_by_test_id("pay-now")).to_have_text("$54,968.00")
    expect(me.get_by_test_id("pay-in-year")).to_have_text("$54,968.00")
    expect(me.get_by_test_id("base-salary")).to_have_text("$54,968.00")
    expect(me.get_by_test_id("total-over-years")).to_have_text("$723,367.43")  # the sum of the ten years below
    assert timeline(me) == BA_15
    hr.goto(f"/hr/teachers/{teacher.id}")
    expect(hr.get_by_test_id("pay-now")).to_have_text("$54,968.00")
    for year, (_, _, _, total) in list(BA_15.items())[:5]:
        expect(hr.get_by_test_id(f"path-{year}").get_by_test_id("path-total")).to_have_text(total)

    # Finance: her alone on a roster (step 4, BA+15, hired 2015-08-01: longevity from the hire date), projected from
    # 2026-27 with no attrition and no uptake: base pay, additions and pay are the timeline's, year by year.
    years = project_one_teacher(signed_in(analyst), tmp_path, district="cedar-valley", start_year="2026-27",
                                name="Cory Chen alone",
                                roster="employee_id,step,lane,hire_date\nC-3001,4,BA+15,2015-08-01\n")
    assert {year: (figures["base"], figures["additions"], figures["pay"]) for year, figures in years.items()} == {
        year: (base, additions, total) for year, (_, base, additions, total) in BA_15.items()}
