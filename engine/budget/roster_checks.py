"""Checking a roster file's rows against the district's rules, column by column.

Checks run once per distinct value of a column (a roster of 100,000 teachers has a few dozen steps, lanes,
FTEs and degrees, a few thousand hire dates), and their outcome is spread back to the rows with numpy; so
the work grows with distinct values, not with rows. Every bad row is still listed by line and column.
Pure: no Flask, no database.
"""
from __future__ import annotations

from datetime import date
from itertools import zip_longest

import numpy as np

from engine.budget import roster_values as cell
from engine.budget.roster_file import REQUIRED, RosterError, RosterFileError, RowError, guess_mapping
from engine.errors import RuleInputError
from engine.pay.cells import cell_amount, latest_schedule_year, schedule_for
from engine.pay.credit import degree_rank
from engine.rules import DEGREES, DistrictRules
from engine.school_year import SchoolYear


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
    # The unit column by its distinct cells: each named unit looked up once, not once a row.
    distinct, codes = cell.factorise([values[at] if at < len(values) else "" for _, values in rows])
    unit_of = [rules.unit_of(cell.as_text(value)) for value in distinct]
    unknown = np.flatnonzero(np.isin(codes, [k for k, unit in enumerate(unit_of) if unit is None]))
    errors = [RowError(rows[i][0], "unit", f"expected one of the district's units ({', '.join(rules.unit_ids)}: by id "
                                         f"or name) or an empty cell, got {cell.as_text(distinct[codes[i]])!r}")
              for i in unknown.tolist()]
    parsed, positions = [], []
    for unit in dict.fromkeys(u for u in unit_of if u is not None):
        mine = np.flatnonzero(np.isin(codes, [k for k, u in enumerate(unit_of) if u == unit]))
        part = rows if len(mine) == len(rows) else [rows[i] for i in mine.tolist()]
        try:
            roster = _parse_unit(rules.for_unit(unit), headers, part, mapping, school_year, today=today)
        except RosterError as exc:
            if exc.unmapped:
                raise
            errors += exc.errors
            continue
        roster.extra["unit"] = np.ones(len(roster), dtype=np.int64)
        roster.texts["unit"] = ["", unit]
        parsed.append(roster)
        positions.append(mine.astype(np.int64))
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
        lane = cell.as_text(value)
        if lane not in schedule.lanes:
            raise cell.Problem(f"expected one of {', '.join(schedule.lanes)} (the {year.label} schedule), got {lane!r}")
        return lane

    role_ids = [role.id for role in rules.roles]

    def role_check(value):
        role = cell.as_text(value)
        if role and role not in role_ids:
            raise cell.Problem(f"expected one of the district's roles ({', '.join(role_ids) or 'none'}) or an empty cell, got {role!r}")
        return role

    def degree_check(value):
        degree = cell.as_text(value).lower() or None
        if degree is not None and degree not in DEGREES:
            raise cell.Problem(f"expected one of {', '.join(DEGREES)}, got {degree!r}")
        return degree

    columns = {
        "employee_id": cell.Column("employee_id", raw("employee_id"), cell.employee_id),
        "step": cell.Column("step", raw("step"), cell.whole_number(required=True, default=None)),
        "lane": cell.Column("lane", raw("lane"), lane_check),
        "fte": cell.Column("fte", raw("fte"), cell.fte),
        "hire_date": cell.Column("hire_date", raw("hire_date"), cell.hire_date(today)),
        "degree": cell.Column("degree", raw("degree"), degree_check),
        "micro_credentials": cell.Column("micro_credentials", raw("micro_credentials"), cell.whole_number(required=False, default=0)),
        "credit_hours": cell.Column("credit_hours", raw("credit_hours"), cell.credit),
        "certified": cell.Column("certified", raw("certified"), cell.certified),
        "years_of_service": cell.Column("years_of_service", raw("years_of_service"), cell.whole_number(required=False, default=-1)),
        "growth_steps": cell.Column("growth_steps", raw("growth_steps"), cell.whole_number(required=False, default=-1)),
        "micro_credentials_this_year": cell.Column("micro_credentials_this_year", raw("micro_credentials_this_year"),
                                               cell.whole_number(required=False, default=0)),
        "actual_salary": cell.Column("actual_salary", raw("actual_salary"), cell.salary),
        "role": cell.Column("role", raw("role"), role_check),
        "new_lane": cell.Column("new_lane", raw("new_lane"), lambda v: lane_check(v) if cell.as_text(v) else ""),
        "new_lane_share": cell.Column("new_lane_share", raw("new_lane_share"), cell.share),
    }
    found: list[tuple[np.ndarray, str, np.ndarray, list]] = []   # rows, column, problem code per row, problems
    for name, column in columns.items():
        bad = column.bad_rows()
        if bad.any():
            found.append((np.flatnonzero(bad), name, column.codes, column.problems))
    # Checks across columns, once per distinct pair: the step must be paid in the lane; the degree must reach it; a
    # lane change part-way through the year names another lane that pays the step, and the share of the year it pays.
    step, lane, degree = columns["step"], columns["lane"], columns["degree"]
    new_lane, share = columns["new_lane"], columns["new_lane_share"]

    def paid(number, lane_id):
        try:
            cell_amount(rules, year, number, lane_id)
        except RuleInputError as exc:
            return f"expected a step the {year.label} schedule pays: {exc}"

    def reached(held, lane_id):
        need = rules.lane(lane_id)
        lowest = min(degree_rank(r.degree) for r in [need] + list(need.equivalent))
        if held and degree_rank(held) < lowest:
            return f"expected at least a {DEGREES[lowest]}'s degree for lane {lane_id}, got {held!r}"

    _check_pairs(found, "step", step, lane, paid)
    _check_pairs(found, "degree", degree, lane, reached)
    def another_lane(new, held):
        if new and new == held:
            return f"expected a lane other than the teacher's lane {held!r}, or an empty cell"

    def paid_in_new_lane(number, new):
        return paid(number, new) if new else None

    def share_given(new, part):
        if new and part < 0:
            return "expected the share of the school year paid in the new lane (0.5 for a second semester), got an empty cell"

    def lane_given(new, part):
        if not new and part >= 0:
            return "expected the lane paid for the new_lane_share given, got an empty cell"

    _check_pairs(found, "new_lane", new_lane, lane, another_lane)
    _check_pairs(found, "new_lane", step, new_lane, paid_in_new_lane)
    _check_pairs(found, "new_lane_share", new_lane, share, share_given)
    _check_pairs(found, "new_lane", new_lane, share, lane_given)
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


