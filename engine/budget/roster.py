"""A district's roster for budget projections, held column-wise (`Roster`), so a million teachers cost
arrays, not objects; the roster as CSV; and a realistic synthetic roster for demos, tests and benchmarks.
Reading roster files is `engine.budget.roster_file`, checking them `engine.budget.roster_checks`. Pure: no Flask, no database.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from engine.money import CENT
from engine.pay.cells import schedule_for
from engine.rules import DEGREES, DistrictRules
from engine.school_year import SchoolYear
from safe.spreadsheet import csv_row


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
    years_of_service: int | None = None       # as HR keeps them, in the roster's school year
    growth_steps: int | None = None           # growth steps held (from micro-credentials and credit)
    role: str | None = None                   # a district role held (its supplement is paid while the teacher stays)
    micro_credentials_this_year: int = 0      # earned in the roster's school year: the per-credential stipend pays them
    actual_salary: Decimal | None = None      # the base salary paid, where it is off the schedule
    unit: str = ""                            # bargaining unit
    funding: str = ""                         # funding source
    new_lane: str | None = None               # a lane change HR approved part-way through the roster's school year
    new_lane_share: Decimal | None = None     # the share of that year paid in the new lane (0.5 for a second semester)


# Roster columns beyond the pay profile, each an int array (-1: not given) or a code into a table of text.
EXTRA_NUMBERS = ("years_of_service", "growth_steps", "micro_credentials_this_year", "actual_cents", "new_lane_share")
EXTRA_TEXTS = ("role", "unit", "funding", "new_lane")
SHARE_UNIT = 10_000   # new_lane_share is held in 1/10,000ths of the school year


@dataclass
class Roster:
    """A roster column by column: codes into small tables of distinct values."""

    district_id: str
    employee_ids: list[str] | None        # None when loaded for a projection, which needs no names
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
    # Optional columns (None: not on this roster): years of service, growth steps held, micro-credentials earned
    # this school year, actual base salary in cents, the share of the year paid in a new lane in SHARE_UNIT (-1
    # where not given); role, unit, funding and a new lane as codes into their tables (code 0 is "", none).
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    school_year: str | None = None        # the school year the roster describes

    def __len__(self) -> int:
        return len(self.step)

    def number(self, name: str, default: int = -1) -> np.ndarray:
        """An optional whole-number column, `default` where the roster does not give it."""
        found = self.extra.get(name)
        return found if found is not None else np.full(len(self), default, dtype=np.int64)

    def text_codes(self, name: str) -> tuple[np.ndarray, list[str]]:
        """An optional text column as codes into its distinct values (code 0 is "", none)."""
        found = self.extra.get(name)
        if found is None:
            return np.zeros(len(self), dtype=np.int64), [""]
        return found, self.texts[name]

    def text_at(self, name: str, i: int) -> str:
        codes, values = self.text_codes(name)
        return values[int(codes[i])]

    @classmethod
    def concat(cls, parts: list[Roster], positions: list[np.ndarray], district_id: str) -> Roster:
        """Rosters of some rows each (parts[k] holds the rows at positions[k]) as one, in row order; each table of
        distinct values (lanes, pay profiles, schools, units, roles...) merged, codes renumbered."""
        if len(parts) == 1:
            return parts[0]
        order = np.argsort(np.concatenate(positions), kind="stable")

        def merged(table_of, codes_of):
            table: dict = {}
            codes = []
            for part in parts:
                index = np.array([table.setdefault(value, len(table)) for value in table_of(part)] or [0], dtype=np.int64)
                codes.append(index[codes_of(part)] if len(codes_of(part)) else codes_of(part))
            return list(table), np.concatenate(codes)[order]

        lanes, lane = merged(lambda r: r.lanes, lambda r: r.lane)
        profiles, profile = merged(lambda r: r.profiles, lambda r: r.profile)
        schools, school = merged(lambda r: r.schools or [""], lambda r: r.school if r.school is not None else np.zeros(len(r), dtype=np.int64))
        joined = lambda name: np.concatenate([getattr(r, name) for r in parts])[order]
        ids = None if any(r.employee_ids is None for r in parts) else [i for r in parts for i in r.employee_ids]
        out = cls(district_id, None if ids is None else [ids[int(i)] for i in order], joined("step"), lane, lanes,
                  joined("fte_hundredths"), joined("degree"), joined("hire_ordinal"), joined("micro_credentials"),
                  joined("credit_hundredths"), profile, profiles, school, schools, school_year=parts[0].school_year)
        for name in EXTRA_NUMBERS:
            if any(name in r.extra for r in parts):
                default = 0 if name == "micro_credentials_this_year" else -1
                out.extra[name] = np.concatenate([r.number(name, default) for r in parts])[order]
        for name in EXTRA_TEXTS:
            if any(name in r.extra for r in parts):
                table = [""]
                codes = []
                for r in parts:
                    found, values = r.text_codes(name)
                    index = np.array([table.index(v) if v in table else (table.append(v) or len(table) - 1)
                                      for v in values], dtype=np.int64)
                    codes.append(index[found])
                out.extra[name] = np.concatenate(codes)[order]
                out.texts[name] = table
        return out

    def subset(self, rows: np.ndarray) -> Roster:
        """The roster's teachers at the given row positions (in that order); its tables stay as they are (but lanes)."""
        take = lambda values: None if values is None else values[rows]
        used, lane = np.unique(self.lane[rows], return_inverse=True)   # only the lanes its teachers are in
        return Roster(self.district_id, None if self.employee_ids is None else [self.employee_ids[int(i)] for i in rows],
                      self.step[rows], lane.ravel().astype(np.int64), [self.lanes[int(c)] for c in used],
                      self.fte_hundredths[rows], self.degree[rows],
                      self.hire_ordinal[rows], self.micro_credentials[rows], self.credit_hundredths[rows],
                      self.profile[rows], self.profiles, take(self.school), self.schools,
                      {name: values[rows] for name, values in self.extra.items()}, self.texts, self.school_year)

    def teachers(self) -> Iterator[RosterTeacher]:
        """Each teacher as an object, in roster order."""
        if self.employee_ids is None:
            raise ValueError("this roster was loaded without employee ids")
        for i, employee_id in enumerate(self.employee_ids):
            band, subjects, certifications, certified = self.profiles[int(self.profile[i])]
            hired = int(self.hire_ordinal[i])
            yield RosterTeacher(
                employee_id=employee_id, step=int(self.step[i]), lane=self.lanes[int(self.lane[i])],
                fte=(Decimal(int(self.fte_hundredths[i])) / 100).quantize(CENT), school=self.schools[int(self.school[i])] if self.schools else "",
                hire_date=date.fromordinal(hired) if hired else None, degree=DEGREES[int(self.degree[i])], band=band,
                micro_credentials=int(self.micro_credentials[i]), credit_hours=(Decimal(int(self.credit_hundredths[i])) / 100).quantize(CENT),
                subjects=subjects, certifications=certifications, certified=certified,
                years_of_service=_given(self.number("years_of_service")[i]),
                growth_steps=_given(self.number("growth_steps")[i]), role=self.text_at("role", i) or None,
                micro_credentials_this_year=int(self.number("micro_credentials_this_year", 0)[i]),
                actual_salary=None if self.number("actual_cents")[i] < 0 else (Decimal(int(self.number("actual_cents")[i])) / 100).quantize(CENT),
                unit=self.text_at("unit", i), funding=self.text_at("funding", i),
                new_lane=self.text_at("new_lane", i) or None, new_lane_share=_share(self.number("new_lane_share")[i]))

    @classmethod
    def from_teachers(cls, district_id: str, teachers: Iterable[RosterTeacher], rules: DistrictRules) -> Roster:
        """A columnar roster from teacher objects (degree defaults to the lane's)."""
        teachers = list(teachers)
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
        as_int = lambda values: np.asarray(values, dtype=np.int64)
        roster = cls(district_id, ids, as_int(step), as_int(lane), list(lanes), as_int(fte), as_int(degree), as_int(hired),
                     as_int(mcs), as_int(credit), as_int(profile), list(profiles), as_int(school), list(schools))
        given = lambda value: -1 if value is None else value
        columns = {"years_of_service": [given(t.years_of_service) for t in teachers],
                   "growth_steps": [given(t.growth_steps) for t in teachers],
                   "micro_credentials_this_year": [t.micro_credentials_this_year for t in teachers],
                   "actual_cents": [-1 if t.actual_salary is None else int(t.actual_salary * 100) for t in teachers],
                   "new_lane_share": [-1 if t.new_lane_share is None else int(t.new_lane_share * SHARE_UNIT) for t in teachers]}
        for name, values in columns.items():
            if any(v > 0 if name == "micro_credentials_this_year" else v >= 0 for v in values):
                roster.extra[name] = as_int(values)
        for name in EXTRA_TEXTS:
            values = [getattr(t, name) or "" for t in teachers]
            if any(values):
                table = [""] + sorted(set(values) - {""})
                roster.extra[name] = as_int([table.index(v) for v in values])
                roster.texts[name] = table
        return roster


