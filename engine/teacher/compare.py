"""One career path through every district: pay by year, career earnings, and each district's headline figures.

What public lifetime-earnings tools do: a teacher picks a path (degree, credit earned
over the years, micro-credentials), starts at each district's hiring step in the lane
their degree earns, and the same estimate the rest of Lanewise uses runs in every
district side by side. Each district's headline: starting pay, top pay on its
schedule, years to the top of the path's lane, and 30-year earnings.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.errors import RuleInputError
from engine.money import ZERO, money_str
from engine.pay.cells import effective_step, schedule_for, step_cap
from engine.pay.credit import earned_lane
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.estimate import EstimateInput, PlanYear, estimate

HEADLINE_YEARS = 30


@dataclass(frozen=True)
class CareerPath:
    """A teacher's path: the degree they start with, what they earn a year and for how long, and the years shown."""

    degree: str = "bachelor"
    years: int = HEADLINE_YEARS
    credits_per_year: Decimal = ZERO
    credit_years: int = 0
    micro_credentials_per_year: int = 0
    micro_credential_years: int = 0
    school_year: str | None = None  # the first year; default: the latest year any district has adopted

    def to_json(self) -> dict:
        return {"degree": self.degree, "years": self.years, "credits_per_year": str(self.credits_per_year),
                "credit_years": self.credit_years, "micro_credentials_per_year": self.micro_credentials_per_year,
                "micro_credential_years": self.micro_credential_years}


class CareerOptions(BaseModel):
    """A career path as the compare page and API take it; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    degree: Literal["none", "bachelor", "master", "specialist", "doctorate"] = "bachelor"
    years: Annotated[int, Field(ge=1, le=40, description="years of the career to show")] = HEADLINE_YEARS
    credits_per_year: Annotated[Decimal, Field(ge=0, le=30, description="semester hours earned each year")] = ZERO
    credit_years: Annotated[int, Field(ge=0, le=40, description="for how many years, from the first")] = 0
    micro_credentials_per_year: Annotated[int, Field(ge=0, le=20)] = 0
    micro_credential_years: Annotated[int, Field(ge=0, le=40)] = 0
    school_year: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")] | None = None
    district: Annotated[str, Field(max_length=64)] | None = Field(None, description="a district to rank against the others")

    def to_path(self) -> CareerPath:
        return CareerPath(self.degree, self.years, self.credits_per_year, self.credit_years,
                          self.micro_credentials_per_year, self.micro_credential_years, self.school_year)


def first_year(districts: dict[str, DistrictRules], path: CareerPath) -> SchoolYear:
    """The path's first school year: as asked, or the latest any district has adopted a schedule for."""
    if path.school_year:
        return SchoolYear.from_label(path.school_year)
    return max(SchoolYear.from_label(rules.school_years()[-1]) for rules in districts.values())


