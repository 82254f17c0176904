"""Pay lines: a teacher's placement, every addition the rules give on top of base pay
(flat, percent, per micro-credential, longevity, deductions) and role eligibility.
Every line carries its explanation."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from engine.money import HUNDRED, ONE, money_str
from engine.pay.cells import cell_amount, lines_round
from engine.rules import Addition, DistrictRules, Role, dated_value
from engine.school_year import SchoolYear


@dataclass(frozen=True)
class Line:
    """One line of pay: what it is, the amount, and the arithmetic behind it."""

    name: str
    amount: Decimal
    explanation: str
    kind: str = "addition"
    illustrative: bool = False

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "amount": money_str(self.amount), "explanation": self.explanation,
                "illustrative": self.illustrative}


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
    days_worked: int | None = None

    def degree_of(self, rules: DistrictRules) -> str:
        return self.degree or rules.lane(self.lane).degree

    def service_years(self) -> int:
        return self.years_of_service if self.years_of_service is not None else self.step


def _listed(values) -> str:
    return _listed_text(tuple(map(str, values)))


@lru_cache(maxsize=1024)  # a rule file's few lists of bands, subjects, degrees, certifications and roles
def _listed_text(values: tuple[str, ...]) -> str:
    items = [v.replace("_", " ") for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def addition_reasons(addition: Addition, rules: DistrictRules, placement: Placement) -> list[str]:
    """Why an addition does not apply to a placement: one reason per condition that fails (none when it applies)."""
    rule = addition.eligibility
    reasons = []
    if rule.bands is not None and str(placement.band) not in {str(b) for b in rule.bands}:
        which = f"band {placement.band} is" if placement.band else "no pay band is given; it"
        reasons.append(f"{which} not eligible: pay band {_listed(rule.bands)} only")
    if rule.subjects is not None and not set(rule.subjects) & set(placement.subjects):
        reasons.append(f"for teachers of {_listed(rule.subjects)}")
    if rule.degrees is not None and (degree := placement.degree_of(rules)) not in rule.degrees:
        reasons.append(f"needs a {_listed(rule.degrees)} degree (has {degree})")
    if rule.certifications is not None and not set(rule.certifications) & set(placement.certifications):
        reasons.append(f"needs the {_listed(rule.certifications)} certification")
    if rule.certified is not None and rule.certified != placement.certified:
        reasons.append("for certified teachers only" if rule.certified else "applies only to non-certified teachers")
    if rule.roles is not None and placement.role not in rule.roles:
        reasons.append(f"for the {_listed(rule.roles)} role only")
    if rule.min_years is not None and placement.service_years() < rule.min_years:
        reasons.append(f"needs {rule.min_years} years of service (has {placement.service_years()})")
    return reasons


def addition_applies(addition: Addition, rules: DistrictRules, placement: Placement) -> bool:
    """Whether every eligibility condition of an addition holds for a placement."""
    return not addition_reasons(addition, rules, placement)


def addition_lines(rules: DistrictRules, school_year: SchoolYear, placement: Placement,
                   micro_credentials_this_year: int = 0, not_applied: list[dict] | None = None) -> list[Line]:
    """Every addition that applies in a school year, each rounded once; non-stacking groups keep the largest.

    `not_applied`, when given, collects each addition that does not apply and why."""
    on = school_year.start
    lines: list[tuple[Addition, Line]] = []
    for addition in rules.additions:
        reasons = addition_reasons(addition, rules, placement)
        if reasons:
            if not_applied is not None:
                not_applied.append({"name": addition.name, "reason": "; ".join(reasons),
                                    "illustrative": addition.illustrative})
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
    if len(kept) < 2:
        return kept
    order = {a.id: i for i, a in enumerate(rules.additions)}
    by_name = {a.name: a.id for a in rules.additions}
    return sorted(kept, key=lambda line: order.get(by_name.get(line.name), 0))


def _fte_text(placement: Placement, rules: DistrictRules | None = None) -> str:
    text = "" if placement.fte == ONE else f" x FTE {placement.fte}"
    if placement.days_worked is not None and rules is not None:
        text += f" x {placement.days_worked} of {rules.pay.contract_days} contract days"
    return text


def annual_share(rules: DistrictRules, placement: Placement, amount: Decimal) -> Decimal:
    """An annual amount for this placement before rounding: x FTE, and x days worked / contract days in a
    partial year (multiplied before it divides, so it is rounded once, by the caller)."""
    amount = amount * placement.fte
    if placement.days_worked is not None:
        amount = amount * placement.days_worked / rules.pay.contract_days
    return amount


def _addition_line(rules, school_year, placement, addition, mcs, on) -> Line | None:
    if addition.kind in ("flat", "deduction"):
        amount = dated_value(addition.amount, on)
        if amount is None:
            return None
        value = lines_round(rules, annual_share(rules, placement, amount))
        sign = -1 if addition.kind == "deduction" else 1
        return Line(addition.name, sign * value,
                    f"{'-' if sign < 0 else ''}{money_str(amount)}{_fte_text(placement, rules)}",
                    illustrative=addition.illustrative)
    if addition.kind == "percent":
        percent = dated_value(addition.percent, on)
        if percent is None:
            return None
        cell = cell_amount(rules, school_year, placement.step, addition.of_lane)
        value = lines_round(rules, annual_share(rules, placement, cell.amount * percent) / HUNDRED)
        return Line(addition.name, value, f"{percent}% of the {addition.of_lane} schedule at step {cell.step_used} "
                                          f"({money_str(cell.amount)}){_fte_text(placement, rules)} = {money_str(value)}",
                    illustrative=addition.illustrative or cell.illustrative)
    if addition.kind == "per_micro_credential":
        amount = dated_value(addition.amount, on)
        if amount is None or mcs <= 0:
            return None
        counted = min(mcs, addition.per_year_cap) if addition.per_year_cap is not None else mcs
        value = lines_round(rules, amount * counted)
        capped = f" ({mcs} earned; at most {addition.per_year_cap} a year count)" if addition.per_year_cap is not None and mcs > counted else ""
        return Line(addition.name, value, f"{counted} micro-credential(s) earned this year x {money_str(amount)}{capped}",
                    illustrative=addition.illustrative)
    if addition.kind == "longevity":
        amount = dated_value(addition.amount, on)
        years = placement.service_years()
        reached = [y for y in addition.at_years if years >= y]
        if amount is None or not reached:
            return None
        times = len(reached) if addition.cumulative else 1
        value = lines_round(rules, annual_share(rules, placement, amount * times))
        return Line(addition.name, value, f"{years} years of service reach {', '.join(map(str, reached))}: "
                                          f"{times} x {money_str(amount)}{_fte_text(placement, rules)}",
                    illustrative=addition.illustrative)
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


def role_line(rules: DistrictRules, role: Role, school_year: SchoolYear, placement: Placement) -> Line | None:
    """A role's supplement in a school year, by FTE like every annual amount, rounded once; None when it pays nothing."""
    amount = dated_value(role.supplement, school_year.start)
    if not amount:
        return None
    value = lines_round(rules, annual_share(rules, placement, amount))
    return Line(f"Role: {role.name}", value, f"role supplement {money_str(amount)}{_fte_text(placement, rules)}",
                kind="role", illustrative=role.illustrative)
