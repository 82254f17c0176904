"""A rule file's lanes and how teachers move across and down them: the degree and credit each lane asks,
what a micro-credential is worth, other learning turned into credit, limits on what counts and when,
submission windows and step rules. Part of the typed model (`engine.rules.model`)."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from engine.rules.values import Cited, Count, CreditKind, Degree, Hours, Memo, MonthDay, Strict

# --- lanes and schedules -------------------------------------------------------------


class Requirement(Strict):
    """A degree and the semester hours of credit beyond it."""

    degree: Degree
    credits: Count = 0


class Lane(Cited, Memo):
    """A column of the salary schedule, earned by a degree and credit beyond it."""

    id: str
    name: str | None = None
    degree: Degree
    credits: Count = Field(0, description="semester hours beyond the degree")
    equivalent: list[Requirement] = Field([], description="other ways to qualify, e.g. bachelor + 30 micro-credential hours for a master's lane")

    @property
    def label(self) -> str:
        return self.name or self.id


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


class Window(Cited, Memo):
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