def district_career(rules: DistrictRules, path: CareerPath, start: SchoolYear) -> dict:
    """The path in one district: where it starts, pay by year, and the headline figures (or why it cannot be placed)."""
    summary = {"district": rules.id, "name": rules.district.name, "state": rules.district.state,
               "illustrative": rules.district.illustrative}
    try:
        year = rules.year(start.label)
        schedule, _, _ = schedule_for(rules, year)
        lane = earned_lane(rules, year, path.degree, ZERO)
        step = rules.steps.hiring_step
        if not schedule.can_sit(step, lane.id):
            step = next(s for s in range(schedule.first_step, step_cap(rules, schedule, lane.id) + 1)
                        if schedule.can_sit(s, lane.id))
        plan = []
        for k in range(path.years):
            credits = path.credits_per_year if k < path.credit_years else ZERO
            micro_credentials = path.micro_credentials_per_year if k < path.micro_credential_years else 0
            if credits or micro_credentials:
                plan.append((year.plus(k).label, PlanYear(micro_credentials, credits)))
        result = estimate(rules, EstimateInput(school_year=year.label, step=step, lane=lane.id, degree=path.degree,
                                               years=path.years, years_of_service=0, plan=tuple(plan)))
    except (RuleInputError, ValueError, KeyError, StopIteration) as exc:
        summary["error"] = f"this path cannot be placed: {exc}"
        return summary
    timeline = result.timeline
    top_step = schedule.last_step(lane.id)
    reached = next((k for k, pay in enumerate(timeline) if _at_top(rules, pay)), None)
    headline = timeline[:HEADLINE_YEARS]
    summary.update({
        "start": {"school_year": year.label, "lane": lane.id, "step": schedule.label_of(step)},
        "starting_pay": money_str(timeline[0].total),
        "top_pay": money_str(max(_schedule_amounts(rules, year))),
        "top_of_lane": {"lane": lane.id, "step": schedule.label_of(top_step)},
        "years_to_top": reached,
        "earnings": money_str(result.career_total),
        "earnings_30_years": money_str(sum((p.total for p in headline), ZERO)) if len(timeline) >= HEADLINE_YEARS else None,
        "final_lane": timeline[-1].placement.lane,
        "assumed_years": sum(1 for p in timeline if p.assumed),
        "timeline": [{"school_year": p.school_year.label, "step": p.placement.step, "lane": p.placement.lane,
                      "total": money_str(p.total), "cumulative": money_str(p.cumulative), "assumed": p.assumed}
                     for p in timeline],
    })
    return summary


def _at_top(rules: DistrictRules, pay) -> bool:
    """Whether a year's pay comes from the last cell of the teacher's lane (more years add no step)."""
    schedule, _, _ = schedule_for(rules, pay.school_year)
    lane = pay.placement.lane
    return effective_step(schedule, lane, pay.placement.step) >= schedule.last_step(lane)


def _schedule_amounts(rules: DistrictRules, year: SchoolYear) -> list[Decimal]:
    """Every filled cell's amount on the schedule in force."""
    from engine.pay.cells import cell_amount

    schedule, _, _ = schedule_for(rules, year)
    amounts = []
    for row in schedule.rows:
        if row.reserved:
            continue
        for lane, value in zip(schedule.lanes, row.cells(schedule.kind)):
            if value is not None:
                amounts.append(cell_amount(rules, year, row.first, lane).amount)
    return amounts


def compare_districts(districts: dict[str, DistrictRules], path: CareerPath, focus: str | None = None) -> dict:
    """The path in every district, highest career earnings first; with `focus`, how that district ranks."""
    start = first_year(districts, path)
    careers = [district_career(rules, path, start) for _, rules in sorted(districts.items())]
    placed = sorted((c for c in careers if "error" not in c), key=lambda c: Decimal(c["earnings"]), reverse=True)
    answer = {"school_year": start.label, "path": path.to_json(),
              "districts": placed + [c for c in careers if "error" in c]}
    if focus is not None:
        answer["focus"] = _standing(placed, focus)
    return answer


def _standing(placed: list[dict], focus: str) -> dict | None:
    """Where one district stands among the others on each headline figure: its rank and its gap to the median."""
    mine = next((c for c in placed if c["district"] == focus), None)
    if mine is None:
        return None
    standing = {"district": focus, "of": len(placed)}
    for key, higher_is_better in (("starting_pay", True), ("top_pay", True), ("years_to_top", False),
                                  ("earnings_30_years", True), ("earnings", True)):
        values = [c[key] for c in placed if c[key] is not None]
        if mine[key] is None or not values:
            standing[key] = None
            continue
        numbers = sorted(Decimal(v) for v in values)
        middle = len(numbers) // 2
        median = numbers[middle] if len(numbers) % 2 else (numbers[middle - 1] + numbers[middle]) / 2
        value = Decimal(mine[key])
        better = sum(1 for v in numbers if (v > value if higher_is_better else v < value))
        gap = value - median
        standing[key] = {"rank": better + 1, "median": _text(key, median), "difference": _text(key, gap)}
    return standing


def _text(key: str, value: Decimal) -> str:
    return str(value.normalize()) if key == "years_to_top" else money_str(value)
