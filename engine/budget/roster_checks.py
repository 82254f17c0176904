"""Checking a roster file's rows against the district's rules, column by column.

Checks run once per distinct value of a column (a roster of 100,000 teachers has a few dozen steps, lanes,
FTEs and degrees, a few thousand hire dates), and their outcome is spread back to the rows with numpy; so
the work grows with distinct values, not with rows. Every bad row is still listed by line and column.
Pure: no Flask, no database.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import zip_longest

import numpy as np

from engine.budget.roster_file import REQUIRED, RosterError, RosterFileError, RowError, guess_mapping
from engine.errors import RuleInputError
from engine.pay.cells import cell_amount, latest_schedule_year, schedule_for
from engine.pay.credit import degree_rank
from engine.rules import DEGREES, DistrictRules
from engine.school_year import SchoolYear

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_WHOLE = re.compile(r"\d{1,4}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _list(value) -> tuple[str, ...]:
    return tuple(sorted({p.strip().lower() for p in re.split(r"[;|,]", _text(value)) if p.strip()}))


def _factorise(values) -> tuple[list, np.ndarray]:
    """The distinct values of a column (in order of first appearance) and each row's code into them."""
    distinct = dict.fromkeys(values)
    keys = values
    if not all(type(v) is str or v is None for v in distinct):
        # Spreadsheet cells: 1, 1.0 and True are equal in Python but not in a roster, so the type is part of the key.
        keys = list(zip(map(type, values), values))
        distinct = dict.fromkeys(keys)
    index = {key: i for i, key in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=len(keys))
    return (list(index) if keys is values else [value for _, value in index]), codes


class _Column:
    """One field's distinct values checked once: each value's result, or the problem it has."""

    def __init__(self, name: str, raw: list, check):
        self.name = name
        distinct, self.codes = _factorise(raw)
        self.values: list = []
        self.problems: list[str | None] = []
        for value in distinct:
            try:
                self.values.append(check(value))
                self.problems.append(None)
            except _Problem as problem:
                self.values.append(None)
                self.problems.append(str(problem))

    def bad_rows(self) -> np.ndarray:
        flags = np.array([p is not None for p in self.problems], dtype=bool)
        return flags[self.codes] if len(flags) else np.zeros(len(self.codes), dtype=bool)

    def row_values(self) -> list:
        return list(map(self.values.__getitem__, self.codes.tolist()))


class _Problem(ValueError):
    """What a cell should have held."""


def _whole_number(required: bool, default):
    def check(value):
        text = _text(value)
        if not text:
            if required:
                raise _Problem("expected a whole number >= 0, got an empty cell")
            return default
        if not _WHOLE.fullmatch(text):
            raise _Problem(f"expected a whole number >= 0, got {text!r}")
        return int(text)
    return check


def _number(default):
    def check(value):
        text = _text(value)
        if not text:
            return default
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _Problem(f"expected a number, got {text!r}") from None
        if not number.is_finite() or number < 0:
            raise _Problem(f"expected a number >= 0, got {text!r}")
        return number
    return check


def _fte(value):
    fte = _number(Decimal("1.00"))(value)
    if not (Decimal(0) < fte <= 1 and fte == fte.quantize(Decimal("0.01"))):
        raise _Problem(f"expected a number more than 0 and at most 1, with at most two decimals, got {_text(value)!r}")
    return int(fte * 100)


def _credit(value):
    credit = _number(Decimal(0))(value)
    if credit < 0 or credit > 999:
        raise _Problem(f"expected hours between 0 and 999, got {credit}")
    return int(credit * 100)


def _salary(value):
    salary = _number(None)(value)
    if salary is None:
        return -1
    if salary > Decimal("9999999.99") or salary != salary.quantize(Decimal("0.01")):
        raise _Problem(f"expected dollars with at most two decimals, below 10,000,000, got {_text(value)!r}")
    return int(salary * 100)


