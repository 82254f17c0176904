"""Pure pay rules: the salary of a cell, the lane credit earns, growth steps,
additions and role eligibility. Every figure carries its explanation."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from engine.money import ZERO, money_str, round_money
from engine.rules import DEGREES, Addition, DistrictRules, Lane, Role, Schedule, dated_value
from engine.school_year import SchoolYear

ONE = Decimal(1)
HUNDRED = Decimal(100)


class RuleInputError(ValueError):
    """An input the district's rules cannot place (unknown lane, reserved step...)."""


@dataclass(frozen=True)
class Line:
    """One line of pay: what it is, the amount, and the arithmetic behind it."""

    name: str
    amount: Decimal
    explanation: str
    kind: str = "addition"

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "amount": money_str(self.amount), "explanation": self.explanation}


@dataclass(frozen=True)
class Cell:
    """The schedule amount of one cell in one school year."""

    amount: Decimal
    step_used: int
    schedule_start: str
    assumed_years: int
    explanation: str


@dataclass(frozen=True)
class Placement:
    """Where a teacher stands in one school year, and what they hold."""

    step: int
    lane: str
    fte: Decimal = ONE
    degree: str | None = None
    band: str | None = None
    years_of_service: int | None = None
    subjects: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    certified: bool = True
    role: str | None = None
    growth_steps: int = 0
    micro_credentials_total: int = 0
    achievements: tuple[str, ...] = ()
    ratings: tuple[tuple[str, str], ...] = ()

    def degree_of(self, rules: DistrictRules) -> str:
        return self.degree or rules.lane(self.lane).degree

    def service_years(self) -> int:
        return self.years_of_service if self.years_of_service is not None else self.step


# --- schedule cells -------------------------------------------------------------------------


def latest_schedule_year(rules: DistrictRules) -> SchoolYear:
    """The school year of the most recently adopted schedule."""
    month, day = (int(p) for p in rules.district.school_year_starts.split("-"))
    return SchoolYear.containing(max(rules.schedules), month, day)


def schedule_for(rules: DistrictRules, school_year: SchoolYear) -> tuple[Schedule, str, int]:
    """The schedule in force in a school year, its date, and how many years COLA carries it forward."""
    found = rules.adopted_schedule(school_year)
    if found is None:
        first = min(rules.schedules)
        raise RuleInputError(f"{rules.district.name} has no schedule for {school_year.label}; the first is dated {first}")
    start, schedule = found
    latest = latest_schedule_year(rules)
    assumed = max(0, school_year.start.year - latest.start.year)
    return schedule, str(start), assumed


def cola_factor(rules: DistrictRules, years: int) -> Decimal:
    """The growth of an adopted schedule carried forward `years` by the COLA assumption."""
    return (ONE + rules.budget.cola_percent / HUNDRED) ** years


def _cells_round(rules: DistrictRules, amount: Decimal) -> Decimal:
    rounding = rules.pay.cells
    return round_money(amount, rounding.quantum, rounding.mode)


def lines_round(rules: DistrictRules, amount: Decimal) -> Decimal:
    """A pay line rounded once, by the district's rule."""
    rounding = rules.pay.lines
    return round_money(amount, rounding.quantum, rounding.mode)


def effective_step(schedule: Schedule, lane: str, step: int) -> int:
    """The step whose row pays a teacher: their own, or their lane's last (ragged lanes, past the end)."""
    if step < schedule.first_step:
        raise RuleInputError(f"step {step} is below the schedule's first step {schedule.first_step}")
    last = schedule.last_step(lane)
    if step > last:
        return last
    row = schedule.row_for(step)
    if row is None or row.reserved:
        raise RuleInputError(f"step {step} is reserved or not on the schedule")
    return step


def cell_amount(rules: DistrictRules, school_year: SchoolYear, step: int, lane: str, growth_steps: int = 0) -> Cell:
    """The schedule amount for a step and lane in a school year, with its arithmetic."""
    schedule, start, assumed = schedule_for(rules, school_year)
    if lane not in schedule.lanes:
        raise RuleInputError(f"lane {lane!r} is not on the {start} schedule (lanes: {', '.join(schedule.lanes)})")
    col = schedule.lanes.index(lane)
    used = effective_step(schedule, lane, step)
    row = schedule.row_for(used)
    label = f"step {row.step}" if used == step else f"step {row.step} (the last step of lane {lane})"
    if schedule.kind == "index":
        index = row.index[col]
        raw = schedule.base * index
        text = f"{label}, lane {lane}: base {money_str(schedule.base)} x index {index}"
    else:
        raw = row.amounts[col]
        text = f"{label}, lane {lane}: {money_str(raw)}"
    if assumed:
        raw = raw * cola_factor(rules, assumed)
        text += f" x (1 + {rules.budget.cola_percent}% COLA)^{assumed} (assumed: no schedule adopted yet)"
    if schedule.kind == "growth":
        raw, growth_text = _apply_growth(rules, schedule, school_year, raw, growth_steps, assumed)
        text += growth_text
    amount = _cells_round(rules, raw) if (schedule.kind != "grid" or assumed) else raw
    return Cell(amount, used, start, assumed, f"{text} = {money_str(amount)} (schedule of {start})")


