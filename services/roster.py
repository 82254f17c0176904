"""Budget rosters in the database: import a checked file (all rows or none), synthetic rosters, and loading for projection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from engine.budget.roster import Roster, RosterTeacher, parse_roster, read_table
from engine.pay.cells import latest_schedule_year
from engine.rules import DistrictRules
from models.finance import BudgetRoster, RosterEntry

BATCH = 5000


def import_roster(*, session: Session, rules: DistrictRules, name: str, content: bytes, filename: str,
                  today: date, mapping: dict[str, str] | None = None, created_by: int | None = None) -> BudgetRoster:
    """Check every row of a CSV or XLSX roster as of `today` and store it; any bad row raises RosterError and stores nothing."""
    headers, rows = read_table(content, filename)
    roster = parse_roster(rules, headers, rows, mapping, today=today)
    return save_roster(session=session, rules=rules, name=name, roster=roster, source=filename, created_by=created_by)


def save_roster(*, session: Session, rules: DistrictRules, name: str, roster: Roster, source: str = "",
                created_by: int | None = None) -> BudgetRoster:
    """Store a checked roster in one transaction."""
    record = BudgetRoster(district_id=rules.id, name=name[:160], school_year=latest_schedule_year(rules).label,
                          teacher_count=len(roster), source=source[:200], created_by=created_by)
    session.add(record)
    session.flush()
    table = RosterEntry.__table__
    batch: list[dict] = []
    try:
        for teacher in roster.teachers():
            batch.append({
                "roster_id": record.id, "employee_id": teacher.employee_id, "school": teacher.school, "step": teacher.step,
                "lane": teacher.lane, "fte": teacher.fte, "hire_date": teacher.hire_date, "degree": teacher.degree,
                "band": teacher.band, "micro_credentials": teacher.micro_credentials, "credit_hours": teacher.credit_hours,
                "subjects": ";".join(teacher.subjects), "certifications": ";".join(teacher.certifications),
                "certified": teacher.certified})
            if len(batch) >= BATCH:
                session.execute(insert(table), batch)
                batch = []
        if batch:
            session.execute(insert(table), batch)
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(record)
    return record


def list_rosters(*, session: Session, district_id: str | None = None) -> list[BudgetRoster]:
    """Rosters, newest first."""
    query = select(BudgetRoster).order_by(BudgetRoster.id.desc())
    if district_id:
        query = query.where(BudgetRoster.district_id == district_id)
    return list(session.scalars(query))


def get_roster(*, session: Session, roster_id: int) -> BudgetRoster | None:
    return session.get(BudgetRoster, roster_id)


def entry_count(*, session: Session, roster_id: int) -> int:
    return session.scalar(select(func.count()).select_from(RosterEntry).where(RosterEntry.roster_id == roster_id)) or 0


def delete_roster(*, session: Session, roster_id: int) -> None:
    session.execute(delete(RosterEntry).where(RosterEntry.roster_id == roster_id))
    session.execute(delete(BudgetRoster).where(BudgetRoster.id == roster_id))
    session.commit()


def load_roster(*, session: Session, rules: DistrictRules, roster_id: int) -> Roster:
    """A stored roster, column by column, for the projection engine."""
    columns = [RosterEntry.employee_id, RosterEntry.school, RosterEntry.step, RosterEntry.lane, RosterEntry.fte,
               RosterEntry.hire_date, RosterEntry.degree, RosterEntry.band, RosterEntry.micro_credentials,
               RosterEntry.credit_hours, RosterEntry.subjects, RosterEntry.certifications, RosterEntry.certified]
    rows = session.execute(select(*columns).where(RosterEntry.roster_id == roster_id).order_by(RosterEntry.id))
    teachers = (RosterTeacher(employee_id=r[0], school=r[1], step=r[2], lane=r[3], fte=Decimal(r[4]), hire_date=r[5],
                              degree=r[6], band=r[7], micro_credentials=r[8], credit_hours=Decimal(r[9]),
                              subjects=tuple(s for s in r[10].split(";") if s),
                              certifications=tuple(c for c in r[11].split(";") if c), certified=bool(r[12]))
                for r in rows)
    roster = Roster.from_teachers(rules.id, teachers, rules)
    if len(roster) == 0:
        raise ValueError(f"roster {roster_id} has no teachers")
    return roster


def roster_summary(*, session: Session, roster_id: int) -> list[dict]:
    """Head count and FTE by lane, for the roster page."""
    rows = session.execute(select(RosterEntry.lane, func.count(), func.min(RosterEntry.step), func.max(RosterEntry.step))
                           .where(RosterEntry.roster_id == roster_id).group_by(RosterEntry.lane).order_by(RosterEntry.lane))
    return [{"lane": lane, "teachers": count, "first_step": low, "last_step": high} for lane, count, low, high in rows]


__all__ = ["import_roster", "save_roster", "list_rosters", "get_roster", "load_roster", "delete_roster", "roster_summary",
           "entry_count"]
