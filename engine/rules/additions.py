"""A rule file's additions (stipends, percent additions, longevity, deductions) and teacher-leader roles:
who each applies to and what it pays. Part of the typed model (`engine.rules.model`)."""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from engine.rules.values import Cited, Count, DatedMoney, DatedPercent, Degree, Strict

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
    pensionable: bool = Field(True, description="retirement is paid on it (the state's retirement system says)")
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
    pensionable: bool = Field(True, description="retirement is paid on the supplement")
