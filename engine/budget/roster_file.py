"""Reading a roster file: CSV or XLSX rows within stated bounds, their column names matched to ours, and every
row checked against the district's rules, column by column.

Checks run once per distinct value of a column (a roster of 100,000 teachers has a few dozen steps, lanes,
FTEs and degrees, a few thousand hire dates), and their outcome is spread back to the rows with numpy; so
the work grows with distinct values, not with rows. Every bad row is still listed by line and column.
Pure: no Flask, no database.
"""
from __future__ import annotations

import csv
import io
import re
import time
from itertools import zip_longest
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import numpy as np

from engine.errors import RuleInputError
from engine.pay.cells import cell_amount, latest_schedule_year, schedule_for
from engine.pay.credit import degree_rank
from engine.rules import DEGREES, DistrictRules
from engine.school_year import SchoolYear

# The roster's fields, in file order, with the header names districts commonly use for them.
FIELDS: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee id", "employee", "emp id", "empid", "employee number", "id", "staff id"),
    "school": ("school", "campus", "site", "building", "location"),
    "step": ("step", "salary step", "step number"),
    "lane": ("lane", "column", "salary lane", "salary column", "class"),
    "fte": ("fte", "full time equivalent", "fte percent"),
    "hire_date": ("hire date", "hired", "date hired", "start date", "hire"),
    "degree": ("degree", "highest degree", "education"),
    "band": ("band", "pay band", "payband", "grade"),
    "micro_credentials": ("micro credentials", "microcredentials", "mcs", "mc count", "micro credential count"),
    "credit_hours": ("credit hours", "credits", "graduate credits", "hours beyond degree", "credit"),
    "subjects": ("subjects", "subject", "stipend subjects", "subject stipends", "assignment"),
    "certifications": ("certifications", "certification", "endorsements"),
    "certified": ("certified", "certification status", "is certified"),
}
REQUIRED = ("employee_id", "step", "lane")
MAX_ERRORS_SHOWN = 1000

# Bounds on what a file may make us read (a 358 KB XLSX can claim a million rows, a 4.7 KB one 16,384 columns).
MAX_ROWS = 1_000_000          # teachers in a CSV file
MAX_XLSX_ROWS = 200_000       # teachers in an XLSX sheet (slow to read: save larger rosters as CSV)
MAX_COLUMNS = 100
XLSX_SECONDS = 20.0           # reading one sheet
MAX_XLSX_UNPACKED = 512 * 1024 * 1024   # the sheet's XML once unzipped


@dataclass(frozen=True)
class RowError:
    """One problem in one row: its line, the column, and what was expected."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    def to_json(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


class RosterError(ValueError):
    """A roster that cannot be imported: every bad row, or a missing column mapping."""

    def __init__(self, errors: list[RowError], rows_checked: int = 0, unmapped: list[str] | None = None):
        self.errors = errors
        self.rows_checked = rows_checked
        self.unmapped = unmapped or []
        lines = sorted({e.line for e in errors})
        text = f"{len(lines)} bad row(s) of {rows_checked}: nothing was imported" if errors else "columns are not mapped"
        super().__init__(text)


class RosterFileError(ValueError):
    """A file that cannot be read as a roster at all, or that goes past a bound; the message says which."""


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name or "").lower()).strip()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Our field -> the file's header, for every header whose name we recognise."""
    mapping: dict[str, str] = {}
    normal = {_normal(h): h for h in headers if h is not None and str(h).strip()}
    for name, synonyms in FIELDS.items():
        for candidate in (_normal(name),) + synonyms:
            if candidate in normal and normal[candidate] not in mapping.values():
                mapping[name] = normal[candidate]
                break
    return mapping


# --- reading files, within bounds ---------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header and the data rows (with their line numbers) of a CSV or XLSX file; RosterFileError past a bound."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return [], []
    if len(header) > MAX_COLUMNS:
        raise RosterFileError(f"the file has {len(header)} columns; a roster may have at most {MAX_COLUMNS}")
    rows = []
    for values in reader:
        if "".join(values).strip():
            if len(rows) == MAX_ROWS:
                raise RosterFileError(f"the file has more than {MAX_ROWS:,} teachers; split it into smaller rosters")
            rows.append((reader.line_num, values))
    return [h.strip() for h in header], rows


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """The first sheet, read row by row with bounded rows, columns, unpacked size and time.

    A sheet's own dimension is not trusted: a tiny file may claim A1:XFD1048576."""
    import zipfile

    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise RosterFileError("the file is not an XLSX workbook") from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise RosterFileError(f"the workbook unpacks to {unpacked // 2**20:,} MiB; at most {MAX_XLSX_UNPACKED // 2**20} MiB "
                              "is read (save the roster as CSV)")
    deadline = time.monotonic() + XLSX_SECONDS
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()   # read what the sheet holds, not what it claims
        rows_iter = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        header = next(rows_iter, None)
        if header is None:
            return [], []
        header = list(header)
        while header and (header[-1] is None or not str(header[-1]).strip()):
            header.pop()
        if len(header) > MAX_COLUMNS:
            raise RosterFileError(f"the sheet has more than {MAX_COLUMNS} columns; a roster may have at most {MAX_COLUMNS}")
        width = len(header)
        rows = []
        for number, values in enumerate(rows_iter, start=2):
            if number > MAX_XLSX_ROWS + 1:
                raise RosterFileError(f"the sheet goes past row {MAX_XLSX_ROWS + 1:,}; an XLSX roster may have at most "
                                      f"{MAX_XLSX_ROWS:,} teachers (save larger rosters as CSV)")
            if number % 1000 == 0 and time.monotonic() > deadline:
                raise RosterFileError(f"reading the sheet took more than {XLSX_SECONDS:.0f} seconds (stopped at row "
                                      f"{number:,}); save the roster as CSV")
            values = values[:width]
            if any(v is not None and str(v).strip() for v in values):
                rows.append((number, list(values)))
    finally:
        book.close()
    return ["" if h is None else str(h).strip() for h in header], rows


# --- checking rows, column by column ---------------------------------------------------------------------

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
                 school_year: SchoolYear | None = None, today: date | None = None):
    """The checked roster; any bad row raises RosterError listing every bad row, and nothing is kept."""
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
        "hire_date": _Column("hire_date", raw("hire_date"), _hire_date(today or date.today())),
        "degree": _Column("degree", raw("degree"), degree_check),
        "micro_credentials": _Column("micro_credentials", raw("micro_credentials"), _whole_number(required=False, default=0)),
        "credit_hours": _Column("credit_hours", raw("credit_hours"), _credit),
        "certified": _Column("certified", raw("certified"), _certified),
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
    return Roster(rules.id, columns["employee_id"].row_values(), values("step"), lane, lanes_in_use, values("fte"),
                  degree, values("hire_date"), values("micro_credentials"), values("credit_hours"),
                  profile.ravel().astype(np.int64), profiles, schools.codes, schools.values)
