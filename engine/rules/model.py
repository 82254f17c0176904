"""The typed model of a district's rule file, validated by pydantic.

A rule file holds a district's pay rules: salary schedules keyed by the date
they take effect, lanes, conversions into credit, counting rules, submission
windows, step rules, additions, teacher-leader roles, pay arithmetic and
budget defaults. `district_rules/README.md` teaches the format.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from credentials.catalog import CatalogEntry, TrustedIssuer
from engine.money import CENT
from engine.school_year import SchoolYear

__all__ = [
    "Money",
    "Percent",
    "Hours",
    "Count",
    "MonthDay",
    "DEGREES",
    "Degree",
    "STATUSES",
    "CreditKind",
    "Strict",
    "Cited",
    "dated_value",
    "DatedMoney",
    "DatedPercent",
    "Source",
    "District",
    "Requirement",
    "Lane",
    "Row",
    "GrowthRule",
    "Schedule",
    "MicroCredentialRule",
    "Conversion",
    "Counting",
    "Window",
    "StepRules",
    "Eligibility",
    "Addition",
    "Stack",
    "RatingRule",
    "Role",
    "Rounding",
    "Pay",
    "Fica",
    "Budget",
    "Review",
    "DistrictRules",
    "DEGREES",
    "STATUSES",
]

# --- value types -------------------------------------------------------------

Money = Annotated[Decimal, Field(ge=0, decimal_places=2, description="an amount in dollars, at most two decimals, >= 0")]
Percent = Annotated[Decimal, Field(ge=0, le=1000, description="a percentage, e.g. 4 for 4%")]
Hours = Annotated[Decimal, Field(ge=0, description="hours or credit, >= 0")]
Count = Annotated[int, Field(ge=0, description="a whole number >= 0")]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", description="a month and day, MM-DD")]

DEGREES = ("bachelor", "master", "specialist", "doctorate")
Degree = Literal["bachelor", "master", "specialist", "doctorate"]
STATUSES = ("submitted", "granted", "denied")
CreditKind = Literal["graduate_credit", "pd_hours", "workshop_points", "cpe_hours"]


class Strict(BaseModel):
    """A closed set of keys: anything unknown is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Strict):
    """A value that matters: where it comes from, and whether it is illustrative."""

    description: str | None = None
    reference: str | None = Field(None, description="a key of district.sources, or a citation")
    illustrative: bool = Field(False, description="true when the figure is made up, not the district's")
    note: str | None = None


def dated_value(values: dict[date, object] | object, on: date):
    """The value in force on a date: the latest entry on or before it; None if none or ended."""
    if not isinstance(values, dict):
        return values
    current = None
    for start in sorted(values):
        if start <= on:
            current = values[start]
    return current


DatedMoney = Union[Money, dict[date, Union[Money, None]]]
DatedPercent = Union[Percent, dict[date, Union[Percent, None]]]

# --- district and sources --------------------------------------------------------


class Source(Strict):
    """A public document a figure comes from."""

    title: str
    url: str | None = None
    accessed: date | None = None


