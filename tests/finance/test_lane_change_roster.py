"""A lane change HR approved part-way through the roster's school year, as a roster carries it (`new_lane` and
`new_lane_share`): checked row by row, stored and loaded as it went in, and projected as the teacher's own timeline
pays it (the old cell, plus the difference for the share of the year; the new lane from the next year)."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from engine.budget.projection import project
from engine.budget.reference import project_reference
from engine.budget.roster import RosterError, parse_roster, read_table, roster_csv
from engine.budget.scenario import Scenario
from models.finance import BudgetRoster, RosterEntry
from services import roster as rosters
from tests.finance.test_pages import confirm_mapping, upload

TODAY = date(2026, 11, 30)
HEADER = "employee_id,step,lane,hire_date,new_lane,new_lane_share\n"


def parsed(rules, body: str):
    headers, rows = read_table((HEADER + body).encode(), "roster.csv")
    return parse_roster(rules, headers, rows, today=TODAY)


def problems(rules, body: str) -> list[tuple[int, str, str]]:
    with pytest.raises(RosterError) as caught:
        parsed(rules, body)
    return [(e.line, e.column, e.message) for e in caught.value.errors]


def test_each_bad_lane_change_is_named_by_line_and_column_and_nothing_is_kept(shipped):
    found = problems(shipped["prairie-ridge"],
                     "P1,9,BA,2017-08-01,BA+15,0.5\n"       # good
                     "P2,9,BA,2017-08-01,XX,0.5\n"          # no such lane
                     "P3,9,BA,2017-08-01,BA,0.5\n"          # the lane they are in
                     "P4,9,BA,2017-08-01,BA+15,\n"          # no share
                     "P5,9,BA,2017-08-01,BA+15,1.5\n"       # not a share of a year
                     "P6,9,BA,2017-08-01,,0.5\n"            # a share of no change
                     "P7,9,BA,2017-08-01,BA+15,0.33333\n")  # more than four decimals
    assert [(line, column) for line, column, _ in found] == [
        (3, "new_lane"), (4, "new_lane"), (5, "new_lane_share"), (6, "new_lane_share"), (7, "new_lane"),
        (8, "new_lane_share")]
    messages = {line: message for line, _, message in found}
    assert "expected one of" in messages[3] and "'XX'" in messages[3]
    assert messages[4] == "expected a lane other than the teacher's lane 'BA', or an empty cell"
    assert messages[5].startswith("expected the share of the school year paid in the new lane")
    assert "more than 0 and less than 1" in messages[6] and "'1.5'" in messages[6]
    assert messages[7] == "expected the lane paid for the new_lane_share given, got an empty cell"


def test_a_lane_change_survives_the_csv_and_the_database_as_it_went_in(shipped, session):
    rules = shipped["prairie-ridge"]
    roster = parsed(rules, "P1,9,BA,2017-08-01,BA+15,0.5\nP2,3,BA,2020-08-01,,\nP3,2,BA,2021-08-01,BA+15,0.3333\n")
    teachers = list(roster.teachers())
    assert [(t.new_lane, t.new_lane_share) for t in teachers] == [("BA+15", Decimal("0.5")), (None, None),
                                                                  ("BA+15", Decimal("0.3333"))]
    again = parse_roster(rules, *read_table(roster_csv(roster).encode(), "again.csv"), today=TODAY)
    assert [replace(t, unit="") for t in again.teachers()] == teachers   # the file names the main unit
    stored = rosters.save_roster(session=session, rules=rules, name="lane changes", roster=roster)
    assert list(rosters.load_roster(session=session, rules=rules, roster_id=stored.id).teachers()) == teachers
    rows = session.scalars(select(RosterEntry).where(RosterEntry.roster_id == stored.id).order_by(RosterEntry.id)).all()
    assert [(r.new_lane, r.new_lane_share) for r in rows] == [("BA+15", Decimal("0.5000")), ("", None),
                                                              ("BA+15", Decimal("0.3333"))]


def test_an_uploaded_roster_pays_the_change_for_its_share_of_the_year_then_the_new_lane(client, login_as, session,
                                                                                        shipped):
    """Finance uploads HR's roster with the columns guessed from their names; the projection pays Pat Park's 2026-27
    as 57,433.00 + (59,967.00 - 57,433.00) x 0.5 = 58,700.00 and BA+15 after, as both engines do."""
    rules = shipped["prairie-ridge"]
    login_as("finance")
    content = ("employee id,step,lane,hire date,new lane,new lane share\n"
               "P-4001,9,BA,2017-08-01,BA+15,0.5\n").encode()
    response = confirm_mapping(client, upload(client, "prairie.csv", content, "prairie-ridge"))
    assert response.status_code == 302, response.get_data(as_text=True)
    record = session.scalars(select(BudgetRoster).order_by(BudgetRoster.id.desc())).first()
    roster = rosters.load_roster(session=session, rules=rules, roster_id=record.id, with_ids=False)
    scenario = Scenario(name="One teacher", district_id="prairie-ridge", start_year="2026-27", years=3,
                        attrition_percent=Decimal(0), uptake_percent=Decimal(0))
    years = project(rules, scenario, roster).years
    assert years[0]["base_pay"] == "58700.00"
    plain = parsed(rules, "P-4001,9,BA+15,2017-08-01,,\n")   # in BA+15 all along, for the years after
    assert [y["base_pay"] for y in years[1:]] == [y["base_pay"] for y in project(rules, scenario, plain).years[1:]]
    with_ids = rosters.load_roster(session=session, rules=rules, roster_id=record.id)
    assert years == project_reference(rules, scenario, with_ids).years
