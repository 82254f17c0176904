"""A teacher's pay now and year by year, from the estimate's options (the public estimator, the
API and `flask estimate`): the options become a teacher record and the record is walked by the
same function as every other view (`engine.teacher.state.walk`)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import ONE, ZERO, money_str
from engine.pay.cells import cell_amount
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.record import MICRO_CREDENTIAL, CreditItem, Opening, PlacementRecord, TeacherRecord
from engine.teacher.state import Walk, YearPay, walk, window_for


@dataclass(frozen=True)
class PlanYear:
    """What a teacher plans to earn in one school year, and the window it is filed in."""

    micro_credentials: int = 0
    credits: Decimal = ZERO
    window: str | None = None


@dataclass(frozen=True)
class EstimateInput:
    """A teacher's placement, what they hold and what they plan: the estimate's options."""

    school_year: str
    step: int
    lane: str
    micro_credentials: int = 0
    credits: Decimal = ZERO
    years: int = 10
    fte: Decimal = ONE
    degree: str | None = None
    band: str | None = None
    years_of_service: int | None = None
    subjects: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    certified: bool = True
    role: str | None = None
    growth_steps: int = 0
    micro_credentials_held: int = 0
    ratings: tuple[tuple[str, str], ...] = ()
    achievements: tuple[str, ...] = ()
    plan: tuple[tuple[str, PlanYear], ...] = ()
    window: str | None = None
    days_worked: int | None = None

    def plan_for(self, label: str) -> PlanYear:
        for year, entry in self.plan:
            if year == label:
                return entry
        return PlanYear()


@dataclass
class Estimate:
    """Pay now and over the years, as the page, the API and the CLI show it."""

    rules: DistrictRules
    timeline: list[YearPay]
    fte: Decimal = ONE

    @property
    def now(self) -> YearPay:
        return self.timeline[0]

    @property
    def career_total(self) -> Decimal:
        return sum((year.total for year in self.timeline), ZERO)

    @property
    def illustrative(self) -> bool:
        """True when any value behind any figure is illustrative (made up, not the district's)."""
        return self.rules.district.illustrative or any(year.illustrative for year in self.timeline)

    def to_json(self) -> dict:
        timeline = [year.to_json() for year in self.timeline]
        now = timeline[0]  # the first year's figures, shown on top as well (worked out once)
        return {
            "district": self.rules.id,
            "district_name": self.rules.district.name,
            "school_year": now["school_year"],
            "step": now["step"],
            "lane": now["lane"],
            "growth_steps": now["growth_steps"],
            "fte": str(self.fte),
            "base_salary": now["base_salary"],
            "additions": now["additions"],
            "total": now["total"],
            "explanation": now["explanation"],
            "not_applied": now["not_applied"],
            "years": len(self.timeline),
            "total_over_years": money_str(self.career_total),
            "assumed_years": [y.school_year.label for y in self.timeline if y.assumed],
            "illustrative": self.illustrative,
            "timeline": timeline,
        }


def record_from_inputs(rules: DistrictRules, inputs: EstimateInput) -> TeacherRecord:
    """The teacher record the options describe: one placement, what is held, and the plan as planned credit."""
    first = rules.year(inputs.school_year)
    credits: list[CreditItem] = []

    def planned(label: str, micro_credentials: int, hours: Decimal) -> None:
        if micro_credentials:
            credits.append(CreditItem(-len(credits) - 1, MICRO_CREDENTIAL, Decimal(micro_credentials), "planned", label,
                                      title=f"{micro_credentials} micro-credential(s) planned"))
        if hours:
            credits.append(CreditItem(-len(credits) - 1, "graduate_credit", Decimal(hours), "planned", label,
                                      title=f"{hours} credit hours planned"))

    planned(first.label, inputs.micro_credentials, Decimal(inputs.credits))
    shown = _shown(first, inputs) if inputs.plan else set()
    for label, entry in inputs.plan:
        if label in shown:  # a plan for a year the timeline does not show changes nothing it shows
            planned(label, entry.micro_credentials, Decimal(entry.credits))
    placement = PlacementRecord(first.label, inputs.step, inputs.lane, inputs.fte, inputs.degree, inputs.band,
                                inputs.years_of_service)
    return TeacherRecord(
        placements=(placement,), credits=tuple(credits), ratings=tuple(inputs.ratings),
        subjects=tuple(inputs.subjects), certifications=tuple(inputs.certifications), certified=inputs.certified,
        opening=Opening(inputs.micro_credentials_held, inputs.growth_steps), held_achievements=tuple(inputs.achievements))


def _shown(first: SchoolYear, inputs: EstimateInput) -> set[str]:
    """The school years the timeline shows (a plan for any other year changes nothing it shows)."""
    return {first.plus(k).label for k in range(inputs.years)}


def check_inputs(rules: DistrictRules, inputs: EstimateInput) -> None:
    """Refuse options the rules cannot place, with a clear message."""
    if inputs.years < 1 or inputs.years > 50:
        raise RuleInputError("years must be between 1 and 50")
    if inputs.fte <= 0 or inputs.fte > 1:
        raise RuleInputError("FTE must be more than 0 and at most 1")
    if inputs.days_worked is not None and not 0 < inputs.days_worked <= rules.pay.contract_days:
        raise RuleInputError(f"days worked must be between 1 and the {rules.pay.contract_days} contract days")
    try:
        rules.lane(inputs.lane)
    except KeyError:
        raise RuleInputError(f"unknown lane {inputs.lane!r} (lanes: {', '.join(l.id for l in rules.lanes)})") from None
    cell_amount(rules, rules.year(inputs.school_year), inputs.step, inputs.lane)  # the starting cell exists
    window_for(rules, inputs.window)
    for _, entry in inputs.plan:
        window_for(rules, entry.window)


def estimate(rules: DistrictRules, inputs: EstimateInput) -> Estimate:
    """The year-by-year pay of a teacher over `inputs.years` school years, starting with this one.

    What a teacher earns in a school year is filed in a submission window; it takes effect
    from the window's effective date, which may fall in the next school year (Dysart:
    filed by the last day of school, effective the next July 1).
    """
    check_inputs(rules, inputs)
    record = record_from_inputs(rules, inputs)
    plan_first = rules.year(inputs.school_year)
    windows = [(inputs.school_year, inputs.window)] if inputs.window else []
    if inputs.plan:
        shown = _shown(plan_first, inputs)
        windows += [(label, entry.window) for label, entry in inputs.plan if entry.window and label in shown]
    plan = Walk(rules.year(inputs.school_year), inputs.years, windows=tuple(windows), aim_role=inputs.role,
                days_worked=inputs.days_worked)
    return Estimate(rules, walk(rules, record, plan), inputs.fte)
