"""A projection's results: each year's sums, their benefits and totals, the JSON a page shows, and the
Monte Carlo bands."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from engine.budget.projection.arithmetic import from_units, heads, money, percent_of, round_half_up
from engine.budget.scenario import Assumptions
from engine.rules import DistrictRules


@dataclass
class YearSums:
    """One school year's sums: money in cents, heads in `unit`ths of a teacher (one column per draw)."""

    school_year: str
    unit: int
    headcount: np.ndarray
    fte_hundredths: np.ndarray
    base: np.ndarray
    additions: dict[str, np.ndarray]
    one_time_additions: np.ndarray
    roles: np.ndarray
    role_holders: np.ndarray
    participants: np.ndarray
    micro_credentials: np.ndarray
    program: np.ndarray
    leavers: np.ndarray
    retirees: np.ndarray
    hires: np.ndarray
    over_wage_base: np.ndarray | None = None   # pay above Social Security's wage base, summed over teachers
    one_time_payments: np.ndarray | None = None       # a proposal's off-schedule payments this year
    one_time_pensionable: np.ndarray | None = None    # the part of them retirement is paid on
    roles_not_pensionable: np.ndarray | None = None   # supplements of held roles retirement is not paid on


# Every array a year's sums hold, as workers store and combine them.
ARRAY_FIELDS = ("headcount", "fte_hundredths", "base", "one_time_additions", "roles", "role_holders", "participants",
                "micro_credentials", "program", "leavers", "retirees", "hires", "over_wage_base", "one_time_payments",
                "one_time_pensionable", "roles_not_pensionable")


COMPONENTS = ("base_pay", "additions", "role_supplements", "one_time_payments", "social_security", "medicare",
              "retirement", "health", "program_cost")


def finish(rules: DistrictRules, assumptions: Assumptions, sums: YearSums) -> dict[str, np.ndarray]:
    """Benefits, totals, one-time and recurring cost for a year's sums, all int64 cents per draw."""
    year = rules.year(sums.school_year)
    additions = sum(sums.additions.values(), np.zeros_like(sums.base))
    zero = np.zeros_like(sums.base)
    payments = sums.one_time_payments if sums.one_time_payments is not None else zero
    pensionable = sums.one_time_pensionable if sums.one_time_pensionable is not None else zero
    pay = sums.base + additions + sums.roles + payments
    ss_rate, medicare_rate = assumptions.social_security_percent, assumptions.medicare_percent
    retirement_rate = assumptions.retirement_in(rules, year)
    health = round_half_up(assumptions.health_in(rules, year) * 100)
    over = sums.over_wage_base if sums.over_wage_base is not None else np.zeros_like(pay)
    social_security = percent_of(pay - over, ss_rate)
    medicare = percent_of(pay, medicare_rate)
    fica = social_security + medicare
    # Retirement is paid on pensionable pay: not on additions or role supplements the rules say are not
    # pensionable, nor on one-time payments unless the proposal says they are.
    not_pensionable = sum((sums.additions[a.name] for a in rules.additions if not a.pensionable and a.name in sums.additions),
                          zero) + (sums.roles_not_pensionable if sums.roles_not_pensionable is not None else zero)
    retirement = percent_of(pay - payments + pensionable - not_pensionable, retirement_rate)
    pensionable_stipends = sum((sums.additions[a.name] for a in rules.additions
                                if a.kind == "per_micro_credential" and a.pensionable and a.name in sums.additions), zero)
    health_total = from_units(sums.headcount * health, sums.unit)
    one_time = sums.one_time_additions + percent_of(sums.one_time_additions, ss_rate) \
        + percent_of(sums.one_time_additions, medicare_rate) + percent_of(pensionable_stipends, retirement_rate) \
        + sums.program + payments + percent_of(payments, ss_rate) + percent_of(payments, medicare_rate) \
        + percent_of(pensionable, retirement_rate)
    # The cost of 1% on the schedule: 1% of base pay, with its Social Security, Medicare and retirement.
    one_percent = percent_of(sums.base, Decimal(1))
    cost_of_one_percent = one_percent + percent_of(one_percent, ss_rate) + percent_of(one_percent, medicare_rate) \
        + percent_of(one_percent, retirement_rate)
    total = pay + fica + retirement + health_total + sums.program
    return {"base_pay": sums.base, "additions": additions, "role_supplements": sums.roles, "one_time_payments": payments,
            "cost_of_one_percent": cost_of_one_percent, "pay": pay,
            "social_security": social_security, "medicare": medicare, "fica": fica,
            "retirement": retirement, "health": health_total, "benefits": fica + retirement + health_total,
            "program_cost": sums.program, "total": total, "one_time": one_time, "recurring": total - one_time}


def year_result(rules: DistrictRules, assumptions: Assumptions, sums: YearSums, draw: int = 0) -> dict:
    """One school year of a projection as JSON: Decimal strings for money."""
    figures = finish(rules, assumptions, sums)
    pick = lambda array: int(array[draw])  # noqa: E731
    return {
        "school_year": sums.school_year,
        "headcount": heads(pick(sums.headcount), sums.unit),
        "fte": heads(pick(sums.fte_hundredths), sums.unit * 100),
        **{name: heads(pick(getattr(sums, name)), sums.unit)
           for name in ("participants", "micro_credentials", "role_holders", "leavers", "retirees", "hires")},
        "base_pay": money(pick(sums.base)),
        **{name: money(pick(figures[name])) for name in ("additions", "role_supplements", "one_time_payments", "pay",
                                                        "cost_of_one_percent", "social_security",
                                                        "medicare", "fica", "retirement",
                                                        "health", "benefits", "program_cost", "total", "one_time", "recurring")},
        "additions_by_kind": {name: money(pick(values)) for name, values in sums.additions.items()},
    }


@dataclass
class Projection:
    """A projection's years: expected values, and Monte Carlo bands when draws were asked for."""

    district_id: str
    scenario: str
    years: list[dict]
    sums: list[YearSums] = field(repr=False, default_factory=list)
    draws: int = 0
    seed: int | None = None
    totals_by_draw: np.ndarray | None = field(repr=False, default=None)   # years x draws, cents
    bands: list[dict] = field(default_factory=list)
    groups: int = 0
    seconds: float = 0.0
    pieces: list[dict] = field(default_factory=list)   # by unit and funding source, where the roster has several

    def to_json(self) -> dict:
        return {"district": self.district_id, "scenario": self.scenario, "years": self.years, "draws": self.draws,
                "seed": self.seed, "bands": self.bands, "groups": self.groups, "pieces": self.pieces}



def bands(labels: list[str], totals: np.ndarray) -> list[dict]:
    """Median and 5th/95th percentile of total cost per year (each an actual draw, in cents)."""
    out = []
    for label, row in zip(labels, totals):
        p5, p50, p95 = np.percentile(row, [5, 50, 95], method="inverted_cdf")
        out.append({"school_year": label, "p5": money(p5), "median": money(p50), "p95": money(p95)})
    return out
