"""Budget rosters in the database: import a checked file (all rows or none, written in bulk: COPY on
PostgreSQL), synthetic rosters, and loading a stored roster as columns for the projection."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import numpy as np
from sqlalchemy import delete, func, select, text
from sqlmodel import Session

from engine.budget.roster import Roster, parse_roster, read_table
from engine.pay.cells import latest_schedule_year
from engine.rules import DEGREES, MAIN_UNIT, DistrictRules
from models.finance import BudgetRoster, RosterColumns, RosterEntry

ENTRY_COLUMNS = ("roster_id", "employee_id", "school", "step", "lane", "fte", "hire_date", "degree", "band",
                 "micro_credentials", "credit_hours", "subjects", "certifications", "certified", "years_of_service",
                 "growth_steps", "role", "micro_credentials_this_year", "actual_salary", "unit", "funding", "new_lane",
                 "new_lane_share")
FETCH = 200_000   # rows fetched at a time when loading: memory stays flat on a million-teacher roster


def import_roster(*, session: Session, rules: DistrictRules, name: str, content: bytes, filename: str,
                  today: date, mapping: dict[str, str] | None = None, created_by: int | None = None) -> BudgetRoster:
    """Check every row of a CSV or XLSX roster as of `today` and store it; any bad row raises RosterError and stores nothing."""
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
    given = lambda name: [None if v < 0 else v for v in roster.number(name).tolist()]  # noqa: E731
    actual = roster.number("actual_cents")
    salary = _hundredths(np.maximum(actual, 0))

    def texts(name: str) -> list[str]:
        codes, values = roster.text_codes(name)
        return [values[c] for c in codes.tolist()]

    return list(zip(
        [roster_id] * n, roster.employee_ids, [schools[int(c)] for c in school_codes], roster.step.tolist(),
        [roster.lanes[int(c)] for c in roster.lane], _hundredths(roster.fte_hundredths),
        [day_of[i] for i in inverse.ravel()], [DEGREES[int(d)] for d in roster.degree], [p[0] for p in profile],
        roster.micro_credentials.tolist(), _hundredths(roster.credit_hundredths), [p[1] for p in profile],
        [p[2] for p in profile], [p[3] for p in profile], given("years_of_service"), given("growth_steps"),
        texts("role"), roster.number("micro_credentials_this_year", 0).tolist(),
        [None if a < 0 else s for a, s in zip(actual.tolist(), salary)], texts("unit"), texts("funding"),
        texts("new_lane"), [None if v < 0 else f"{v // 10_000}.{v % 10_000:04d}" for v in roster.number("new_lane_share").tolist()]))


def save_roster(*, session: Session, rules: DistrictRules, name: str, roster: Roster, source: str = "",
                created_by: int | None = None) -> BudgetRoster:
    """Store a checked roster in one transaction, its teachers in bulk (COPY on PostgreSQL)."""
    record = BudgetRoster(district_id=rules.id, name=name[:160], school_year=roster.school_year or latest_schedule_year(rules).label,
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
        session.add(RosterColumns(roster_id=record.id, data=pack_columns(roster)))
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(record)
    return record


def pack_columns(roster: Roster) -> bytes:
    """The columns a projection reads, as one .npz (no pickles; text tables as JSON)."""
    import io
    import json

    out = io.BytesIO()
    np.savez(out, step=roster.step, lane=roster.lane, fte_hundredths=roster.fte_hundredths, degree=roster.degree,
             hire_ordinal=roster.hire_ordinal, micro_credentials=roster.micro_credentials,
             credit_hundredths=roster.credit_hundredths, profile=roster.profile,
             lanes=np.array(json.dumps(list(roster.lanes))), profiles=np.array(json.dumps(
                 [[band, list(subjects), list(certifications), bool(certified)]
                  for band, subjects, certifications, certified in roster.profiles])),
             texts=np.array(json.dumps({"texts": roster.texts, "school_year": roster.school_year})),
             **{f"extra_{name}": values for name, values in roster.extra.items()})
    return out.getvalue()


def unpack_columns(district_id: str, data: bytes) -> Roster:
    import io
    import json

    with np.load(io.BytesIO(data), allow_pickle=False) as found:
        arrays = {name: found[name] for name in ("step", "lane", "fte_hundredths", "degree", "hire_ordinal",
                                                  "micro_credentials", "credit_hundredths", "profile")}
        lanes = json.loads(str(found["lanes"]))
        profiles = [(band, tuple(subjects), tuple(certifications), certified)
                    for band, subjects, certifications, certified in json.loads(str(found["profiles"]))]
        extra = {name.removeprefix("extra_"): found[name] for name in found.files if name.startswith("extra_")}
        about = json.loads(str(found["texts"])) if "texts" in found.files else {"texts": {}, "school_year": None}
    return Roster(district_id, None, arrays["step"], arrays["lane"], lanes, arrays["fte_hundredths"], arrays["degree"],
                  arrays["hire_ordinal"], arrays["micro_credentials"], arrays["credit_hundredths"], arrays["profile"],
                  profiles, extra=extra, texts=about["texts"], school_year=about["school_year"])


def list_rosters(*, session: Session, district_id: str | None = None,
                 district_ids: Collection[str] | None = None) -> list[BudgetRoster]:
    """Rosters, newest first: of one district, and of the finance officer's `district_ids` (None: every district)."""
    query = select(BudgetRoster).order_by(BudgetRoster.id.desc())
    if district_id:
        query = query.where(BudgetRoster.district_id == district_id)
    if district_ids is not None:
        query = query.where(BudgetRoster.district_id.in_(sorted(district_ids)))
    return list(session.scalars(query))


