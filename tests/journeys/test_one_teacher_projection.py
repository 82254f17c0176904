"""The finance projection of a roster of one teacher pays what that teacher's timeline shows, year by year, to the
cent: the journeys' teachers as they stand at the end of each journey, with no attrition, no uptake and the
district's COLA. The roster carries what HR keeps beyond the placement (years of service, a role held, the
micro-credentials earned this school year, a lane change approved part-way through it and the share of the year it
pays).

Engine only (no pages): the timeline is the dashboard's walk of the teacher's record; the projection is the one the
finance pages run on the uploaded roster. The expected figures are worked out in the journeys' modules.
"""
from datetime import date
from decimal import Decimal

import pytest

from engine import load_districts
from engine.budget.projection import project
from engine.budget.reference import project_reference
from engine.budget.roster import parse_roster, read_table
from engine.budget.scenario import Scenario
from engine.money import money_str
from engine.teacher.record import ApprovedChange, CreditItem, PlacementRecord, TeacherRecord
from engine.teacher.state import Walk, walk

CASES = [
    pytest.param(
        "dysart", "2028-07-01", "2028-29",
        TeacherRecord(
            placements=(PlacementRecord("2025-26", 5, "BA"),), hire_date=date(2021, 7, 1),
            credits=(CreditItem(1, "micro_credential", Decimal(20), "granted", "2025-26", used=Decimal(20)),
                     CreditItem(2, "micro_credential", Decimal(5), "granted", "2026-27", used=Decimal(5)),
                     CreditItem(3, "micro_credential", Decimal(5), "granted", "2027-28", used=Decimal(5))),
            changes=(ApprovedChange(1, "growth_step", date(2026, 7, 1), new_growth_steps=1,
                                    new_micro_credential_growth_steps=1),
                     ApprovedChange(2, "growth_step", date(2028, 7, 1), new_growth_steps=2,
                                    new_micro_credential_growth_steps=2))),
        "employee_id,step,lane,hire_date,micro_credentials\nD-1001,8,BA,2021-07-01,30\n",
        id="dysart-two-growth-steps"),
    pytest.param(
        "cedar-valley", "2026-10-30", "2026-27",
        TeacherRecord(
            placements=(PlacementRecord("2026-27", 4, "BA"),), hire_date=date(2015, 8, 1),
            credits=(CreditItem(1, "micro_credential", Decimal(10), "granted", "2026-27", used=Decimal(10)),
                     CreditItem(2, "pd_hours", Decimal(75), "granted", "2026-27", used=Decimal(75))),
            changes=(ApprovedChange(1, "lane_change", date(2026, 7, 1), new_lane="BA+15"),)),
        "employee_id,step,lane,hire_date\nC-3001,4,BA+15,2015-08-01\n",
        id="cedar-valley-lane-change-and-longevity"),
    pytest.param(
        "cedar-valley", "2026-10-30", "2026-27",
        TeacherRecord(
            placements=(PlacementRecord("2026-27", 4, "BA"),), hire_date=date(2015, 8, 1),
            credits=(CreditItem(1, "micro_credential", Decimal(15), "granted", "2026-27", used=Decimal(15)),),
            changes=(ApprovedChange(1, "lane_change", date(2026, 7, 1), new_lane="BA+15"),)),
        # The 15 micro-credentials HR lists as held earned BA+15 (one hour each, folded into credit): the lane shows
        # them, so they are not counted again toward BA+30 (30 hours), which would pay a lane nobody earned.
        "employee_id,step,lane,hire_date,micro_credentials\nC-3002,4,BA+15,2015-08-01,15\n",
        id="cedar-valley-micro-credentials-that-earned-the-lane-held"),
    pytest.param(
        "prairie-ridge", "2027-07-01", "2027-28",
        TeacherRecord(
            placements=(PlacementRecord("2026-27", 9, "BA"),), hire_date=date(2017, 8, 1),
            changes=(ApprovedChange(1, "lane_change", date(2027, 1, 1), Decimal("0.5"), new_lane="BA+15"),)),
        "employee_id,step,lane,hire_date\nP-4001,9,BA+15,2017-08-01\n",
        id="prairie-ridge-freeze-and-ragged-lane"),
    pytest.param(
        "prairie-ridge", "2027-02-01", "2026-27",
        TeacherRecord(
            placements=(PlacementRecord("2026-27", 9, "BA"),), hire_date=date(2017, 8, 1),
            changes=(ApprovedChange(1, "lane_change", date(2027, 1, 1), Decimal("0.5"), new_lane="BA+15"),)),
        # The roster HR keeps in 2026-27: BA, with the change to BA+15 it approved for the second semester (half
        # the year): 57,433.00 + (59,967.00 - 57,433.00) x 0.5 = 58,700.00 that year, BA+15 from 2027-28.
        "employee_id,step,lane,hire_date,new_lane,new_lane_share\nP-4001,9,BA,2017-08-01,BA+15,0.5\n",
        id="prairie-ridge-the-year-of-a-second-semester-change"),
    pytest.param(
        "prairie-ridge", "2027-07-01", "2027-28",
        TeacherRecord(
            placements=(PlacementRecord("2026-27", 9, "BA"),), hire_date=date(2017, 8, 1),
            changes=(ApprovedChange(1, "lane_change", date(2027, 1, 1), Decimal("0.5"), new_lane="BA+15"),)),
        # The same 2026-27 roster projected from 2027-28: the change has taken effect, BA+15 all year.
        "employee_id,step,lane,hire_date,new_lane,new_lane_share\nP-4001,9,BA,2017-08-01,BA+15,0.5\n",
        id="prairie-ridge-a-roster-of-the-year-before-the-projection"),
    pytest.param(
        "cedar-valley", "2026-10-30", "2026-27",
        TeacherRecord(placements=(PlacementRecord("2026-27", 4, "BA+15", years_of_service=12),),
                      hire_date=date(2015, 8, 1)),
        # HR's 12 years of service in 2026-27 (the hire date would say 11): the 13-year longevity from 2027-28.
        "employee_id,step,lane,hire_date,years_of_service\nC-3001,4,BA+15,2015-08-01,12\n",
        id="cedar-valley-years-of-service-entered-by-hr"),
    pytest.param(
        "harmony", "2026-10-01", "2026-27",
        TeacherRecord(
            placements=(PlacementRecord("2026-27", 3, "T", band="5"),), hire_date=date(2022, 8, 1),
            subjects=("science",), ratings=(("2025-26", "effective"),),
            credits=(CreditItem(1, "micro_credential", Decimal(8), "granted", "2026-27"),),
            changes=(ApprovedChange(1, "role", date(2026, 7, 1), role="mentor"),)),
        # The Mentor Teacher role HR approved, and the 8 micro-credentials earned in 2026-27 that the $200 stipend
        # pays that year (band 5): 61,668.00 + 2,000.00 science + 1,600.00 + 2,500.00 = 67,768.00.
        "employee_id,step,lane,hire_date,band,subjects,micro_credentials,role,micro_credentials_this_year\n"
        "H-2001,3,T,2022-08-01,5,science,8,mentor,8\n",
        id="harmony-stipend-and-mentor-role"),
]


