"""A teacher's pay now and year by year: steps, planned micro-credentials and
credit landing in their windows, growth steps, lanes, additions and roles."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import ONE, ZERO, money_str
from engine.pay.additions import Line, Placement, addition_lines, role_check
from engine.pay.cells import cell_amount, lines_round, next_step, schedule_for, step_cap
from engine.pay.credit import (
    base_credits,
    earned_lane,
    lane_after_move,
    lanes_on,
    micro_credential_hours,
)
from engine.pay.windows import window_dates
from engine.rules import DistrictRules, Lane, Window, dated_value
from engine.school_year import SchoolYear


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
class YearPay:
    """Pay in one school year of a timeline."""

    school_year: SchoolYear
    placement: Placement
    base: Line
    additions: list[Line]
    assumed: bool
    events: list[str] = field(default_factory=list)
    cumulative: Decimal = ZERO

    @property
    def additions_total(self) -> Decimal:
        return sum((line.amount for line in self.additions), ZERO)

    @property
    def total(self) -> Decimal:
        return self.base.amount + self.additions_total

    def to_json(self) -> dict:
        return {
            "school_year": self.school_year.label,
            "step": self.placement.step,
            "lane": self.placement.lane,
            "growth_steps": self.placement.growth_steps,
            "base_salary": money_str(self.base.amount),
            "additions": [line.to_json() for line in self.additions],
            "additions_total": money_str(self.additions_total),
            "total": money_str(self.total),
            "cumulative": money_str(self.cumulative),
            "assumed": self.assumed,
            "explanation": [self.base.explanation] + [f"{l.name}: {l.explanation}" for l in self.additions] + self.events,
        }


@dataclass
class Estimate:
    """Pay now and over the years, as the page, the API and the CLI show it."""

    rules: DistrictRules
    inputs: EstimateInput
    timeline: list[YearPay]

    @property
    def now(self) -> YearPay:
        return self.timeline[0]

    @property
    def career_total(self) -> Decimal:
        return sum((year.total for year in self.timeline), ZERO)

    def to_json(self) -> dict:
        now = self.now
        return {
            "district": self.rules.id,
            "district_name": self.rules.district.name,
            "school_year": now.school_year.label,
            "step": now.placement.step,
            "lane": now.placement.lane,
            "growth_steps": now.placement.growth_steps,
            "fte": str(self.inputs.fte),
            "base_salary": money_str(now.base.amount),
            "additions": [line.to_json() for line in now.additions],
            "total": money_str(now.total),
            "explanation": now.to_json()["explanation"],
            "years": len(self.timeline),
            "total_over_years": money_str(self.career_total),
            "assumed_years": [y.school_year.label for y in self.timeline if y.assumed],
            "illustrative": self.rules.district.illustrative,
            "timeline": [year.to_json() for year in self.timeline],
        }


def window_for(rules: DistrictRules, window_id: str | None) -> Window | None:
    """A submission window by id; the first (full-year) window when none is named."""
    if not rules.submission_windows:
        if window_id:
            raise RuleInputError(f"{rules.district.name} has no submission windows")
        return None
    if window_id is None:
        return rules.submission_windows[0]
    for window in rules.submission_windows:
        if window.id == window_id:
            return window
    raise RuleInputError(f"unknown submission window {window_id!r} (windows: {', '.join(w.id for w in rules.submission_windows)})")


@dataclass
class _Progress:
    """What a teacher holds as the timeline runs: credit, micro-credentials, lane and growth steps."""

    degree: str
    lane: str
    credit: Decimal
    mc_hours: Decimal = ZERO
    mc_total: int = 0
    growth: int = 0
    mc_growth: int = 0
    mc_progress: int = 0
    credit_progress: Decimal = ZERO


def _count_earned(rules: DistrictRules, new_mcs: int, new_credits: Decimal, events: list[str]) -> tuple[int, Decimal]:
    """The micro-credentials and credit earned in one school year that count, by the yearly limits."""
    counting = rules.counting
    counted = new_mcs
    if 0 < new_mcs < counting.min_micro_credentials_per_year:
        events.append(f"{new_mcs} micro-credential(s) is below the minimum of "
                      f"{counting.min_micro_credentials_per_year} a year: none count this year")
        counted = 0
    if counting.max_micro_credentials_per_year is not None and counted > counting.max_micro_credentials_per_year:
        events.append(f"only {counting.max_micro_credentials_per_year} micro-credentials a year count ({counted} planned)")
        counted = counting.max_micro_credentials_per_year
    if counting.max_credits_per_year is not None and new_credits > counting.max_credits_per_year:
        events.append(f"only {counting.max_credits_per_year} credit hours a year count ({new_credits} planned)")
        new_credits = counting.max_credits_per_year
    return counted, new_credits


def _apply(rules: DistrictRules, year: SchoolYear, held: _Progress, start_lane: Lane, mcs: int, credits: Decimal,
           events: list[str]) -> None:
    """Moves lanes and growth steps for credit that takes effect in a school year."""
    mc_rule, counting = rules.micro_credentials, rules.counting
    held.mc_total += mcs
    held.credit += credits
    held.mc_hours += micro_credential_hours(rules, mcs)
    if mc_rule.combine_with_other_credit:
        lane_credit = held.credit + held.mc_hours
    else:
        lane_credit = max(held.credit, base_credits(start_lane, held.degree) + held.mc_hours)
    target = earned_lane(rules, year, held.degree, lane_credit)
    order = [lane.id for lane in lanes_on(rules, year)]
    if held.lane in order and order.index(target.id) > order.index(held.lane):
        moved_to = lane_after_move(order, held.lane, target.id, counting.lane_changes_per_year)
        if moved_to == held.lane:
            events.append(f"{lane_credit} credit hours beyond the {held.degree}'s degree earn lane {target.id}, "
                          f"but {rules.district.name} allows no lane changes")
        else:
            events.append(f"{lane_credit} credit hours beyond the {held.degree}'s degree earn lane {moved_to}"
                          + ("" if moved_to == target.id else
                             f" ({counting.lane_changes_per_year} lane change(s) a year: {target.id} later)"))
        held.lane = moved_to
    if mc_rule.counts_toward == "growth_steps" and mc_rule.per_growth_step:
        held.mc_progress += mcs
        while held.mc_progress >= mc_rule.per_growth_step and (
                mc_rule.max_growth_steps is None or held.mc_growth < mc_rule.max_growth_steps):
            held.mc_progress -= mc_rule.per_growth_step
            held.mc_growth += 1
            held.growth += 1
            events.append(f"{mc_rule.per_growth_step} micro-credentials complete a phase: growth step {held.growth}")
    if counting.credit_hours_per_growth_step:
        held.credit_progress += credits
        while held.credit_progress >= counting.credit_hours_per_growth_step:
            held.credit_progress -= counting.credit_hours_per_growth_step
            held.growth += 1
            events.append(f"{counting.credit_hours_per_growth_step} credit hours make growth step {held.growth}")


def estimate(rules: DistrictRules, inputs: EstimateInput) -> Estimate:
    """The year-by-year pay of a teacher over `inputs.years` school years, starting with this one.

    What a teacher earns in a school year is filed in a submission window; it takes effect
    from the window's effective date, which may fall in the next school year (Dysart:
    filed by the last day of school, effective the next July 1).
    """
    if inputs.years < 1 or inputs.years > 50:
        raise RuleInputError("years must be between 1 and 50")
    if inputs.fte <= 0 or inputs.fte > 1:
        raise RuleInputError("FTE must be more than 0 and at most 1")
    if inputs.days_worked is not None and not 0 < inputs.days_worked <= rules.pay.contract_days:
        raise RuleInputError(f"days worked must be between 1 and the {rules.pay.contract_days} contract days")
    first_year = rules.year(inputs.school_year)
    try:
        lane = rules.lane(inputs.lane)
    except KeyError:
        raise RuleInputError(f"unknown lane {inputs.lane!r} (lanes: {', '.join(l.id for l in rules.lanes)})") from None
    degree = inputs.degree or lane.degree
    cell_amount(rules, first_year, inputs.step, lane.id)  # validates the starting cell
    held = _Progress(degree=degree, lane=lane.id, credit=base_credits(lane, degree),
                     mc_total=inputs.micro_credentials_held, growth=inputs.growth_steps, mc_growth=inputs.growth_steps)
    step = inputs.step
    service = inputs.years_of_service if inputs.years_of_service is not None else inputs.step
    carried: tuple[int, Decimal] = (0, ZERO)  # earned last year, effective this year
    timeline: list[YearPay] = []
    cumulative = ZERO
    for k in range(inputs.years):
        year = first_year.plus(k)
        events: list[str] = []
        schedule, _, _ = schedule_for(rules, year)
        if k > 0:
            service += 1
            if year.label in rules.steps.freeze_years:
                events.append(f"{year.label} is a step freeze: no one advances")
            else:
                step = next_step(schedule, step, rules.steps.advance_per_year, step_cap(rules, schedule, held.lane),
                                 held.lane)
        if carried != (0, ZERO):
            events.append(f"{carried[0]} micro-credential(s) and {carried[1]} credit hours earned last year take effect")
            _apply(rules, year, held, lane, carried[0], carried[1], events)
        landing_mcs = carried[0]
        carried = (0, ZERO)
        planned = inputs.plan_for(year.label)
        counted, new_credits = _count_earned(
            rules, planned.micro_credentials + (inputs.micro_credentials if k == 0 else 0),
            Decimal(planned.credits) + (Decimal(inputs.credits) if k == 0 else ZERO), events)
        window = window_for(rules, planned.window or (inputs.window if k == 0 else None))
        dates = window_dates(rules, window, year) if window is not None else None
        before = (held.lane, held.growth)
        share = ONE
        if dates is not None and dates.school_year > year:
            if counted or new_credits:
                events.append(f"earned this year, filed in {window.name}: effective {dates.effective}")
                carried = (counted, new_credits)
        else:
            _apply(rules, year, held, lane, counted, new_credits, events)
            landing_mcs += counted
            if dates is not None and (held.lane, held.growth) != before:
                share = window.share_of_year
        placement = Placement(step=step, lane=held.lane, fte=inputs.fte, degree=degree, band=inputs.band,
                              years_of_service=service, subjects=inputs.subjects, certifications=inputs.certifications,
                              certified=inputs.certified, role=None, growth_steps=held.growth,
                              micro_credentials_total=held.mc_total, achievements=inputs.achievements,
                              ratings=inputs.ratings)
        new_cell = cell_amount(rules, year, step, held.lane, held.growth)
        if share != ONE:
            old_cell = cell_amount(rules, year, step, before[0], before[1])
            raw = (old_cell.amount + (new_cell.amount - old_cell.amount) * share) * inputs.fte
            text = (f"{old_cell.explanation}; from {dates.effective} ({window.name}, {share} of the year): "
                    f"{new_cell.explanation}; {money_str(old_cell.amount)} + ({money_str(new_cell.amount)} - "
                    f"{money_str(old_cell.amount)}) x {share}")
        else:
            raw = new_cell.amount * inputs.fte
            text = new_cell.explanation
        if inputs.fte != ONE:
            text += f" x FTE {inputs.fte}"
        if k == 0 and inputs.days_worked is not None:
            days = rules.pay.contract_days
            raw = raw * inputs.days_worked / days
            text += f" x {inputs.days_worked} of {days} contract days (a partial year)"
        base = Line("Base salary", lines_round(rules, raw), text, kind="base")
        additions = addition_lines(rules, year, placement, landing_mcs)
        if inputs.role:
            additions += _role_lines(rules, year, placement, inputs.role, events)
        pay = YearPay(year, placement, base, additions, assumed=new_cell.assumed_years > 0, events=events)
        cumulative += pay.total
        pay.cumulative = cumulative
        timeline.append(pay)
    return Estimate(rules, inputs, timeline)


def _role_lines(rules, year, placement, role_id, events) -> list[Line]:
    try:
        role = rules.role(role_id)
    except KeyError:
        raise RuleInputError(f"unknown role {role_id!r} (roles: {', '.join(r.id for r in rules.roles) or 'none'})") from None
    check = role_check(rules, role, year, placement)
    if not check.eligible:
        events.append(f"not yet eligible for {role.name}: " + "; ".join(check.missing))
        return []
    amount = dated_value(role.supplement, year.start)
    if not amount:
        return []
    value = lines_round(rules, amount)
    return [Line(f"Role: {role.name}", value, f"role supplement {money_str(amount)}", kind="role")]


# --- what moves me next, and the best next step -----------------------------------------------

