"""Budget rosters in the database: import a checked file (all rows or none, written in bulk: COPY on
PostgreSQL), synthetic rosters, and loading a stored roster as columns for the projection."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import delete, func, select, text
from sqlmodel import Session

from engine.budget.roster import Roster, parse_roster, read_table
from engine.pay.cells import latest_schedule_year
from engine.rules import DEGREES, DistrictRules
from models.finance import BudgetRoster, RosterEntry

ENTRY_COLUMNS = ("roster_id", "employee_id", "school", "step", "lane", "fte", "hire_date", "degree", "band",
                 "micro_credentials", "credit_hours", "subjects", "certifications", "certified")
FETCH = 200_000   # rows fetched at a time when loading: memory stays flat on a million-teacher roster


def import_roster(*, session: Session, rules: DistrictRules, name: str, content: bytes, filename: str,
                  mapping: dict[str, str] | None = None, created_by: int | None = None,
                  today: date | None = None) -> BudgetRoster:
    """Check every row of a CSV or XLSX roster and store it; any bad row raises RosterError and stores nothing."""
    headers, rows = read_table(content, filename)
    roster = parse_roster(rules, headers, rows, mapping, today=today)
    return save_roster(session=session, rules=rules, name=name, roster=roster, source=filename, created_by=created_by)


def _hundredths(values: np.ndarray) -> list[str]:
    """Integer hundredths as exact two-decimal strings, formatted once per distinct value."""
    distinct, inverse = np.unique(values, return_inverse=True)
    text_of = [f"{int(v) // 100}.{int(v) % 100:02d}" for v in distinct]
    return [text_of[i] for i in inverse.ravel()]


def _entry_rows(roster: Roster, roster_id: int, postgres: bool) -> list[tuple]:
    """The roster's rows in ENTRY_COLUMNS order, as the database stores them (each distinct value formatted once)."""
    n = len(roster)
    hired = roster.hire_ordinal
    days, inverse = np.unique(hired, return_inverse=True)
    day_of = [date.fromordinal(int(d)) if d else None for d in days]
    if not postgres:   # SQLite holds dates as ISO text
        day_of = [d.isoformat() if d else None for d in day_of]
    profiles = [(band, ";".join(subjects), ";".join(certifications), bool(certified) if postgres else int(bool(certified)))
                for band, subjects, certifications, certified in roster.profiles]
    profile = [profiles[int(p)] for p in roster.profile]
    schools = roster.schools or [""]
    school_codes = roster.school if roster.school is not None else np.zeros(n, dtype=np.int64)
    return list(zip(
        [roster_id] * n, roster.employee_ids, [schools[int(c)] for c in school_codes], roster.step.tolist(),
        [roster.lanes[int(c)] for c in roster.lane], _hundredths(roster.fte_hundredths),
        [day_of[i] for i in inverse.ravel()], [DEGREES[int(d)] for d in roster.degree], [p[0] for p in profile],
        roster.micro_credentials.tolist(), _hundredths(roster.credit_hundredths), [p[1] for p in profile],
        [p[2] for p in profile], [p[3] for p in profile]))