def get_roster(*, session: Session, roster_id: int, district_ids: Collection[str] | None = None) -> BudgetRoster | None:
    """The roster, or None when there is none (or it is of a district not in `district_ids`)."""
    record = session.get(BudgetRoster, roster_id)
    return record if record is not None and (district_ids is None or record.district_id in district_ids) else None


def entry_count(*, session: Session, roster_id: int) -> int:
    return session.scalar(select(func.count()).select_from(RosterEntry).where(RosterEntry.roster_id == roster_id)) or 0


def delete_roster(*, session: Session, roster_id: int) -> None:
    session.execute(delete(RosterColumns).where(RosterColumns.roster_id == roster_id))
    session.execute(delete(RosterEntry).where(RosterEntry.roster_id == roster_id))
    session.execute(delete(BudgetRoster).where(BudgetRoster.id == roster_id))
    session.commit()


# What a projection needs of each teacher, as the database computes it: two whole numbers packed from the
# numeric columns (FTE and credit in hundredths, the hire date as a date ordinal, 0 when unknown) and one text
# key of the teacher's lane, degree and pay profile. Three values a row instead of eleven: Python touches each
# row three times, and the packed numbers are taken apart by numpy. Widths: step < 2**23, credit hundredths
# < 2**20, FTE hundredths < 2**20; hire ordinal < 2**31, micro-credentials < 2**31 (checked on import: steps and
# micro-credentials have at most four digits, credit at most 999.99 hours, FTE at most 1).
def _length_prefixed(*columns: str) -> str:
    """SQL joining text columns as `length:value` pieces (`-1:` for NULL), so no character in them can confuse
    taking the key apart again."""
    return " || ".join(f"COALESCE(length({c}) || ':' || {c}, '-1:')" for c in columns)