def _check_pairs(found: list, column: str, left: cell.Column, right: cell.Column, problem_of) -> None:
    """`problem_of(left value, right value)` once per distinct pair of two checked columns (pairs with a bad cell are
    skipped: that cell has its own problem); rows of a pair with a problem are listed under `column`."""
    pairs, codes = _pairs(left.codes, right.codes)
    problems = [None if left.problems[a] or right.problems[b] else problem_of(left.values[a], right.values[b])
                for a, b in pairs.tolist()]
    flags = np.array([p is not None for p in problems], dtype=bool)
    if len(flags) and flags.any():
        found.append((np.flatnonzero(flags[codes]), column, codes, problems))


def _roster(rules: DistrictRules, columns: dict[str, cell.Column], raw):
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
    bands = cell.Column("band", raw("band"), lambda v: cell.as_text(v) or None)
    subjects = cell.Column("subjects", raw("subjects"), cell.listed)
    certifications = cell.Column("certifications", raw("certifications"), cell.listed)
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
    schools = cell.Column("school", raw("school"), lambda v: cell.as_text(v)[:160])
    roster = Roster(rules.id, columns["employee_id"].row_values(), values("step"), lane, lanes_in_use, values("fte"),
                    degree, values("hire_date"), values("micro_credentials"), values("credit_hours"),
                    profile.ravel().astype(np.int64), profiles, schools.codes, schools.values,
                    school_year=latest_schedule_year(rules).label)
    for name, key in (("years_of_service", "years_of_service"), ("growth_steps", "growth_steps"),
                      ("micro_credentials_this_year", "micro_credentials_this_year"), ("actual_salary", "actual_cents"),
                      ("new_lane_share", "new_lane_share")):
        found = values(name)
        if (found > 0).any() if name == "micro_credentials_this_year" else (found >= 0).any():
            roster.extra[key] = found
    texts = {"role": columns["role"], "unit": cell.Column("unit", raw("unit"), lambda v: cell.as_text(v)[:60]),
             "funding": cell.Column("funding", raw("funding"), lambda v: cell.as_text(v)[:60]),
             "new_lane": columns["new_lane"]}
    for name, column in texts.items():
        if any(column.values):
            table = [""] + sorted(set(column.values) - {""})
            roster.extra[name] = np.array([table.index(v) for v in column.values], dtype=np.int64)[column.codes]
            roster.texts[name] = table
    return roster
