"""Bargaining units and positions: a roster's rows are checked against their own unit's schedule, a scenario
touches the units it names, vacancies are filled by the hiring mix, and hires bring prior experience."""
from datetime import date
from decimal import Decimal

import pytest

from engine.budget.projection import project
from engine.budget.reference import project_reference
from engine.budget.roster import RosterError, parse_roster, read_table
from engine.budget.scenario import ExperienceShare, LaneShare, Scenario, Vacancy

CSV = ("employee_id,unit,step,lane,funding\n"
       "T1,,3,BA,General fund\n"
       "T2,Teachers,12,MA,Title I\n"
       "C1,Counselors,4,MA+30,General fund\n"
       "N1,nurses,2,RN,General fund\n")


def roster_of(rules, text: str):
    headers, rows = read_table(text.encode(), "units.csv")
    return parse_roster(rules, headers, rows, today=date(2026, 9, 1))


def test_each_units_rows_are_checked_against_its_own_schedule(shipped):
    rules = shipped["cedar-valley"]
    roster = roster_of(rules, CSV)
    assert [(t.employee_id, t.unit, t.lane) for t in roster.teachers()] == [
        ("T1", "teachers", "BA"), ("T2", "teachers", "MA"), ("C1", "counselors", "MA+30"), ("N1", "nurses", "RN")]
    bad = CSV + "C2,Counselors,3,BA,General fund\nX1,Librarians,1,BA,\n"
    with pytest.raises(RosterError) as caught:
        roster_of(rules, bad)
    problems = [str(e) for e in caught.value.errors]
    assert any(p.startswith("line 6, column lane: expected one of MA, MA+30") for p in problems), problems
    assert any(p.startswith("line 7, column unit: expected one of the district's units (teachers, counselors, nurses")
               for p in problems), problems


def test_a_scenario_touches_only_the_units_it_names(shipped):
    rules = shipped["cedar-valley"]
    roster = roster_of(rules, CSV)
    plain = Scenario(name="Plain", district_id="cedar-valley", years=2, attrition_percent=Decimal(0), uptake_percent=Decimal(0))
    raised = Scenario.model_validate({**plain.model_dump(), "units": ["counselors"],
                                      "proposal": [{"school_year": "2027-28", "raises": [{"percent": "5"}]}]})
    before, after = project(rules, plain, roster), project(rules, raised, roster)
    assert after.years == project_reference(rules, raised, roster).years
    pieces = {(p["unit"], p["funding"]): p["years"] for p in after.pieces}
    baseline = {(p["unit"], p["funding"]): p["years"] for p in before.pieces}
    # Counselors' MA+30 step 5 in 2027-28: 71,750.00 x 1.05 = 75,337.50 (the proposal's raise, in place of COLA).
    assert pieces[("counselors", "General fund")][1]["base_pay"] == "75337.50"
    assert baseline[("counselors", "General fund")][1]["base_pay"] == "73902.50"   # 71,750.00 x 1.03 (COLA)
    assert pieces[("teachers", "General fund")] == baseline[("teachers", "General fund")]
    assert pieces[("nurses", "General fund")] == baseline[("nurses", "General fund")]


def test_vacancies_are_filled_by_the_hiring_mix_and_hires_bring_their_experience(shipped):
    rules = shipped["cedar-valley"]
    roster = roster_of(rules, CSV)
    scenario = Scenario(name="Positions", district_id="cedar-valley", years=1, uptake_percent=Decimal(0),
                        hiring_lanes=[LaneShare(lane="BA", percent=Decimal(100))],
                        hiring_experience=[ExperienceShare(years=0, percent=Decimal(60)),
                                           ExperienceShare(years=3, percent=Decimal(40))],
                        vacancies=[Vacancy(unit="teachers", count=5, funding="Title I", fte=Decimal("1.00"))])
    result = project(rules, scenario, roster)
    assert result.years == project_reference(rules, scenario, roster).years
    title_one = next(p for p in result.pieces if p["unit"] == "teachers" and p["funding"] == "Title I")["years"][0]
    # T2 (MA step 12: 68,325.00) and five hires on BA: 60% of 5 = 3 at step 1 (48,900.00) and 2 with three years'
    # experience at step 4 (52,568.00): 68,325.00 + 3 x 48,900.00 + 2 x 52,568.00 = 320,161.00
    assert (title_one["headcount"], title_one["base_pay"]) == ("6.00", "320161.00")