def save_roster(*, session: Session, rules: DistrictRules, name: str, roster: Roster, source: str = "",
                created_by: int | None = None) -> BudgetRoster:
    """Store a checked roster in one transaction, its teachers in bulk (COPY on PostgreSQL)."""
    record = BudgetRoster(district_id=rules.id, name=name[:160], school_year=latest_schedule_year(rules).label,
                          teacher_count=len(roster), source=source[:200], created_by=created_by)
    try:
        session.add(record)
        session.flush()
        connection = session.connection()
        postgres = connection.dialect.name == "postgresql"
        rows = _entry_rows(roster, record.id, postgres)
        columns = ", ".join(ENTRY_COLUMNS)
        if postgres:
            with connection.connection.dbapi_connection.cursor() as cursor:
                with cursor.copy(f"COPY {RosterEntry.__tablename__} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in ENTRY_COLUMNS)
            connection.exec_driver_sql(f"INSERT INTO {RosterEntry.__tablename__} ({columns}) VALUES ({marks})", rows)
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


# Whole numbers straight from the database: FTE and credit in hundredths, the hire date as a date ordinal (0 unknown).
_NUMBERS = {
    "postgresql": ("CAST(ROUND(fte * 100) AS INTEGER)", "CAST(ROUND(credit_hours * 100) AS INTEGER)",
                   "COALESCE(hire_date - DATE '0001-01-01' + 1, 0)", "CAST(certified AS INTEGER)"),
    "sqlite": ("CAST(ROUND(CAST(fte AS REAL) * 100) AS INTEGER)", "CAST(ROUND(CAST(credit_hours AS REAL) * 100) AS INTEGER)",
               "COALESCE(CAST(julianday(hire_date) - 1721424.5 AS INTEGER), 0)", "CAST(certified AS INTEGER)"),
}


class _Codes:
    """Text values coded as integers as they arrive, chunk by chunk, in order of first appearance."""

    def __init__(self):
        self.index: dict = {}

    def __call__(self, values) -> np.ndarray:
        for value in dict.fromkeys(values):
            if value not in self.index:
                self.index[value] = len(self.index)
        return np.fromiter(map(self.index.__getitem__, values), dtype=np.int64, count=len(values))

    @property
    def values(self) -> list:
        return list(self.index)


def load_roster(*, session: Session, rules: DistrictRules, roster_id: int, with_ids: bool = True) -> Roster:
    """A stored roster as columns for the projection engine, fetched in chunks with no object per teacher.

    The database turns FTE, credit and hire dates into whole numbers; text columns are coded as they arrive.
    `with_ids=False` leaves out employee ids and schools, which a projection does not use."""
    connection = session.connection()
    fte, credit, hired, certified = _NUMBERS["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    extra = ", employee_id, school" if with_ids else ""
    sql = (f"SELECT step, micro_credentials, {fte}, {credit}, {hired}, {certified}, lane, degree, band, subjects, "
           f"certifications{extra} FROM {RosterEntry.__tablename__} WHERE roster_id = :roster_id ORDER BY id")
    numbers: list[list[np.ndarray]] = [[] for _ in range(6)]
    coders = [_Codes() for _ in range(5)]
    codes: list[list[np.ndarray]] = [[] for _ in range(5)]
    ids: list[str] = []
    school_coder, schools = _Codes(), []
    result = connection.execute(text(sql), {"roster_id": roster_id})
    while chunk := result.fetchmany(FETCH):
        columns = list(zip(*chunk))
        del chunk
        for i in range(6):
            numbers[i].append(np.array(columns[i], dtype=np.int64))
        for i in range(5):
            codes[i].append(coders[i](columns[6 + i]))
        if with_ids:
            ids.extend(columns[11])
            schools.append(school_coder(columns[12]))
    result.close()
    if not numbers[0]:
        raise ValueError(f"roster {roster_id} has no teachers")
    step, mcs, fte_h, credit_h, hire, certified_flag = (np.concatenate(parts) for parts in numbers)
    lane, degree, band, subjects, certifications = (np.concatenate(parts) for parts in codes)
    lanes = coders[0].values
    degree_names = coders[1].values
    known = {x.id for x in rules.lanes}
    lane_degree = np.array([DEGREES.index(rules.lane(name).degree) if name in known else 0 for name in lanes], dtype=np.int64)
    degree_code = np.array([DEGREES.index(d) if d in DEGREES else -1 for d in degree_names], dtype=np.int64)[degree]
    degree_code = np.where(degree_code >= 0, degree_code, lane_degree[lane])
    # Pay profiles: distinct (band, subjects, certifications, certified), numbered in order of first appearance.
    parts = [band, subjects, certifications, certified_flag.astype(np.int64)]
    sizes = [len(coders[2].values), len(coders[3].values), len(coders[4].values), 2]
    packed = np.zeros(len(step), dtype=np.int64)
    for part, size in zip(parts, sizes):
        packed = packed * max(size, 1) + part
    _, first, profile = np.unique(packed, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    profile = rank[profile.ravel()]
    split = lambda value: tuple(v for v in value.split(";") if v)  # noqa: E731
    profiles = []
    for row in np.sort(first):
        profiles.append((coders[2].values[band[row]], split(coders[3].values[subjects[row]]),
                         split(coders[4].values[certifications[row]]), bool(certified_flag[row])))
    return Roster(rules.id, ids if with_ids else None, step, lane, lanes, fte_h, degree_code, hire, mcs, credit_h,
                  profile.astype(np.int64), profiles, np.concatenate(schools) if with_ids else None,
                  school_coder.values if with_ids else [])


def roster_summary(*, session: Session, roster_id: int) -> list[dict]:
    """Head count and FTE by lane, for the roster page."""
    rows = session.execute(select(RosterEntry.lane, func.count(), func.min(RosterEntry.step), func.max(RosterEntry.step))
                           .where(RosterEntry.roster_id == roster_id).group_by(RosterEntry.lane).order_by(RosterEntry.lane))
    return [{"lane": lane, "teachers": count, "first_step": low, "last_step": high} for lane, count, low, high in rows]


__all__ = ["import_roster", "save_roster", "list_rosters", "get_roster", "load_roster", "delete_roster", "roster_summary",
           "entry_count"]