def _given(value) -> int | None:
    return None if int(value) < 0 else int(value)


def _share(value) -> Decimal | None:
    return None if int(value) < 0 else (Decimal(int(value)) / SHARE_UNIT).normalize()


def roster_csv(roster: Roster) -> str:
    """The roster as a CSV file in Lanewise's column names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(FIELDS))
    for t in roster.teachers():  # text never a live formula when the file is opened (safe/spreadsheet.py)
        writer.writerow(csv_row([t.employee_id, t.school, t.step, t.lane, f"{t.fte:.2f}",
                                 t.hire_date.isoformat() if t.hire_date else "", t.degree or "", t.band or "",
                                 t.micro_credentials, f"{t.credit_hours.normalize():f}", ";".join(t.subjects),
                                 ";".join(t.certifications), "yes" if t.certified else "no",
                                 "" if t.years_of_service is None else t.years_of_service,
                                 "" if t.growth_steps is None else t.growth_steps, t.role or "",
                                 t.micro_credentials_this_year or "", "" if t.actual_salary is None else f"{t.actual_salary:.2f}",
                                 t.unit, t.funding, t.new_lane or "",
                                 "" if t.new_lane_share is None else f"{t.new_lane_share:f}"]))
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


def synthesize_units(rules: DistrictRules, teachers: int, seed: int, shares: dict[str, float],
                     funding: tuple[str, ...] = ("",)) -> Roster:
    """A synthetic roster over several bargaining units (`shares`: unit id -> share of the staff), each unit's people
    on its own schedule, spread over the funding sources given."""
    parts, positions, at = [], [], 0
    units = list(shares)
    counts = [int(teachers * shares[u]) for u in units]
    counts[0] += teachers - sum(counts)
    for k, (unit, count) in enumerate(zip(units, counts)):
        if count < 1:
            continue
        part = synthesize(rules.for_unit(unit), count, seed=seed + k)
        part.employee_ids = [f"{unit[:1].upper()}{i}" for i in part.employee_ids]
        part.extra["unit"], part.texts["unit"] = np.ones(count, dtype=np.int64), ["", unit]
        if funding != ("",):
            part.extra["funding"] = 1 + np.arange(count, dtype=np.int64) % len(funding)
            part.texts["funding"] = [""] + list(funding)
        parts.append(part)
        positions.append(np.arange(at, at + count))
        at += count
    return Roster.concat(parts, positions, rules.id)


# Reading files lives in roster_file and checking them in roster_checks; their names stay importable from here.
from engine.budget.roster_checks import parse_roster
from engine.budget.roster_file import (
    FIELDS,
    MAX_ERRORS_SHOWN,
    REQUIRED,
    RosterError,
    RosterFileError,
    RowError,
    guess_mapping,
    read_table,
)

__all__ = [
    "FIELDS",
    "MAX_ERRORS_SHOWN",
    "REQUIRED",
    "Roster",
    "RosterError",
    "RosterFileError",
    "RosterTeacher",
    "RowError",
    "guess_mapping",
    "parse_roster",
    "read_table",
    "roster_csv",
    "synthesize",
]