_TEXT_KEY = _length_prefixed("lane", "degree", "band", "subjects", "certifications")
_PACKED = {
    "postgresql": ("CAST(step AS BIGINT) * 1099511627776 + CAST(ROUND(credit_hours * 100) AS BIGINT) * 1048576 "
                   "+ CAST(ROUND(fte * 100) AS BIGINT)",
                   "CAST(COALESCE(hire_date - DATE '0001-01-01' + 1, 0) AS BIGINT) * 4294967296 "
                   "+ CAST(micro_credentials AS BIGINT) * 2 + CAST(certified AS INTEGER)",
                   _TEXT_KEY),
    "sqlite": ("step * 1099511627776 + CAST(ROUND(CAST(credit_hours AS REAL) * 100) AS INTEGER) * 1048576 "
               "+ CAST(ROUND(CAST(fte AS REAL) * 100) AS INTEGER)",
               "COALESCE(CAST(julianday(hire_date) - 1721424.5 AS INTEGER), 0) * 4294967296 "
               "+ micro_credentials * 2 + certified",
               _TEXT_KEY),
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


def _pieces(key: str, count: int) -> list[str | None]:
    """A `_length_prefixed` key taken apart."""
    out: list[str | None] = []
    at = 0
    for _ in range(count):
        colon = key.index(":", at)
        length = int(key[at:colon])
        at = colon + 1
        out.append(None if length < 0 else key[at:at + length])
        at += max(length, 0)
    return out


def load_roster(*, session: Session, rules: DistrictRules, roster_id: int, with_ids: bool = True) -> Roster:
    """A stored roster as columns for the projection engine, with no object per teacher.

    `with_ids=False` (a projection, which needs no employee ids or schools) reads the columns stored beside the
    rows in one read; rosters stored before those existed, and `with_ids=True`, read the rows in chunks, the
    database packing the numbers and joining the text (see _PACKED), text keys coded as they arrive."""
    if not with_ids:
        stored = session.get(RosterColumns, roster_id)
        if stored is not None:
            return unpack_columns(rules.id, stored.data)
    connection = session.connection()
    numbers, dates, text_key = _PACKED["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    extra = ", employee_id, school" if with_ids else ""
    order = " ORDER BY id" if with_ids else ""   # a projection does not depend on the teachers' order
    sql = (f"SELECT {numbers}, {dates}, {text_key}{extra} FROM {RosterEntry.__tablename__} "
           f"WHERE roster_id = :roster_id{order}")
    packed: list[np.ndarray] = []
    dated: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    coder = _Codes()
    ids: list[str] = []
    school_coder, schools = _Codes(), []
    result = connection.execute(text(sql), {"roster_id": roster_id})
    while chunk := result.fetchmany(FETCH):
        columns = list(zip(*chunk))
        del chunk
        packed.append(np.array(columns[0], dtype=np.int64))
        dated.append(np.array(columns[1], dtype=np.int64))
        keys.append(coder(columns[2]))
        if with_ids:
            ids.extend(columns[3])
            schools.append(school_coder(columns[4]))
    result.close()
    if not packed:
        raise ValueError(f"roster {roster_id} has no teachers")
    first, second, key = np.concatenate(packed), np.concatenate(dated), np.concatenate(keys)
    step, credit_h, fte_h = first >> 40, (first >> 20) & 0xFFFFF, first & 0xFFFFF
    hire, mcs, certified = second >> 32, (second >> 1) & 0x7FFFFFFF, second & 1
    # Each distinct text key: its lane, degree and pay profile (with the certification flag of its rows).
    known = {lane.id: lane for lane in rules.lanes}
    lanes: list[str] = []
    lane_of, degree_of, profile_of = [], [], []
    profiles: dict[tuple, int] = {}
    split = lambda value: tuple(v for v in value.split(";") if v)  # noqa: E731
    for lane, degree, band, subjects, certifications in (_pieces(k, 5) for k in coder.values):
        if lane not in lanes:
            lanes.append(lane)
        lane_of.append(lanes.index(lane))
        held = degree or (known[lane].degree if lane in known else DEGREES[0])
        degree_of.append(DEGREES.index(held) if held in DEGREES else 0)
        profile_of.append((band, split(subjects), split(certifications)))
    # The profile also holds "certified", a number column: combine the key's profile with each row's flag.
    pair = key * 2 + certified
    pairs, first_row, inverse = np.unique(pair, return_index=True, return_inverse=True)
    order = np.argsort(first_row, kind="stable")   # profiles numbered in order of first appearance
    profile_code = np.empty(len(pairs), dtype=np.int64)
    for position in order:
        code = int(pairs[position])
        profile_code[position] = profiles.setdefault(profile_of[code // 2] + (bool(code % 2),), len(profiles))
    lane_codes = np.array(lane_of, dtype=np.int64)[key]
    degrees = np.array(degree_of, dtype=np.int64)[key]
    roster = Roster(rules.id, ids if with_ids else None, step, lane_codes, lanes, fte_h, degrees, hire, mcs, credit_h,
                    profile_code[inverse.ravel()], list(profiles), np.concatenate(schools) if with_ids else None,
                    school_coder.values if with_ids else [])
    stored = session.get(RosterColumns, roster_id)
    if stored is not None:
        # The columns beyond the placement (years of service, role held, actual salary, unit...) in roster order,
        # as stored beside the rows: the rows are read in the same order (by id) they were written.
        columns = unpack_columns(rules.id, stored.data)
        roster.extra, roster.texts, roster.school_year = columns.extra, columns.texts, columns.school_year
    return roster


def off_schedule(*, session: Session, rules: DistrictRules, roster_id: int, limit: int = 500) -> tuple[int, list]:
    """How many teachers are paid off the schedule, and the first `limit` of them (largest difference first)."""
    from engine.budget.off_schedule import off_schedule as compare
    from engine.budget.roster import RosterTeacher

    record = session.get(BudgetRoster, roster_id)
    rows = session.scalars(select(RosterEntry).where(RosterEntry.roster_id == roster_id,
                                                     RosterEntry.actual_salary.is_not(None)).order_by(RosterEntry.id))
    by_unit: dict[str, list] = {}
    for r in rows:
        by_unit.setdefault(rules.unit_of(r.unit) or MAIN_UNIT, []).append(RosterTeacher(
            employee_id=r.employee_id, step=r.step, lane=r.lane, fte=r.fte, micro_credentials=r.micro_credentials,
            credit_hours=r.credit_hours, growth_steps=r.growth_steps, actual_salary=r.actual_salary, unit=r.unit))
    # Each unit's teachers against their own unit's schedule.
    found = [o for unit, teachers in by_unit.items()
             for o in compare(rules.for_unit(unit), rules.year(record.school_year), teachers)]
    found.sort(key=lambda o: (-abs(o.difference), o.employee_id))
    return len(found), found[:limit]


def roster_summary(*, session: Session, roster_id: int) -> list[dict]:
    """Head count and FTE by lane, for the roster page."""
    rows = session.execute(select(RosterEntry.lane, func.count(), func.min(RosterEntry.step), func.max(RosterEntry.step))
                           .where(RosterEntry.roster_id == roster_id).group_by(RosterEntry.lane).order_by(RosterEntry.lane))
    return [{"lane": lane, "teachers": count, "first_step": low, "last_step": high} for lane, count, low, high in rows]


__all__ = ["import_roster", "save_roster", "list_rosters", "get_roster", "load_roster", "delete_roster", "roster_summary",
           "entry_count", "off_schedule"]