class District(Strict):
    """Who the rules belong to."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="a short lower-case id")]
    name: str
    state: Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="a two-letter state code")]
    school_year_starts: MonthDay = "07-01"
    illustrative: bool = Field(False, description="true when the whole file is an illustration")
    notes: str | None = None
    sources: dict[str, Source] = {}


# --- lanes and schedules -------------------------------------------------------------


class Requirement(Strict):
    """A degree and the semester hours of credit beyond it."""

    degree: Degree
    credits: Count = 0


class Lane(Cited):
    """A column of the salary schedule, earned by a degree and credit beyond it."""

    id: str
    name: str | None = None
    degree: Degree
    credits: Count = Field(0, description="semester hours beyond the degree")
    equivalent: list[Requirement] = Field([], description="other ways to qualify, e.g. bachelor + 30 micro-credential hours for a master's lane")

    @property
    def label(self) -> str:
        return self.name or self.id


_BAND = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)|\+)?\s*$")


class Row(Strict):
    """One row of a schedule: a step (or a band of steps such as "10-14") and its cells."""

    step: int | str = Field(description="a step number, a band such as '10-14', or '25+'")
    reserved: bool = False
    amounts: list[Money | None] | None = None
    index: list[Annotated[Decimal, Field(gt=0)] | None] | None = None

    @field_validator("step")
    @classmethod
    def _step_label(cls, value: int | str) -> int | str:
        if isinstance(value, int):
            if value < 0:
                raise ValueError("expected a step >= 0")
            return value
        match = _BAND.match(value)
        if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
            raise ValueError(f"expected a step number or a band such as '10-14', got {value!r}")
        return value

    @property
    def first(self) -> int:
        return self.step if isinstance(self.step, int) else int(_BAND.match(self.step).group(1))

    @property
    def last(self) -> int | None:
        """The last step the row covers; None for an open band such as '25+'."""
        if isinstance(self.step, int):
            return self.step
        match = _BAND.match(self.step)
        if match.group(2):
            return int(match.group(2))
        return None if self.step.strip().endswith("+") else self.first

    def covers(self, step: int) -> bool:
        return self.first <= step and (self.last is None or step <= self.last)


class GrowthRule(Cited):
    """Percent growth steps applied to a placement, under a cap (Dysart)."""

    percent: Percent
    compounding: bool = Field(False, description="true: each step multiplies the last; false: each adds percent of the placement")
    cap: DatedMoney | None = None
    minimum: DatedMoney | None = None
    max_steps: Count | None = None


class Schedule(Cited):
    """A salary schedule adopted for the school years from its date on."""

    kind: Literal["grid", "index", "growth"]
    lanes: list[str]
    rows: list[Row]
    base: Money | None = Field(None, description="index schedules: the amount at index 1.0000")
    growth: GrowthRule | None = Field(None, description="growth schedules: the percent step and cap")

    @model_validator(mode="after")
    def _shape(self) -> "Schedule":
        if len(set(self.lanes)) != len(self.lanes):
            raise ValueError("expected each lane once in lanes")
        cells = "index" if self.kind == "index" else "amounts"
        if self.kind == "index" and self.base is None:
            raise ValueError("an index schedule needs base: the amount at index 1.0000")
        if self.kind == "growth" and self.growth is None:
            raise ValueError("a growth schedule needs growth: {percent, cap}")
        if self.kind != "growth" and self.growth is not None:
            raise ValueError("growth: is only for kind: growth")
        seen: list[Row] = []
        ended: set[int] = set()
        for number, row in enumerate(self.rows):
            for other in seen:
                if other.last is None or (row.first <= (other.last) and other.first <= (row.last or 10**6)):
                    raise ValueError(f"rows[{number}]: step {row.step} overlaps step {other.step}")
            if seen and row.first < seen[-1].first:
                raise ValueError(f"rows[{number}]: steps must go down the schedule in order")
            seen.append(row)
            values = getattr(row, cells)
            other_cells = row.index if cells == "amounts" else row.amounts
            if other_cells is not None:
                raise ValueError(f"rows[{number}]: a {self.kind} schedule holds {cells}, not {'index' if cells == 'amounts' else 'amounts'}")
            if row.reserved:
                if values is not None:
                    raise ValueError(f"rows[{number}]: a reserved step has no {cells}")
                continue
            if values is None or len(values) != len(self.lanes):
                got = 0 if values is None else len(values)
                raise ValueError(f"rows[{number}]: step {row.step}: expected {len(self.lanes)} {cells}, one per lane, got {got}")
            for col, value in enumerate(values):
                if value is None:
                    ended.add(col)
                elif col in ended:
                    raise ValueError(f"rows[{number}]: step {row.step}: lane {self.lanes[col]} has an empty cell above this one, "
                                     "but only a lane's last steps may be left empty (a ragged lane)")
        if not any(not r.reserved for r in self.rows):
            raise ValueError("expected at least one row with amounts")
        return self

    def row_for(self, step: int) -> Row | None:
        """The row that covers a step, or None."""
        for row in self.rows:
            if row.covers(step):
                return row
        return None

    @property
    def first_step(self) -> int:
        return min(r.first for r in self.rows if not r.reserved)

    def last_step(self, lane: str) -> int:
        """The last step a lane reaches (earlier for a ragged lane); open bands count as their first step."""
        col = self.lanes.index(lane)
        last = self.first_step
        for row in self.rows:
            cells = row.index if self.kind == "index" else row.amounts
            if not row.reserved and cells[col] is not None:
                last = max(last, row.last if row.last is not None else row.first)
        return last


# --- credit ---------------------------------------------------------------------------


class MicroCredentialRule(Cited):
    """What a micro-credential is worth and how it may count."""

    counts_toward: Literal["lanes", "growth_steps", "stipend_only"] = "lanes"
    credit_hours_each: Hours = Field(Decimal(0), description="graduate-equivalent semester hours per micro-credential")
    cpe_hours_each: Hours = Field(Decimal(0), description="continuing education hours per micro-credential")
    per_growth_step: Count | None = Field(None, description="micro-credentials that make one growth step")
    max_growth_steps: Count | None = None
    combine_with_other_credit: bool = True
    statuses_counted: list[Literal["submitted", "granted", "denied"]] = ["granted"]


class Conversion(Cited):
    """Other learning turned into semester hours: `per_credit` units make one hour."""

    kind: CreditKind
    per_credit: Annotated[Decimal, Field(gt=0)]
    whole_credits_only: bool = False


class Counting(Cited):
    """Limits on what counts and when."""

    min_micro_credentials_per_year: Count = 0
    max_micro_credentials_per_year: Count | None = None
    max_credits_per_year: Hours | None = None
    look_back_years: Count | None = Field(None, description="credit older than this does not count")
    credit_expires_after_years: Count | None = None
    credit_used_once: bool = True
    lane_changes_per_year: Count | None = None
    credit_hours_per_growth_step: Count | None = None
    requires_pre_approval: bool = False


class Window(Cited):
    """A submission window: filed by the deadline, effective from a date, paid for a share of the year."""

    id: str
    name: str
    deadline: MonthDay
    effective: MonthDay
    share_of_year: Annotated[Decimal, Field(gt=0, le=1)] = Decimal(1)


class StepRules(Cited):
    """How teachers move down the schedule."""

    hiring_step: Count = 1
    advance_per_year: Count = 1
    max_step: Count | None = None
    freeze_years: list[Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]] = []


# --- additions and roles -----------------------------------------------------------------


class Eligibility(Strict):
    """Who an addition applies to; every condition given must hold."""

    bands: list[int | str] | None = None
    subjects: list[str] | None = None
    degrees: list[Degree] | None = None
    certifications: list[str] | None = None
    certified: bool | None = None
    roles: list[str] | None = None
    min_years: Count | None = None


class Addition(Cited):
    """Pay on top of (or taken from) base salary."""

    id: str
    name: str
    kind: Literal["flat", "percent", "per_micro_credential", "longevity", "deduction"]
    amount: DatedMoney | None = None
    percent: DatedPercent | None = None
    of_lane: str | None = Field(None, description="percent additions: the lane whose schedule amount is the base")
    per_year_cap: Count | None = Field(None, description="per-micro-credential additions: at most this many a year")
    at_years: list[Count] | None = Field(None, description="longevity: years of service at which it is earned")
    cumulative: bool = Field(True, description="longevity: each threshold reached adds the amount")
    group: str | None = Field(None, description="additions in one group do not stack: the largest applies")
    eligibility: Eligibility = Eligibility()

    @model_validator(mode="after")
    def _needs(self) -> "Addition":
        if self.kind == "percent":
            if self.percent is None or self.of_lane is None:
                raise ValueError("a percent addition needs percent and of_lane")
        elif self.amount is None:
            raise ValueError(f"a {self.kind} addition needs amount")
        if self.kind == "longevity" and not self.at_years:
            raise ValueError("a longevity addition needs at_years")
        return self


class Stack(Strict):
    """A named stack of micro-credentials: `count` of the listed catalog ids."""

    name: str
    achievements: list[str]
    count: Count = 1


class RatingRule(Strict):
    """An evaluation rating at or above `minimum` within the last `within_years`."""

    minimum: str
    within_years: Count = 1


class Role(Cited):
    """A teacher-leader role: who is eligible, and its supplement."""

    id: str
    name: str
    min_years: Count = 0
    rating: RatingRule | None = None
    micro_credentials: Count = 0
    stacks: list[Stack] = []
    supplement: DatedMoney = Decimal(0)


# --- pay and budget ------------------------------------------------------------------------


class Rounding(Cited):
    """How and where the district rounds: computed schedule cells and each pay line."""

    unit: Literal["0.01", "1"] = "0.01"
    mode: Literal["half_up", "half_even", "down", "up"] = "half_up"

    @property
    def quantum(self) -> Decimal:
        return Decimal(self.unit) if self.unit == "1" else CENT


class Pay(Cited):
    """Pay arithmetic: contract days for daily rates and partial years, and rounding."""

    contract_days: Annotated[int, Field(gt=0, le=366)] = 187
    cells: Rounding = Rounding()
    lines: Rounding = Rounding()


class Fica(Strict):
    """Social Security and Medicare on pay, where the district pays them."""

    enabled: bool = True
    rate: Percent = Decimal("7.65")


class Budget(Cited):
    """Finance's defaults: benefit rates, COLA and attrition."""

    fica: Fica = Fica()
    retirement_rate: DatedPercent = Decimal(0)
    health_per_head: DatedMoney = Decimal(0)
    cola_percent: Percent = Decimal(0)
    attrition_percent: Percent = Decimal(8)
    retiree_share_percent: Percent = Decimal(28)
    micro_credential_uptake_percent: Percent = Decimal(10)
    ratings: list[str] = ["ineffective", "developing", "effective", "highly_effective"]


