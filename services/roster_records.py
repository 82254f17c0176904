"""A budget roster taken from the records HR keeps (placements, the credit ledger, approved changes), so finance
projects the teachers HR pays as their own timelines pay them, with nothing typed twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from engine.budget.roster import Roster
from engine.budget.roster_records import roster_teacher
from engine.errors import RuleInputError
from engine.rules import DistrictRules
from models.finance import BudgetRoster
from models.teachers import Teacher
from services import ledger
from services.roster import save_roster


@dataclass
class Taken:
    """The roster stored, and the teachers left out with why."""

    record: BudgetRoster | None
    left_out: list[tuple[str, str]] = field(default_factory=list)   # (employee id, why)


def roster_from_records(*, session: Session, rules: DistrictRules, name: str, today: date,
                        created_by: int | None = None) -> Taken:
    """Every teacher of the district placed in the school year that holds `today`, as HR keeps them, stored as a
    roster of that year. A teacher placed only from a later year, or whose placement the rules cannot pay, is left
    out and named; with no one left, nothing is stored."""
    year = rules.year(ledger.school_year_of(rules, today))
    rows, left_out = [], []
    staff = list(session.exec(select(Teacher).where(Teacher.district_id == rules.id).order_by(Teacher.employee_id)))
    records = ledger.teacher_records(session=session, teachers=staff)
    for teacher in staff:
        record = records[teacher.id]
        if record is None or record.placement_on_or_before(year) is None:
            left_out.append((teacher.employee_id, f"no placement in {year.label}"))
            continue
        try:
            rows.append(roster_teacher(rules, record, year, employee_id=teacher.employee_id, school=teacher.school))
        except RuleInputError as error:
            left_out.append((teacher.employee_id, str(error)))
    if not rows:
        return Taken(None, left_out)
    roster = Roster.from_teachers(rules.id, rows, rules)
    roster.school_year = year.label
    record = save_roster(session=session, rules=rules, name=name, roster=roster,
                         source=f"HR's records, {today.isoformat()}", created_by=created_by)
    return Taken(record, left_out)