def _apply_growth(rules, schedule, school_year, placement, growth_steps, assumed) -> tuple[Decimal, str]:
    growth = schedule.growth
    if growth.max_steps is not None:
        growth_steps = min(growth_steps, growth.max_steps)
    rate = growth.percent / HUNDRED
    if growth.compounding:
        amount = placement * (ONE + rate) ** growth_steps
        text = f" x (1 + {growth.percent}%)^{growth_steps} growth steps"
    else:
        amount = placement * (ONE + rate * growth_steps)
        text = f" x (1 + {growth.percent}% x {growth_steps} growth steps)"
    factor = cola_factor(rules, assumed)
    minimum = dated_value(growth.minimum, school_year.start) if growth.minimum is not None else None
    cap = dated_value(growth.cap, school_year.start) if growth.cap is not None else None
    if minimum is not None and amount < minimum * factor:
        amount = minimum * factor
        text += f", raised to the minimum {money_str(_cells_round(rules, amount))}"
    if cap is not None and amount > cap * factor:
        amount = cap * factor
        text += f", limited to the cap {money_str(_cells_round(rules, amount))}"
    return amount, text


# --- credit, lanes and growth steps ---------------------------------------------------------


def degree_rank(degree: str) -> int:
    return DEGREES.index(degree)


def lane_qualifies(lane: Lane, degree: str, credits: Decimal) -> bool:
    """Whether a degree and credit beyond it meet a lane's requirement (or an equivalent)."""
    for need in [lane] + list(lane.equivalent):
        if degree_rank(degree) > degree_rank(need.degree):
            return True
        if degree == need.degree and credits >= need.credits:
            return True
    return False


def lanes_on(rules: DistrictRules, school_year: SchoolYear) -> list[Lane]:
    """The lanes of the schedule in force, left to right."""
    schedule, _, _ = schedule_for(rules, school_year)
    return [rules.lane(lane_id) for lane_id in schedule.lanes]


def earned_lane(rules: DistrictRules, school_year: SchoolYear, degree: str, credits: Decimal) -> Lane:
    """The rightmost lane a degree and credit beyond it earn."""
    best = None
    for lane in lanes_on(rules, school_year):
        if lane_qualifies(lane, degree, credits):
            best = lane
    if best is None:
        raise RuleInputError(f"no lane on the {school_year.label} schedule accepts a {degree} degree")
    return best


def base_credits(lane: Lane, degree: str) -> Decimal:
    """The credit beyond the degree that sitting in a lane already shows."""
    return Decimal(lane.credits) if lane.degree == degree else ZERO


def next_lane(rules: DistrictRules, school_year: SchoolYear, degree: str, credits: Decimal) -> tuple[Lane, Decimal] | None:
    """The next lane to the right reachable with more credit at this degree, and the credit still needed."""
    current = earned_lane(rules, school_year, degree, credits)
    lanes = lanes_on(rules, school_year)
    for lane in lanes[lanes.index(current) + 1:]:
        needs = [lane] + list(lane.equivalent)
        for need in needs:
            if need.degree == degree and need.credits > credits:
                return lane, Decimal(need.credits) - credits
    return None


def micro_credential_hours(rules: DistrictRules, count: int) -> Decimal:
    """Graduate-equivalent hours of a number of micro-credentials, where they count toward lanes."""
    rule = rules.micro_credentials
    if rule.counts_toward != "lanes":
        return ZERO
    return rule.credit_hours_each * count


def converted_credit(rules: DistrictRules, kind: str, amount: Decimal) -> Decimal:
    """Semester hours for PD hours, workshop points or CPE hours by the district's conversion."""
    if kind == "graduate_credit":
        return amount
    for conversion in rules.conversions:
        if conversion.kind == kind:
            hours = amount / conversion.per_credit
            return Decimal(int(hours)) if conversion.whole_credits_only else hours
    return ZERO


# --- additions and roles -------------------------------------------------------------------------


def addition_applies(addition: Addition, rules: DistrictRules, placement: Placement) -> bool:
    """Whether every eligibility condition of an addition holds for a placement."""
    rule = addition.eligibility
    checks = [
        rule.bands is None or str(placement.band) in {str(b) for b in rule.bands},
        rule.subjects is None or bool(set(rule.subjects) & set(placement.subjects)),
        rule.degrees is None or placement.degree_of(rules) in rule.degrees,
        rule.certifications is None or bool(set(rule.certifications) & set(placement.certifications)),
        rule.certified is None or rule.certified == placement.certified,
        rule.roles is None or placement.role in rule.roles,
        rule.min_years is None or placement.service_years() >= rule.min_years,
    ]
    return all(checks)


