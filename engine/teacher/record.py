"""A teacher's record as the engine sees it: placements HR set, the credit ledger, approved
changes and evaluations. Every view builds one of these (from the database, from a roster row,
or from the estimate's options) and asks the engine for the teacher's state; none recounts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from decimal import Decimal

from engine.money import ONE, ZERO
from engine.rules import DistrictRules
from engine.school_year import SchoolYear

MICRO_CREDENTIAL = "micro_credential"


@dataclass(frozen=True)
class PlacementRecord:
    """Where HR placed a teacher at the start of a school year (what the roster or HR entered)."""

    school_year: str
    step: int
    lane: str
    fte: Decimal = ONE
    degree: str | None = None
    band: str | None = None
    years_of_service: int | None = None


@dataclass(frozen=True)
class CreditItem:
    """One item of the credit ledger: a micro-credential, graduate credit, PD or CPE hours.

    `status` is the district's vocabulary (submitted, granted, denied); `school_year` is the
    year it counts for; `used` is how much of `amount` approved requests have used already.
    `pending` marks credit filed with the request being judged: the decision grants it.
    """

    id: int | None
    kind: str
    amount: Decimal
    status: str
    school_year: str
    earned_on: date | None = None
    title: str = ""
    used: Decimal = ZERO
    achievement_id: str | None = None
    pending: bool = False

    @property
    def unused(self) -> Decimal:
        return self.amount - self.used

    @property
    def label(self) -> str:
        return self.title or self.kind.replace("_", " ")


@dataclass(frozen=True)
class ApprovedChange:
    """An approved request's effect: from `effective`, the lane, growth steps or role it gives."""

    request_id: int | None
    kind: str
    effective: date
    share_of_year: Decimal = ONE
    new_lane: str | None = None
    new_growth_steps: int | None = None
    new_micro_credential_growth_steps: int | None = None
    role: str | None = None


@dataclass(frozen=True)
class Opening:
    """What a teacher held before the ledger starts (an estimate's options, a roster row)."""

    micro_credentials: int = 0
    growth_steps: int = 0
    credit_hours: Decimal = ZERO


@dataclass(frozen=True)
class TeacherRecord:
    """Everything the rules need to place and pay one teacher over the years."""

    placements: tuple[PlacementRecord, ...]
    credits: tuple[CreditItem, ...] = ()
    changes: tuple[ApprovedChange, ...] = ()
    ratings: tuple[tuple[str, str], ...] = ()
    hire_date: date | None = None
    subjects: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    certified: bool = True
    opening: Opening = field(default_factory=Opening)
    held_achievements: tuple[str, ...] = ()

    @cached_property
    def _placements_in_order(self) -> tuple[PlacementRecord, ...]:
        return tuple(sorted(self.placements, key=lambda p: p.school_year))

    def placement_on_or_before(self, school_year: SchoolYear) -> PlacementRecord | None:
        """HR's latest placement at or before a school year."""
        found = None
        for placement in self._placements_in_order:
            if placement.school_year <= school_year.label:
                found = placement
        return found

    @property
    def first_placement(self) -> PlacementRecord:
        return self._placements_in_order[0]

    @cached_property
    def achievements(self) -> tuple[str, ...]:
        earned = {c.achievement_id for c in self.credits if c.achievement_id and c.status == "granted"}
        return tuple(sorted(earned | set(self.held_achievements)))


def service_years(rules: DistrictRules, record: TeacherRecord, school_year: SchoolYear, step: int) -> int:
    """Years of service at the start of a school year, one rule for every view:

    the years HR entered on a placement, advanced one a year since; else whole years
    since the hire date; else the step (a teacher placed by experience)."""
    placement = record.placement_on_or_before(school_year)
    if placement is not None and placement.years_of_service is not None:
        elapsed = school_year.start.year - rules.year(placement.school_year).start.year
        return placement.years_of_service + elapsed
    if record.hire_date is not None:
        start, hired = school_year.start, record.hire_date
        return max(0, start.year - hired.year - ((start.month, start.day) < (hired.month, hired.day)))
    return step