class Review(Cited):
    """Who decides: how many HR reviewers each kind of request needs, and what a verified badge does by itself."""

    reviewers: dict[Literal["lane_change", "growth_step", "role"], Annotated[int, Field(ge=1, le=9)]] = Field(
        {}, description="distinct HR approvals a request needs (a committee); 1 when not given")
    verified_badges_grant: bool = Field(
        False, description="true: a verified badge from a trusted issuer, made out to the teacher, is granted credit "
                           "without an HR decision; false: it is recorded as submitted and informs HR's decision")

    def needed(self, kind: str) -> int:
        return self.reviewers.get(kind, 1)


# --- the whole file ----------------------------------------------------------------------------


class DistrictRules(Strict):
    """Everything one district's rule file says."""

    district: District
    lanes: list[Lane]
    schedules: dict[date, Schedule]
    micro_credentials: MicroCredentialRule = MicroCredentialRule()
    conversions: list[Conversion] = []
    counting: Counting = Counting()
    submission_windows: list[Window] = []
    steps: StepRules = StepRules()
    additions: list[Addition] = []
    roles: list[Role] = []
    pay: Pay = Pay()
    budget: Budget = Budget()
    review: Review = Review()
    trusted_issuers: list[TrustedIssuer] = []
    credential_catalog: list[CatalogEntry] = []

    @model_validator(mode="after")
    def _references(self) -> "DistrictRules":
        lane_ids = [lane.id for lane in self.lanes]
        if len(set(lane_ids)) != len(lane_ids):
            raise ValueError("expected each lane id once in lanes")
        problems = []
        for start, schedule in self.schedules.items():
            for name in schedule.lanes:
                if name not in lane_ids:
                    problems.append(f"schedules.{start}.lanes: lane {name!r} is not defined in lanes ({', '.join(lane_ids)})")
        for i, addition in enumerate(self.additions):
            if addition.of_lane and addition.of_lane not in lane_ids:
                problems.append(f"additions[{i}].of_lane: lane {addition.of_lane!r} is not defined in lanes")
        ratings = self.budget.ratings
        for i, role in enumerate(self.roles):
            if role.rating and role.rating.minimum not in ratings:
                problems.append(f"roles[{i}].rating.minimum: expected one of {ratings}, got {role.rating.minimum!r}")
        for i, year in enumerate(self.steps.freeze_years):
            try:
                SchoolYear.from_label(year)
            except ValueError as exc:
                problems.append(f"steps.freeze_years[{i}]: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- look-ups the engine uses ---

    @property
    def id(self) -> str:
        return self.district.id

    def year(self, label: str) -> SchoolYear:
        """The district's school year for a label such as '2026-27'."""
        month, day = (int(p) for p in self.district.school_year_starts.split("-"))
        return SchoolYear.from_label(label, month, day)

    def lane(self, lane_id: str) -> Lane:
        for lane in self.lanes:
            if lane.id == lane_id:
                return lane
        raise KeyError(lane_id)

    def adopted_schedule(self, school_year: SchoolYear) -> tuple[date, Schedule] | None:
        """The schedule adopted for a school year: the latest one dated on or before its start."""
        found = None
        for start in sorted(self.schedules):
            if start <= school_year.start:
                found = (start, self.schedules[start])
        return found

    def school_years(self) -> list[str]:
        """The school years that have an adopted schedule, oldest first."""
        month, day = (int(p) for p in self.district.school_year_starts.split("-"))
        return [SchoolYear.containing(start, month, day).label for start in sorted(self.schedules)]

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)