def _hire_date(today: date):
    def check(value):
        if value is None or value == "":
            return 0
        if isinstance(value, datetime):
            found = value.date()
        elif isinstance(value, date):
            found = value
        else:
            text = _text(value)
            found = None
            iso = _ISO_DATE.fullmatch(text)
            if iso:   # the common case, without strptime's cost; anything else goes the long way
                try:
                    found = date(int(iso[1]), int(iso[2]), int(iso[3]))
                except ValueError:
                    pass
            for pattern in ("%Y-%m-%d", "%m/%d/%Y") if found is None else ():
                try:
                    found = datetime.strptime(text, pattern).date()
                    break
                except ValueError:
                    continue
            if found is None:
                raise _Problem(f"expected a date such as 2019-08-01, got {text!r}")
        if found > today or found.year < 1940:
            raise _Problem(f"expected a hire date between 1940 and today, got {found.isoformat()}")
        return found.toordinal()
    return check


def _employee_id(value):
    text = _text(value)
    if not text:
        raise _Problem("expected an employee id, got an empty cell")
    if len(text) > 64:
        raise _Problem("expected at most 64 characters")
    return text


def _certified(value):
    text = _text(value).lower()
    if not text or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Problem(f"expected yes or no, got {text!r}")


def parse_roster(rules: DistrictRules, headers: list[str], rows: list[tuple[int, list]], mapping: dict[str, str] | None = None,
                 school_year: SchoolYear | None = None, *, today: date):
    """The checked roster; any bad row raises RosterError listing every bad row, and nothing is kept.

    Each bargaining unit's rows are checked against that unit's schedules (the `unit` column names it: its id or
    name; empty: the teachers)."""
    from engine.budget.roster import Roster

    mapping = dict(mapping or guess_mapping(headers))
    unit_header = mapping.get("unit")
    if not unit_header or unit_header not in headers:
        return _parse_unit(rules, headers, rows, mapping, school_year, today=today)
    at = headers.index(unit_header)
    units = [rules.unit_of(_text(values[at]) if at < len(values) else "") for _, values in rows]
    errors = [RowError(line, "unit", f"expected one of the district's units ({', '.join(rules.unit_ids)}: by id or "
                                     f"name) or an empty cell, got {_text(values[at])!r}")
              for (line, values), unit in zip(rows, units) if unit is None]
    parsed, positions = [], []
    for unit in dict.fromkeys(u for u in units if u is not None):
        mine = [i for i, u in enumerate(units) if u == unit]
        try:
            roster = _parse_unit(rules.for_unit(unit), headers, [rows[i] for i in mine], mapping, school_year, today=today)
        except RosterError as exc:
            if exc.unmapped:
                raise
            errors += exc.errors
            continue
        roster.extra["unit"] = np.ones(len(roster), dtype=np.int64)
        roster.texts["unit"] = ["", unit]
        parsed.append(roster)
        positions.append(np.array(mine, dtype=np.int64))
    if errors:
        raise RosterError(sorted(errors, key=lambda e: (e.line, e.column)), len(rows))
    return Roster.concat(parsed, positions, rules.id)


