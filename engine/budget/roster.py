"""A district's roster for budget projections: reading CSV or XLSX rows, mapping
their column names, checking every row against the district's rules, and a
realistic synthetic roster for demos, tests and benchmarks. Pure: no Flask, no database.

A roster is held column-wise (`Roster`), so a million teachers cost arrays, not objects.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Iterable, Iterator

import numpy as np

from engine.errors import RuleInputError
from engine.money import CENT
from engine.pay.cells import cell_amount, schedule_for
from engine.pay.credit import degree_rank
from engine.rules import DEGREES, DistrictRules
from engine.school_year import SchoolYear
from safe.parsing import check_zip
from safe.spreadsheet import csv_row

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


@dataclass(frozen=True)
class RosterTeacher:
    """One teacher on the roster, as the per-teacher reference engine reads it."""

    employee_id: str
    step: int
    lane: str
    fte: Decimal = Decimal("1.00")
    school: str = ""
    hire_date: date | None = None
    degree: str | None = None
    band: str | None = None
    micro_credentials: int = 0
    credit_hours: Decimal = Decimal(0)
    subjects: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    certified: bool = True


@dataclass
class Roster:
    """A roster column by column: codes into small tables of distinct values."""

    district_id: str
    employee_ids: list[str]
    step: np.ndarray                      # int
    lane: np.ndarray                      # int code into `lanes`
    lanes: list[str]
    fte_hundredths: np.ndarray            # int: FTE x 100
    degree: np.ndarray                    # int code into DEGREES
    hire_ordinal: np.ndarray              # int: date.toordinal(), 0 when unknown
    micro_credentials: np.ndarray         # int
    credit_hundredths: np.ndarray         # int: credit hours x 100
    profile: np.ndarray                   # int code into `profiles`
    profiles: list[tuple[str | None, tuple[str, ...], tuple[str, ...], bool]] = field(default_factory=list)  # band, subjects, certifications, certified
    school: np.ndarray | None = None      # int code into `schools`
    schools: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.employee_ids)

    def teachers(self) -> Iterator[RosterTeacher]:
        """Each teacher as an object, in roster order."""
        for i, employee_id in enumerate(self.employee_ids):
            band, subjects, certifications, certified = self.profiles[int(self.profile[i])]
            hired = int(self.hire_ordinal[i])
            yield RosterTeacher(
                employee_id=employee_id, step=int(self.step[i]), lane=self.lanes[int(self.lane[i])],
                fte=(Decimal(int(self.fte_hundredths[i])) / 100).quantize(CENT), school=self.schools[int(self.school[i])] if self.schools else "",
                hire_date=date.fromordinal(hired) if hired else None, degree=DEGREES[int(self.degree[i])], band=band,
                micro_credentials=int(self.micro_credentials[i]), credit_hours=(Decimal(int(self.credit_hundredths[i])) / 100).quantize(CENT),
                subjects=subjects, certifications=certifications, certified=certified)

    @classmethod
    def from_teachers(cls, district_id: str, teachers: Iterable[RosterTeacher], rules: DistrictRules) -> "Roster":
        """A columnar roster from teacher objects (degree defaults to the lane's)."""
        ids, step, lane, fte, degree, hired, mcs, credit, profile, school = [], [], [], [], [], [], [], [], [], []
        lanes: dict[str, int] = {}
        profiles: dict[tuple, int] = {}
        schools: dict[str, int] = {}
        for t in teachers:
            ids.append(t.employee_id)
            step.append(t.step)
            lane.append(lanes.setdefault(t.lane, len(lanes)))
            fte.append(int(t.fte * 100))
            degree.append(DEGREES.index(t.degree or rules.lane(t.lane).degree))
            hired.append(t.hire_date.toordinal() if t.hire_date else 0)
            mcs.append(t.micro_credentials)
            credit.append(int(t.credit_hours * 100))
            key = (t.band, tuple(sorted(t.subjects)), tuple(sorted(t.certifications)), t.certified)
            profile.append(profiles.setdefault(key, len(profiles)))
            school.append(schools.setdefault(t.school, len(schools)))
        as_int = lambda values: np.asarray(values, dtype=np.int64)  # noqa: E731
        return cls(district_id, ids, as_int(step), as_int(lane), list(lanes), as_int(fte), as_int(degree), as_int(hired),
                   as_int(mcs), as_int(credit), as_int(profile), list(profiles), as_int(school), list(schools))


# --- reading files -------------------------------------------------------------------------------------


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


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header and the data rows (with their line numbers) of a CSV or XLSX file."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return [], []
    rows = []
    for values in reader:
        if any(v.strip() for v in values):
            rows.append((reader.line_num, values))
    return [h.strip() for h in header], rows


# An XLSX file is a ZIP: what its parts inflate to is bounded before openpyxl opens it (a ZIP bomb).
MAX_XLSX_INFLATED = 256 * 1024 * 1024


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    from openpyxl import load_workbook

    check_zip(content, max_total=MAX_XLSX_INFLATED)
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None:
        return [], []
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        if any(v is not None and str(v).strip() for v in values):
            rows.append((number, list(values)))
    book.close()
    return ["" if h is None else str(h).strip() for h in header], rows


# --- checking rows -------------------------------------------------------------------------------------


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _list(value) -> tuple[str, ...]:
    return tuple(sorted({p.strip().lower() for p in re.split(r"[;|,]", _text(value)) if p.strip()}))


class _Checker:
    """Checks and converts rows against a district's rules, remembering every problem."""

    def __init__(self, rules: DistrictRules, school_year: SchoolYear, today: date):
        self.rules = rules
        self.year = school_year
        self.today = today
        self.schedule, _, _ = schedule_for(rules, school_year)
        self.cells: dict[tuple[int, str], str | None] = {}
        self.errors: list[RowError] = []

    def problem(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def cell_problem(self, step: int, lane: str) -> str | None:
        key = (step, lane)
        if key not in self.cells:
            try:
                cell_amount(self.rules, self.year, step, lane)
                self.cells[key] = None
            except RuleInputError as exc:
                self.cells[key] = str(exc)
        return self.cells[key]

    def row(self, line: int, get) -> RosterTeacher | None:
        before = len(self.errors)
        employee_id = _text(get("employee_id"))
        if not employee_id:
            self.problem(line, "employee_id", "expected an employee id, got an empty cell")
        elif len(employee_id) > 64:
            self.problem(line, "employee_id", "expected at most 64 characters")
        step = self.integer(line, "step", get("step"), required=True)
        lane = _text(get("lane"))
        if lane not in self.schedule.lanes:
            self.problem(line, "lane", f"expected one of {', '.join(self.schedule.lanes)} (the {self.year.label} schedule), got {lane!r}")
        elif step is not None:
            trouble = self.cell_problem(step, lane)
            if trouble:
                self.problem(line, "step", f"expected a step the {self.year.label} schedule pays: {trouble}")
        fte = self.decimal(line, "fte", get("fte"), Decimal("1.00"))
        if fte is not None and not (Decimal(0) < fte <= 1 and fte == fte.quantize(Decimal("0.01"))):
            self.problem(line, "fte", f"expected a number more than 0 and at most 1, with at most two decimals, got {_text(get('fte'))!r}")
        hire_date = self.date(line, "hire_date", get("hire_date"))
        degree = _text(get("degree")).lower() or None
        if degree is not None and degree not in DEGREES:
            self.problem(line, "degree", f"expected one of {', '.join(DEGREES)}, got {degree!r}")
        elif degree and lane in self.schedule.lanes:
            need = self.rules.lane(lane)
            lowest = min(degree_rank(r.degree) for r in [need] + list(need.equivalent))
            if degree_rank(degree) < lowest:
                self.problem(line, "degree", f"expected at least a {DEGREES[lowest]}'s degree for lane {lane}, got {degree!r}")
        band = _text(get("band")) or None
        mcs = self.integer(line, "micro_credentials", get("micro_credentials"), default=0)
        credit = self.decimal(line, "credit_hours", get("credit_hours"), Decimal(0))
        if credit is not None and (credit < 0 or credit > 999):
            self.problem(line, "credit_hours", f"expected hours between 0 and 999, got {credit}")
        certified_text = _text(get("certified")).lower()
        certified = True
        if certified_text:
            if certified_text in _TRUE:
                certified = True
            elif certified_text in _FALSE:
                certified = False
            else:
                self.problem(line, "certified", f"expected yes or no, got {certified_text!r}")
        if len(self.errors) > before:
            return None
        return RosterTeacher(employee_id=employee_id, step=step, lane=lane, fte=fte.quantize(Decimal("0.01")),
                             school=_text(get("school"))[:160], hire_date=hire_date, degree=degree, band=band,
                             micro_credentials=mcs, credit_hours=credit, subjects=_list(get("subjects")),
                             certifications=_list(get("certifications")), certified=certified)

    def integer(self, line, column, value, required=False, default=None):
        text = _text(value)
        if not text:
            if required:
                self.problem(line, column, "expected a whole number >= 0, got an empty cell")
            return default
        if not re.fullmatch(r"\d{1,4}", text):
            self.problem(line, column, f"expected a whole number >= 0, got {text!r}")
            return None
        return int(text)

    def decimal(self, line, column, value, default):
        text = _text(value)
        if not text:
            return default
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.problem(line, column, f"expected a number, got {text!r}")
            return None
        if not number.is_finite() or number < 0:
            self.problem(line, column, f"expected a number >= 0, got {text!r}")
            return None
        return number

    def date(self, line, column, value):
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            found = value.date()
        elif isinstance(value, date):
            found = value
        else:
            text = _text(value)
            found = None
            for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
                try:
                    found = datetime.strptime(text, pattern).date()
                    break
                except ValueError:
                    continue
            if found is None:
                self.problem(line, column, f"expected a date such as 2019-08-01, got {text!r}")
                return None
        if found > self.today or found.year < 1940:
            self.problem(line, column, f"expected a hire date between 1940 and today, got {found.isoformat()}")
            return None
        return found


def parse_roster(rules: DistrictRules, headers: list[str], rows: list[tuple[int, list]], mapping: dict[str, str] | None = None,
                 school_year: SchoolYear | None = None, *, today: date) -> Roster:
    """The checked roster (no hire date after `today`); any bad row raises RosterError listing every bad row, and nothing is kept."""
    mapping = dict(mapping or guess_mapping(headers))
    unmapped = [name for name in REQUIRED if not mapping.get(name) or mapping[name] not in headers]
    if unmapped:
        raise RosterError([], 0, unmapped)
    from engine.pay.cells import latest_schedule_year

    year = school_year or latest_schedule_year(rules)
    checker = _Checker(rules, year, today)
    index = {name: headers.index(header) for name, header in mapping.items() if header in headers}
    teachers: list[RosterTeacher] = []
    seen: dict[str, int] = {}
    for line, values in rows:
        def get(name, values=values):
            i = index.get(name)
            return values[i] if i is not None and i < len(values) else None
        teacher = checker.row(line, get)
        if teacher is None:
            continue
        if teacher.employee_id in seen:
            checker.problem(line, "employee_id", f"expected each employee id once; {teacher.employee_id!r} is also on line {seen[teacher.employee_id]}")
            continue
        seen[teacher.employee_id] = line
        teachers.append(teacher)
    if checker.errors:
        raise RosterError(sorted(checker.errors, key=lambda e: (e.line, e.column)), len(rows))
    if not teachers:
        raise RosterError([RowError(1, "employee_id", "expected at least one teacher, the file has no rows")], 0)
    return Roster.from_teachers(rules.id, teachers, rules)


def roster_csv(roster: Roster) -> str:
    """The roster as a CSV file in Lanewise's column names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(FIELDS))
    for t in roster.teachers():  # text never a live formula when the file is opened (safe/spreadsheet.py)
        writer.writerow(csv_row([t.employee_id, t.school, t.step, t.lane, f"{t.fte:.2f}",
                                 t.hire_date.isoformat() if t.hire_date else "", t.degree or "", t.band or "",
                                 t.micro_credentials, f"{t.credit_hours.normalize():f}", ";".join(t.subjects),
                                 ";".join(t.certifications), "yes" if t.certified else "no"]))
    return out.getvalue()


# --- a synthetic roster ----------------------------------------------------------------------------------

SUBJECT_POOL = ["math", "science", "ela", "social_studies", "special_education", "esl", "computer_science", "k3",
                "art", "music", "physical_education", "bilingual", "gifted"]


def synthesize(rules: DistrictRules, teachers: int, seed: int, school_year: SchoolYear | None = None,
               schools: int | None = None, today: date | None = None) -> Roster:
    """A realistic synthetic roster: experience skewed young, degrees and lanes rising with it, some part-time.

    Teachers are hired before the roster's school year starts (and before `today` when it is given, so
    the file imports on that day): the same seed gives the same roster whatever the clock says.
    """
    from engine.pay.cells import latest_schedule_year

    if teachers < 1:
        raise ValueError("expected at least one teacher")
    year = school_year or latest_schedule_year(rules)
    schedule, _, _ = schedule_for(rules, year)
    rng = np.random.default_rng(seed)
    n = teachers
    # Years of experience: many early-career teachers, a long tail (geometric-like, capped at 40).
    experience = np.minimum(rng.gamma(shape=1.6, scale=7.0, size=n).astype(np.int64), 40)
    first = schedule.first_step
    # Valid steps: those the schedule pays (not reserved), for a lane's last step clamp later.
    valid_steps = sorted({s for row in schedule.rows if not row.reserved
                          for s in range(row.first, (row.last if row.last is not None else row.first) + 1)})
    top = valid_steps[-1]
    step = np.minimum(first + experience, top)
    # Steps that fall on a reserved row move to the next paid step.
    paid = np.zeros(top + 1, dtype=bool)
    paid[valid_steps] = True
    paid[top:] = True
    for s in range(top, -1, -1):
        if not paid[s]:
            step[step == s] = s + 1
    step = np.maximum(step, first)
    # Lanes: more experience, further right.
    lane_ids = schedule.lanes
    k = len(lane_ids)
    position = np.clip(rng.normal(loc=experience / 40 * (k - 1) * 0.9, scale=max(k / 4, 0.6)), 0, k - 1).round().astype(np.int64)
    # Ragged lanes: a lane that ends early pays its last step beyond it, which is fine; keep steps as they are.
    lane_degree = np.array([DEGREES.index(rules.lane(l).degree) for l in lane_ids])
    degree = lane_degree[position]
    credit = np.array([rules.lane(l).credits for l in lane_ids])[position] * 100 + rng.integers(0, 12, n) * 100
    fte = np.where(rng.random(n) < 0.08, rng.choice([50, 60, 75, 80], size=n), 100)
    # Hired `experience` years before the roster's year (never after `today`), on a spread of days.
    anchor = (min(year.start, today) if today else year.start).toordinal()
    hire_ordinal = anchor - experience * 365 - experience // 4 - rng.integers(1, 300, n)
    micro = np.where(rng.random(n) < 0.35, rng.poisson(6, n), 0).astype(np.int64)
    # Profiles: band (Harmony-style 1-6, most teachers 5/6), one or two subjects, some certifications.
    bands = [str(b) for b in range(1, 7)]
    subject_sets = [(s,) for s in SUBJECT_POOL] + [("math", "special_education"), ("esl", "ela"), ("science", "gifted")]
    profiles: list[tuple] = []
    for band in bands:
        for subjects in subject_sets:
            for certs in ((), ("esl_endorsement",), ("nbct",)):
                for certified in (True, False):
                    profiles.append((band, tuple(sorted(subjects)), certs, certified))
    band_p = np.array([0.03, 0.05, 0.07, 0.15, 0.35, 0.35])
    band_i = rng.choice(len(bands), size=n, p=band_p)
    subject_i = rng.integers(0, len(subject_sets), n)
    cert_i = rng.choice(3, size=n, p=[0.86, 0.09, 0.05])
    certified_i = (rng.random(n) < 0.04).astype(np.int64)
    profile = ((band_i * len(subject_sets) + subject_i) * 3 + cert_i) * 2 + certified_i
    school_count = schools or max(1, n // 45)
    school = rng.integers(0, school_count, n)
    width = len(str(n))
    ids = [f"E{i:0{width}d}" for i in range(1, n + 1)]
    school_names = [f"School {i + 1:03d}" for i in range(school_count)]
    return Roster(rules.id, ids, step.astype(np.int64), position.astype(np.int64), list(lane_ids), fte.astype(np.int64),
                  degree.astype(np.int64), hire_ordinal.astype(np.int64), micro, credit.astype(np.int64),
                  profile.astype(np.int64), profiles, school.astype(np.int64), school_names)
