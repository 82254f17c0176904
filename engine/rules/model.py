"""The typed model of a district's rule file, validated by pydantic.

A rule file holds a district's pay rules: salary schedules keyed by the date
they take effect, lanes, conversions into credit, counting rules, submission
windows, step rules, additions, teacher-leader roles, pay arithmetic and
budget defaults. `district_rules/README.md` teaches the format.

The classes live by what they are about: lanes and credit (`engine.rules.lanes`), schedules
(`engine.rules.schedule`), additions and roles (`engine.rules.additions`), pay and budget
(`engine.rules.pay_and_budget`); bargaining units, review and the whole file are here, and every
name is the model's (and the `engine.rules` package's).
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from credentials.catalog import CatalogEntry, TrustedIssuer
from engine.rules.additions import Addition, Eligibility, RatingRule, Role, Stack
from engine.rules.lanes import Conversion, Counting, Lane, MicroCredentialRule, Requirement, StepRules, Window
from engine.rules.pay_and_budget import Budget, Fica, HealthTier, Pay, Rounding
from engine.rules.schedule import GrowthRule, Row, Schedule
from engine.rules.values import (
    DEGREES,
    STATUSES,
    Cited,
    Count,
    CreditKind,
    DatedMoney,
    DatedPercent,
    Degree,
    Hours,
    Memo,
    Money,
    MonthDay,
    Percent,
    Strict,
    dated_value,
    memo,
)
from engine.school_year import SchoolYear

MAIN_UNIT = "teachers"   # the bargaining unit a rule file's own lanes and schedules pay

__all__ = [
    "MAIN_UNIT",
    "Unit",
    "HealthTier",
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
    unit: str = Field("Teachers", description="the bargaining unit the file's lanes, schedules, additions and roles pay "
                                              "(its id is `teachers`); `units` holds the others")
    notes: str | None = None
    sources: dict[str, Source] = {}


# --- other bargaining units, and who decides ------------------------------------------------


class Unit(Strict):
    """A bargaining unit beside the teachers (counselors, nurses...): its own lanes, schedules, contract days,
    additions, roles and step rules; the rest (credit, windows, budget) is the district's."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: str
    lanes: list[Lane]
    schedules: dict[date, Schedule]
    additions: list[Addition] = []
    roles: list[Role] = []
    pay: Pay | None = None
    steps: StepRules | None = None
    micro_credentials: MicroCredentialRule | None = Field(None, description="empty: micro-credentials pay a stipend "
                                                                            "only, as the unit's additions say")


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


class DistrictRules(Strict, Memo):
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
    units: list[Unit] = Field([], description="other bargaining units, each with its own schedules")

    @field_validator("schedules", mode="before")
    @classmethod
    def _some_schedule(cls, value):
        if value is None or value == {}:
            raise ValueError("expected at least one schedule, keyed by the date it takes effect "
                             "(`flask rules import-grid` writes one from a published grid)")
        return value

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
        ids = [MAIN_UNIT] + [unit.id for unit in self.units]
        if len(set(ids)) != len(ids):
            problems.append(f"units: expected each unit id once, and none named {MAIN_UNIT!r} (the file's own lanes)")
        for i, unit in enumerate(self.units):
            unit_lanes = [lane.id for lane in unit.lanes]
            for start, schedule in unit.schedules.items():
                for name in schedule.lanes:
                    if name not in unit_lanes:
                        problems.append(f"units[{i}].schedules.{start}.lanes: lane {name!r} is not defined in the "
                                        f"unit's lanes ({', '.join(unit_lanes)})")
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
        cache = memo(self)
        found = cache.get("lanes")
        if found is None or found[0] is not self.lanes:
            found = cache["lanes"] = (self.lanes, {lane.id: lane for lane in self.lanes})
        return found[1][lane_id]

    def schedule_dates(self) -> list[date]:
        """The dates schedules were adopted, oldest first (sorted once)."""
        cache = memo(self)
        found = cache.get("dates")
        if found is None or found[0] is not self.schedules:
            found = cache["dates"] = (self.schedules, sorted(self.schedules))
        return found[1]

    def adopted_schedule(self, school_year: SchoolYear) -> tuple[date, Schedule] | None:
        """The schedule adopted for a school year: the latest one dated on or before its start."""
        dates = self.schedule_dates()
        found = bisect_right(dates, school_year.start)
        return (dates[found - 1], self.schedules[dates[found - 1]]) if found else None

    def school_years(self) -> list[str]:
        """The school years that have an adopted schedule, oldest first."""
        month, day = (int(p) for p in self.district.school_year_starts.split("-"))
        return [SchoolYear.containing(start, month, day).label for start in sorted(self.schedules)]

    @property
    def unit_ids(self) -> list[str]:
        """The district's bargaining units: the file's own (`teachers`) and those in `units`."""
        return [MAIN_UNIT] + [unit.id for unit in self.units]

    def unit_of(self, text: str | None) -> str | None:
        """A unit as a roster names it (its id or name, any case; empty: the teachers), or None when unknown."""
        wanted = (text or "").strip().casefold()
        if not wanted or wanted in (MAIN_UNIT, self.district.unit.casefold()):
            return MAIN_UNIT
        return next((u.id for u in self.units if wanted in (u.id, u.name.casefold())), None)

    def unit_name(self, unit_id: str) -> str:
        return self.district.unit if unit_id == MAIN_UNIT else next(u.name for u in self.units if u.id == unit_id)

    def for_unit(self, unit_id: str) -> "DistrictRules":
        """The rules one bargaining unit is paid by: its own lanes, schedules, additions, roles, pay and steps."""
        if unit_id == MAIN_UNIT:
            return self
        cache = memo(self).setdefault("units", {})
        if unit_id not in cache:
            unit = next((u for u in self.units if u.id == unit_id), None)
            if unit is None:
                raise KeyError(unit_id)
            update = {"lanes": unit.lanes, "schedules": unit.schedules, "additions": unit.additions, "roles": unit.roles,
                      "units": [], "district": self.district.model_copy(update={"unit": unit.name})}
            if unit.pay is not None:
                update["pay"] = unit.pay
            if unit.steps is not None:
                update["steps"] = unit.steps
            update["micro_credentials"] = unit.micro_credentials or MicroCredentialRule(counts_toward="stipend_only")
            cache[unit_id] = DistrictRules.model_validate(self.model_copy(update=update).model_dump())
        return cache[unit_id]

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)