def addition_lines(rules: DistrictRules, school_year: SchoolYear, placement: Placement,
                   micro_credentials_this_year: int = 0) -> list[Line]:
    """Every addition that applies in a school year, each rounded once; non-stacking groups keep the largest."""
    on = school_year.start
    lines: list[tuple[Addition, Line]] = []
    for addition in rules.additions:
        if not addition_applies(addition, rules, placement):
            continue
        line = _addition_line(rules, school_year, placement, addition, micro_credentials_this_year, on)
        if line is not None and line.amount != 0:
            lines.append((addition, line))
    kept: list[Line] = []
    groups: dict[str, tuple[Addition, Line]] = {}
    for addition, line in lines:
        if addition.group is None:
            kept.append(line)
        elif addition.group not in groups or line.amount > groups[addition.group][1].amount:
            groups[addition.group] = (addition, line)
    for group, (addition, line) in groups.items():
        others = [a.name for a, _ in lines if a.group == group and a is not addition]
        if others:
            line = replace(line, explanation=line.explanation + f" (does not stack with {', '.join(others)}: the largest applies)")
        kept.append(line)
    order = {a.id: i for i, a in enumerate(rules.additions)}
    by_name = {a.name: a.id for a in rules.additions}
    return sorted(kept, key=lambda line: order.get(by_name.get(line.name), 0))


def _fte_text(placement: Placement) -> str:
    return "" if placement.fte == ONE else f" x FTE {placement.fte}"


def _addition_line(rules, school_year, placement, addition, mcs, on) -> Line | None:
    fte = placement.fte
    if addition.kind in ("flat", "deduction"):
        amount = dated_value(addition.amount, on)
        if amount is None:
            return None
        value = lines_round(rules, amount * fte)
        sign = -1 if addition.kind == "deduction" else 1
        return Line(addition.name, sign * value, f"{'-' if sign < 0 else ''}{money_str(amount)}{_fte_text(placement)}")
    if addition.kind == "percent":
        percent = dated_value(addition.percent, on)
        if percent is None:
            return None
        cell = cell_amount(rules, school_year, placement.step, addition.of_lane)
        value = lines_round(rules, cell.amount * percent / HUNDRED * fte)
        return Line(addition.name, value, f"{percent}% of the {addition.of_lane} schedule at step {cell.step_used} "
                                          f"({money_str(cell.amount)}){_fte_text(placement)} = {money_str(value)}")
    if addition.kind == "per_micro_credential":
        amount = dated_value(addition.amount, on)
        if amount is None or mcs <= 0:
            return None
        counted = min(mcs, addition.per_year_cap) if addition.per_year_cap is not None else mcs
        value = lines_round(rules, amount * counted)
        capped = f" ({mcs} earned; at most {addition.per_year_cap} a year count)" if addition.per_year_cap is not None and mcs > counted else ""
        return Line(addition.name, value, f"{counted} micro-credential(s) earned this year x {money_str(amount)}{capped}")
    if addition.kind == "longevity":
        amount = dated_value(addition.amount, on)
        years = placement.service_years()
        reached = [y for y in addition.at_years if years >= y]
        if amount is None or not reached:
            return None
        times = len(reached) if addition.cumulative else 1
        value = lines_round(rules, amount * times * fte)
        return Line(addition.name, value, f"{years} years of service reach {', '.join(map(str, reached))}: "
                                          f"{times} x {money_str(amount)}{_fte_text(placement)}")
    return None


@dataclass
class RoleCheck:
    """Whether a teacher may hold a role, and what is still missing."""

    role: Role
    eligible: bool
    missing: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"role": self.role.id, "name": self.role.name, "eligible": self.eligible, "missing": self.missing,
                "illustrative": self.role.illustrative}


def role_check(rules: DistrictRules, role: Role, school_year: SchoolYear, placement: Placement) -> RoleCheck:
    """Role eligibility by years, rating, micro-credential count and stacks, with what is missing."""
    missing = []
    years = placement.service_years()
    if years < role.min_years:
        missing.append(f"{role.min_years - years} more year(s) of service (needs {role.min_years}, has {years})")
    if role.rating:
        ratings = rules.budget.ratings
        need = ratings.index(role.rating.minimum)
        recent = {school_year.plus(-k).label for k in range(role.rating.within_years)}
        held = [r for y, r in placement.ratings if y in recent and r in ratings and ratings.index(r) >= need]
        if not held:
            missing.append(f"a rating of {role.rating.minimum} or better within the last {role.rating.within_years} year(s)")
    if placement.micro_credentials_total < role.micro_credentials:
        missing.append(f"{role.micro_credentials - placement.micro_credentials_total} more micro-credential(s) "
                       f"(needs {role.micro_credentials}, has {placement.micro_credentials_total})")
    for stack in role.stacks:
        have = len(set(stack.achievements) & set(placement.achievements))
        if have < stack.count:
            missing.append(f"{stack.count - have} more from the {stack.name} stack")
    return RoleCheck(role, not missing, missing)