@pytest.fixture(scope="module")
def shipped():
    return load_districts()


@pytest.mark.parametrize(("district", "today", "first", "record", "roster"), CASES)
def test_one_teachers_projection_pays_what_their_timeline_shows(shipped, district, today, first, record, roster):
    rules = shipped[district]
    day = date.fromisoformat(today)
    path = walk(rules, record, Walk(rules.year(first), 10, today=day))
    headers, rows = read_table(roster.encode(), "one-teacher.csv")
    scenario = Scenario(name="One teacher", district_id=district, start_year=first, years=10,
                        attrition_percent=Decimal(0), uptake_percent=Decimal(0))
    roster = parse_roster(rules, headers, rows, today=day)
    timeline = [(y.school_year.label, money_str(y.base.amount), money_str(y.total)) for y in path]
    assert [(y["school_year"], y["base_pay"], y["pay"]) for y in project(rules, scenario, roster).years] == timeline
    assert [(y["school_year"], y["base_pay"], y["pay"]) for y in project_reference(rules, scenario, roster).years] == timeline


@pytest.mark.parametrize(("district", "today", "first", "record", "roster"), CASES)
def test_the_roster_hr_keeps_projects_what_each_timeline_shows(shipped, district, today, first, record, roster):
    """Finance takes the roster from HR's records (no file typed apart): each journey's teacher, as HR keeps them in
    the first projected year, projects to their own timeline to the cent, in both engines."""
    from engine.budget.roster import Roster
    from engine.budget.roster_records import roster_teacher

    rules = shipped[district]
    day = date.fromisoformat(today)
    path = walk(rules, record, Walk(rules.year(first), 10, today=day))
    kept = Roster.from_teachers(district, [roster_teacher(rules, record, rules.year(first), employee_id="T-1")], rules)
    kept.school_year = first
    scenario = Scenario(name="One teacher", district_id=district, start_year=first, years=10,
                        attrition_percent=Decimal(0), uptake_percent=Decimal(0))
    timeline = [(y.school_year.label, money_str(y.base.amount), money_str(y.total)) for y in path]
    assert [(y["school_year"], y["base_pay"], y["pay"]) for y in project(rules, scenario, kept).years] == timeline
    assert [(y["school_year"], y["base_pay"], y["pay"]) for y in project_reference(rules, scenario, kept).years] == timeline
