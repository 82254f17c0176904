"""Prairie Ridge in the browser: micro-credentials and PD hours make a second-semester lane change, paid back to
January 1, and the teacher's pages, HR's decision, payroll and a one-teacher projection agree, to the cent.

prairie-ridge.yaml: an index schedule (2026-07-01: base 42,230.00; cells are base x index rounded to the dollar;
later years carried by the 2.0% COLA before that rounding); lanes are ragged (BA+15 ends at step 12, a teacher
past it keeps its last cell); 2027-28 is a step freeze; two micro-credentials make one semester hour; 15 PD hours
make one, whole hours only; lane BA+15 needs 15 hours beyond the BA; windows by September 15 (effective July 1)
and by January 15 (effective January 1, half the year); pay lines half up to the cent; 185 contract days.

The teacher: hired 2017-08-01, placed by HR in 2026-27 at step 9, lane BA, full time:
  BA    step 9: 42,230.00 x 1.3600 = 57,432.80 -> 57,433
  BA+15 step 9: 42,230.00 x 1.4200 = 59,966.60 -> 59,967
She files 20 micro-credentials (10 hours) and 75 PD hours (5 hours) in January: 15 hours, lane BA+15.
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
    payroll,
    preview_request,
    project_one_teacher,
    save_and_submit,
    timeline,
)

# Each journey runs on one database: Dysart and Prairie Ridge on PostgreSQL, Harmony and Cedar Valley on SQLite.
pytestmark = [pytest.mark.browser, POSTGRESQL_ONLY]

# From 2027-28, lane BA+15: base 42,230.00 x index x 1.02^(years after 2026-27), rounded to the dollar.
# 2027-28 is a freeze (step 9 again); steps 13 and on are past BA+15's last step (12) and keep its index, 1.5400;
# the schedule's last step is 15.
BA_15 = {
    "2027-28": ("9", "$61,166.00", "$0.00", "$61,166.00"),     # x 1.4200 x 1.02    = 61,165.932
    "2028-29": ("10", "$64,147.00", "$0.00", "$64,147.00"),    # x 1.4600 x 1.02^2  = 64,146.694...
    "2029-30": ("11", "$67,222.00", "$0.00", "$67,222.00"),    # x 1.5000 x 1.02^3  = 67,222.220...
    "2030-31": ("12", "$70,395.00", "$0.00", "$70,395.00"),    # x 1.5400 x 1.02^4  = 70,395.109...
    "2031-32": ("13", "$71,803.00", "$0.00", "$71,803.00"),    # x 1.5400 x 1.02^5  = 71,803.011...
    "2032-33": ("14", "$73,239.00", "$0.00", "$73,239.00"),    # x 1.5400 x 1.02^6  = 73,239.072...
    "2033-34": ("15", "$74,704.00", "$0.00", "$74,704.00"),    # x 1.5400 x 1.02^7  = 74,703.853...
    "2034-35": ("15", "$76,198.00", "$0.00", "$76,198.00"),    # x 1.5400 x 1.02^8  = 76,197.930...
    "2035-36": ("15", "$77,722.00", "$0.00", "$77,722.00"),    # x 1.5400 x 1.02^9  = 77,721.889...
    "2036-37": ("15", "$79,276.00", "$0.00", "$79,276.00"),    # x 1.5400 x 1.02^10 = 79,276.326...
}


def test_a_second_semester_lane_change_paid_back_to_january(app, session, make_user, signed_in, tmp_path):
    teacher_user, officer, analyst = make_user("teacher"), make_user("hr"), make_user("finance")
    teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
        district_id="prairie-ridge", employee_id="P-4001", name="Pat Park", school="Prairie Ridge High",
        hire_date=date(2017, 8, 1), user_id=teacher_user.id))
    teachers.set_placement(session=session, placement=PlacementCreate(
        teacher_id=teacher.id, school_year="2026-27", step=9, lane="BA", fte=Decimal(1)))
    me, hr = signed_in(teacher_user), signed_in(officer)

    # January 10, 2027: the next deadline is January 15, effective January 1 for half the year.
    app.config["LANEWISE_TODAY"] = date(2027, 1, 10)
    file_credit(me, kind="micro_credential", amount="20", title="Assessment micro-credentials (20)",
                earned_on="2026-12-15", file=evidence(tmp_path, "micro-credentials.pdf"))
    file_credit(me, kind="pd_hours", amount="75", title="Fall PD series", earned_on="2026-11-20",
                file=evidence(tmp_path, "pd-hours.pdf"))
    preview_request(me, kind="lane_change", file=evidence(tmp_path, "transcript.pdf"))
    expect(me.get_by_test_id("passes")).to_have_text("Meets every rule.")
    expect(me.get_by_test_id("effective")).to_have_text("2027-01-01")
    expect(me.get_by_test_id("outcome-old-annual")).to_have_text("$57,433.00")
    expect(me.get_by_test_id("outcome-new-annual")).to_have_text("$59,967.00")
    request_id = save_and_submit(me)

    # HR grants both on their evidence and approves on February 1; payroll pays BA+15 from that day. Owed for
    # January 1 -> February 1, 31 of the 181 days to June 30, in a window of half the contract days:
    #   (59,967.00 - 57,433.00) / 185 x 185 x 0.5 x 31/181 = 2,534.00 x 15.5 / 181 = 39,277 / 181 = 217.00 exactly
    app.config["LANEWISE_TODAY"] = date(2027, 2, 1)
    grant(hr, teacher.id, "Assessment micro-credentials (20)")
    grant(hr, teacher.id, "Fall PD series")
    approve(hr, request_id)
    expect(hr.get_by_test_id("status")).to_have_text("Approved")
    expect(hr.get_by_test_id("old-annual")).to_have_text("$57,433.00")
    expect(hr.get_by_test_id("new-annual")).to_have_text("$59,967.00")
    expect(hr.get_by_test_id("retro")).to_have_text("$217.00")
    shown, lines = payroll(hr, "2027-02-01", "2027-02-01")
    assert [(r["employee_id"], r["request"], r["effective_date"], r["old_lane"], r["new_lane"],
             r["new_annual_salary"], r["retroactive_amount"]) for r in shown] == [
        ("P-4001", str(request_id), "2027-01-01", "BA", "BA+15", "59967.00", "217.00")]
    assert [{k: r[k] for k in shown[0]} for r in lines] == shown

    # Her rate from January 1 is BA+15's; 2026-27 pays BA for the first half and BA+15 for the second:
    #   57,433.00 + (59,967.00 - 57,433.00) x 0.5 = 58,700.00
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$59,967.00")
    assert timeline(me)["2026-27"] == ("9", "$58,700.00", "$0.00", "$58,700.00")
    assert timeline(me)["2027-28"] == BA_15["2027-28"]

    # July 1, 2027: the freeze year; her path from here, on her pages and HR's.
    app.config["LANEWISE_TODAY"] = date(2027, 7, 1)
    me.goto("/teacher/")
    expect(me.get_by_test_id("pay-now")).to_have_text("$61,166.00")
    expect(me.get_by_test_id("pay-in-year")).to_have_text("$61,166.00")
    expect(me.get_by_test_id("base-salary")).to_have_text("$61,166.00")
    expect(me.get_by_test_id("total-over-years")).to_have_text("$715,872.00")  # the sum of the ten years below
    assert timeline(me) == BA_15
    hr.goto(f"/hr/teachers/{teacher.id}")
    expect(hr.get_by_test_id("pay-now")).to_have_text("$61,166.00")
    for year, (_, _, _, total) in list(BA_15.items())[:5]:
        expect(hr.get_by_test_id(f"path-{year}").get_by_test_id("path-total")).to_have_text(total)

    # Finance: her alone on a roster (step 9, BA+15), projected from 2027-28 with no attrition and no uptake: the
    # freeze, the ragged lane and the dollar rounding give the timeline's pay, year by year. (From 2026-27 it could
    # not: a roster holds one lane for the whole year, so the second-semester change is not in it; see
    # tests/journeys/test_one_teacher_projection.py.)
    years = project_one_teacher(signed_in(analyst), tmp_path, district="prairie-ridge", start_year="2027-28",
                                name="Pat Park alone",
                                roster="employee_id,step,lane,hire_date\nP-4001,9,BA+15,2017-08-01\n")
    assert {year: (figures["base"], figures["additions"], figures["pay"]) for year, figures in years.items()} == {
        year: (base, additions, total) for year, (_, base, additions, total) in BA_15.items()}
