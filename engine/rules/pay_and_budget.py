"""A rule file's pay arithmetic (contract days, rounding) and finance's budget defaults (Social Security and
Medicare, retirement, health, COLA, attrition, uptake). Part of the typed model (`engine.rules.model`)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from engine.money import CENT
from engine.rules.values import Cited, DatedMoney, DatedPercent, Money, Percent, Strict

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
    """Social Security and Medicare on pay, each where the district pays it.

    Social Security (6.2%) stops at the wage base of the calendar year a school year starts in; Medicare (1.45%)
    has none. Many Texas districts stay outside Social Security but pay Medicare for staff hired after March 1986."""

    social_security: bool = True
    social_security_rate: Percent = Decimal("6.2")
    wage_base: DatedMoney = Field(
        {date(2025, 1, 1): Decimal("176100.00"), date(2026, 1, 1): Decimal("184500.00")},
        description="Social Security's wage base by the date it takes effect (SSA: $176,100 in 2025, $184,500 in 2026)")
    medicare: bool = True
    medicare_rate: Percent = Decimal("1.45")


class HealthTier(Strict):
    """A health plan tier: what the district pays a year for one enrolled employee, and the share who enrol in it."""

    name: str
    cost: Money
    share_percent: Percent


class Budget(Cited):
    """Finance's defaults: benefit rates, COLA and attrition."""

    fica: Fica = Fica()
    retirement_rate: DatedPercent = Decimal(0)
    health_per_head: DatedMoney = Decimal(0)
    health_tiers: list[HealthTier] = Field([], description="plan tiers (employee, employee + spouse, family...) with "
                                                           "the share enrolled in each; when given, a head's cost is "
                                                           "their weighted cost (the shares add up to 100 or less: "
                                                           "the rest waive)")
    health_trend_percent: Percent = Field(Decimal(0), description="health cost growth a year after the first projected year")
    cola_percent: Percent = Decimal(0)
    attrition_percent: Percent = Decimal(8)
    retiree_share_percent: Percent = Decimal(28)
    micro_credential_uptake_percent: Percent = Field(Decimal(10), description="share of teachers not yet earning "
                                                     "micro-credentials who start in a school year")
    micro_credential_persistence_percent: Percent | None = Field(
        None, description="share of last year's earners who earn again this year; empty: the uptake share (no memory)")
    ratings: list[str] = ["ineffective", "developing", "effective", "highly_effective"]