def _parse_unit(rules: DistrictRules, headers: list[str], rows: list[tuple[int, list]], mapping: dict[str, str] | None = None,
                school_year: SchoolYear | None = None, *, today: date):
    """One unit's rows checked against its rules."""
    mapping = dict(mapping or guess_mapping(headers))
    unmapped = [name for name in REQUIRED if not mapping.get(name) or mapping[name] not in headers]
    if unmapped:
        raise RosterError([], 0, unmapped)
    year = school_year or latest_schedule_year(rules)
    schedule, _, _ = schedule_for(rules, year)
    index = {name: headers.index(header) for name, header in mapping.items() if header in headers}
    lines = np.array([line for line, _ in rows], dtype=np.int64)

    # The file's columns, each a tuple of cells (short rows padded with None), transposed in C.
    transposed = list(zip_longest(*(values for _, values in rows))) if rows else []

    def raw(name: str):
        i = index.get(name)
        if i is None or i >= len(transposed):
            return (None,) * len(rows)
        return transposed[i]

    def lane_check(value):
        lane = _text(value)
        if lane not in schedule.lanes:
            raise _Problem(f"expected one of {', '.join(schedule.lanes)} (the {year.label} schedule), got {lane!r}")
        return lane

    role_ids = [role.id for role in rules.roles]

    def role_check(value):
        role = _text(value)
        if role and role not in role_ids:
            raise _Problem(f"expected one of the district's roles ({', '.join(role_ids) or 'none'}) or an empty cell, got {role!r}")
        return role

    def degree_check(value):
        degree = _text(value).lower() or None
        if degree is not None and degree not in DEGREES:
            raise _Problem(f"expected one of {', '.join(DEGREES)}, got {degree!r}")
        return degree

    columns = {
        "employee_id": _Column("employee_id", raw("employee_id"), _employee_id),
        "step": _Column("step", raw("step"), _whole_number(required=True, default=None)),
        "lane": _Column("lane", raw("lane"), lane_check),
        "fte": _Column("fte", raw("fte"), _fte),
        "hire_date": _Column("hire_date", raw("hire_date"), _hire_date(today)),
        "degree": _Column("degree", raw("degree"), degree_check),
        "micro_credentials": _Column("micro_credentials", raw("micro_credentials"), _whole_number(required=False, default=0)),
        "credit_hours": _Column("credit_hours", raw("credit_hours"), _credit),
        "certified": _Column("certified", raw("certified"), _certified),
        "years_of_service": _Column("years_of_service", raw("years_of_service"), _whole_number(required=False, default=-1)),
        "growth_steps": _Column("growth_steps", raw("growth_steps"), _whole_number(required=False, default=-1)),
        "micro_credentials_this_year": _Column("micro_credentials_this_year", raw("micro_credentials_this_year"),
                                               _whole_number(required=False, default=0)),
        "actual_salary": _Column("actual_salary", raw("actual_salary"), _salary),
        "role": _Column("role", raw("role"), role_check),
    }
    found: list[tuple[np.ndarray, str, np.ndarray, list]] = []   # rows, column, problem code per row, problems
    for name, column in columns.items():
        bad = column.bad_rows()
        if bad.any():
            found.append((np.flatnonzero(bad), name, column.codes, column.problems))
    # Checks across columns, once per distinct pair: the step must be paid in the lane; the degree must reach it.
    step, lane, degree = columns["step"], columns["lane"], columns["degree"]
    pairs, pair_codes = _pairs(step.codes, lane.codes)
    cell_problems: list[str | None] = []
    for step_code, lane_code in pairs:
        number, lane_id = step.values[step_code], lane.values[lane_code]
        problem = None
        if number is not None and lane_id is not None:
            try:
                cell_amount(rules, year, number, lane_id)
            except RuleInputError as exc:
                problem = f"expected a step the {year.label} schedule pays: {exc}"
        cell_problems.append(problem)
    _add_pair_problems(found, "step", pair_codes, cell_problems)
    pairs, pair_codes = _pairs(degree.codes, lane.codes)
    degree_problems: list[str | None] = []
    for degree_code, lane_code in pairs:
        held, lane_id = degree.values[degree_code], lane.values[lane_code]
        problem = None
        if held and lane_id is not None:
            need = rules.lane(lane_id)
            lowest = min(degree_rank(r.degree) for r in [need] + list(need.equivalent))
            if degree_rank(held) < lowest:
                problem = f"expected at least a {DEGREES[lowest]}'s degree for lane {lane_id}, got {held!r}"
        degree_problems.append(problem)
    _add_pair_problems(found, "degree", pair_codes, degree_problems)
    bad = np.zeros(len(rows), dtype=bool)
    for positions, *_ in found:
        bad[positions] = True
    # Each employee id once, among the rows that are otherwise good (the first good row keeps it).
    good = np.flatnonzero(~bad)
    ids = columns["employee_id"].codes[good]
    _, first = np.unique(ids, return_index=True)
    first_of = np.full(len(columns["employee_id"].values), -1, dtype=np.int64)
    first_of[ids[first]] = good[first]
    repeated = good[first_of[ids] != good]
    errors = [RowError(int(lines[p]), name, problems[codes[p]])
              for positions, name, codes, problems in found for p in positions]
    id_values = columns["employee_id"].values
    errors += [RowError(int(lines[p]), "employee_id", f"expected each employee id once; {id_values[columns['employee_id'].codes[p]]!r} "
                        f"is also on line {int(lines[first_of[columns['employee_id'].codes[p]]])}") for p in repeated]
    if errors:
        raise RosterError(sorted(errors, key=lambda e: (e.line, e.column)), len(rows))
    if not rows:
        raise RosterError([RowError(1, "employee_id", "expected at least one teacher, the file has no rows")], 0)
    return _roster(rules, columns, raw)


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (left, right) code pairs and each row's pair code."""
    if len(left) == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    packed = left * (int(right.max()) + 1) + right
    distinct, codes = np.unique(packed, return_inverse=True)
    width = int(right.max()) + 1
    return np.stack([distinct // width, distinct % width], axis=1), codes.ravel()


def _add_pair_problems(found: list, column: str, codes: np.ndarray, problems: list[str | None]) -> None:
    flags = np.array([p is not None for p in problems], dtype=bool)
    if len(flags) and flags.any():
        found.append((np.flatnonzero(flags[codes]), column, codes, problems))


def _roster(rules: DistrictRules, columns: dict[str, _Column], raw):
    """The columnar roster from checked columns (a missing degree is the lane's)."""
    from engine.budget.roster import Roster  # roster.py re-exports this module's names

    lane_ids = columns["lane"].values
    lanes_in_use = sorted(set(lane_ids), key=lane_ids.index)
    lane_position = np.array([lanes_in_use.index(v) for v in lane_ids], dtype=np.int64)
    lane = lane_position[columns["lane"].codes]
    lane_degree = np.array([DEGREES.index(rules.lane(v).degree) for v in lanes_in_use], dtype=np.int64)
    held = columns["degree"].values
    degree_of = np.array([DEGREES.index(d) if d else -1 for d in held], dtype=np.int64)[columns["degree"].codes]
    degree = np.where(degree_of >= 0, degree_of, lane_degree[lane])

    def values(name: str) -> np.ndarray:
        column = columns[name]
        return np.array(column.values, dtype=np.int64)[column.codes]

    # Pay profiles: band, subjects, certifications and certification status, as distinct combinations.
    bands = _Column("band", raw("band"), lambda v: _text(v) or None)
    subjects = _Column("subjects", raw("subjects"), _list)
    certifications = _Column("certifications", raw("certifications"), _list)
    certified = columns["certified"]
    parts = (bands, subjects, certifications, certified)
    if np.prod([float(max(1, len(part.values))) for part in parts]) >= 2.0**62:
        raise RosterFileError("the file has too many distinct pay bands, subjects and certifications")
    packed = np.zeros(len(bands.codes), dtype=np.int64)
    for part in parts:   # mixed radix: one int64 per row (distinct values per column are at most the rows)
        packed = packed * max(1, len(part.values)) + part.codes
    distinct, profile = np.unique(packed, return_inverse=True)
    combos = []
    for key in distinct.tolist():
        codes = []
        for part in reversed(parts):
            key, code = divmod(key, max(1, len(part.values)))
            codes.append(code)
        combos.append(codes[::-1])
    profiles = [(bands.values[b], subjects.values[s], certifications.values[c], certified.values[t]) for b, s, c, t in combos]
    schools = _Column("school", raw("school"), lambda v: _text(v)[:160])
    roster = Roster(rules.id, columns["employee_id"].row_values(), values("step"), lane, lanes_in_use, values("fte"),
                    degree, values("hire_date"), values("micro_credentials"), values("credit_hours"),
                    profile.ravel().astype(np.int64), profiles, schools.codes, schools.values,
                    school_year=latest_schedule_year(rules).label)
    for name, key in (("years_of_service", "years_of_service"), ("growth_steps", "growth_steps"),
                      ("micro_credentials_this_year", "micro_credentials_this_year"), ("actual_salary", "actual_cents")):
        found = values(name)
        if (found > 0).any() if name == "micro_credentials_this_year" else (found >= 0).any():
            roster.extra[key] = found
    texts = {"role": columns["role"], "unit": _Column("unit", raw("unit"), lambda v: _text(v)[:60]),
             "funding": _Column("funding", raw("funding"), lambda v: _text(v)[:60])}
    for name, column in texts.items():
        if any(column.values):
            table = [""] + sorted(set(column.values) - {""})
            roster.extra[name] = np.array([table.index(v) for v in column.values], dtype=np.int64)[column.codes]
            roster.texts[name] = table
    return roster
