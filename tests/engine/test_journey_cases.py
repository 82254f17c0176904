"""The wrong numbers of the journey review, each a case file with its arithmetic: a teacher record walked by the
engine every view uses, year by year, and the retroactive pay of an approved change."""
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine import load_districts
from engine.hr.assess import change_retro
from engine.teacher.record import ApprovedChange, CreditItem, Opening, PlacementRecord, TeacherRecord
from engine.teacher.state import Walk, rate_on, walk

CASES = Path(__file__).parent / "journey_cases"
DISTRICTS = load_districts()


def _day(value) -> date | None:
    return value if isinstance(value, date) or value is None else date.fromisoformat(str(value))


def record_of(data: dict) -> TeacherRecord:
    """A teacher record from a case file's `record` mapping."""
    placements = tuple(PlacementRecord(str(p["school_year"]), p["step"], p["lane"], Decimal(str(p.get("fte", "1"))),
                                       p.get("degree"), p.get("band"), p.get("years_of_service"))
                       for p in data["placements"])
    credits = tuple(CreditItem(c["id"], c["kind"], Decimal(str(c["amount"])), c["status"], str(c["school_year"]),
                               _day(c.get("earned_on")), c.get("title", ""), used=Decimal(str(c.get("used", 0))))
                    for c in data.get("credits", []))
    changes = tuple(_change(c) for c in data.get("changes", []))
    opening = data.get("opening", {})
    return TeacherRecord(placements=placements, credits=credits, changes=changes,
                         ratings=tuple((str(k), v) for k, v in data.get("ratings", {}).items()),
                         hire_date=_day(data.get("hire_date")), subjects=tuple(data.get("subjects", [])),
                         certifications=tuple(data.get("certifications", [])),
                         opening=Opening(opening.get("micro_credentials", 0), opening.get("growth_steps", 0)))


def _change(data: dict) -> ApprovedChange:
    return ApprovedChange(data.get("request_id"), data["kind"], _day(data["effective"]),
                          Decimal(str(data.get("share_of_year", "1"))), new_lane=data.get("new_lane"),
                          new_growth_steps=data.get("new_growth_steps"), role=data.get("role"))


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        yield pytest.param(yaml.safe_load(path.read_text()), id=path.stem)


@pytest.mark.parametrize("case", list(_cases()))
def test_case(case):
    rules = DISTRICTS[case["district"]]
    record = record_of(case["record"])
    plan = case["walk"]
    years = walk(rules, record, Walk(rules.year(str(plan["first"])), plan.get("years", 1), today=_day(plan.get("today")),
                                      aim_role=plan.get("aim_role"), days_worked=plan.get("days_worked")))
    timeline = [year.to_json() for year in years]
    for index, expected in case.get("expected", {}).items():
        for key, value in expected.items():
            assert str(timeline[int(index)][key]) == str(value), f"{timeline[int(index)]['school_year']} {key}"
    for index, reasons in case.get("not_applied", {}).items():
        found = {item["name"]: item["reason"] for item in timeline[int(index)]["not_applied"]}
        for name, reason in reasons.items():
            assert found.get(name) == reason
    if "retro" in case:
        retro = case["retro"]
        change = _change(retro["change"])
        today = _day(retro["today"])
        with_change = replace(record, changes=record.changes + (change,))
        assert rate_on(rules, record, change.effective).total == Decimal(retro["old_annual"])
        assert rate_on(rules, with_change, change.effective).total == Decimal(retro["new_annual"])
        assert change_retro(rules, record, change, today).amount == Decimal(retro["amount"])
