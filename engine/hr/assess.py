"""What a lane-change, growth-step or role request would give under a district's rules: the
new placement and pay, from which date (the submission window), which credit counts and
which is refused (used once, expired, not granted, below the yearly minimum), and what is
still missing. Pure: the service gathers the facts, this decides.

The effective date of a window: rule files give the deadline and the effective date as
MM-DD. The effective date is the occurrence of its MM-DD nearest the deadline, so "by
October 1, retroactive to July 1" means the July 1 before the deadline and "by the last
day of school (May 22), effective July 1" means the July 1 after it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import ONE, ZERO, money_str
from engine.pay.additions import Placement, role_check
from engine.pay.cells import cell_amount, lines_round
from engine.pay.credit import (
    base_credits,
    converted_credit,
    earned_lane,
    lane_after_move,
    lanes_on,
    micro_credential_hours,
)
from engine.pay.windows import (  # noqa: F401  (re-exported)
    WindowDates,
    month_day,
    open_windows,
    window_dates,
    window_on,
)
from engine.rules import DistrictRules, dated_value
from engine.school_year import SchoolYear

KINDS = ("lane_change", "growth_step", "role")
KIND_LABELS = {"lane_change": "Lane change", "growth_step": "Growth step", "role": "Role"}
MICRO_CREDENTIAL = "micro_credential"


@dataclass(frozen=True)
class CreditFact:
    """A credential a request rests on, as the rules need to see it."""

    id: int | None
    kind: str
    amount: Decimal
    status: str
    earned_on: date | None = None
    school_year: str | None = None
    title: str = ""
    used_by: int | None = None


@dataclass(frozen=True)
class RequestFacts:
    """Everything the rules need to judge one request."""

    kind: str
    filed_on: date
    placement_year: str
    step: int
    lane: str
    degree: str | None = None
    fte: Decimal = ONE
    growth_steps: int = 0
    years_of_service: int | None = None
    ratings: tuple[tuple[str, str], ...] = ()
    micro_credentials_held: int = 0
    achievements: tuple[str, ...] = ()
    credits: tuple[CreditFact, ...] = ()
    target_lane: str | None = None
    role: str | None = None
    window_id: str | None = None
    evidence_files: int = 0
    lane_changes_effective: tuple[date, ...] = ()


@dataclass
class Outcome:
    """What the rules say a request gives, and what stands in its way."""

    kind: str
    window: WindowDates | None
    old_step: int
    old_lane: str
    old_growth_steps: int
    new_lane: str
    new_growth_steps: int
    role: str | None
    old_annual: Decimal | None = None
    new_annual: Decimal | None = None
    credit_hours: Decimal = ZERO
    micro_credentials_counted: int = 0
    counted: list[tuple[int | None, str]] = field(default_factory=list)
    refused: list[tuple[int | None, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.missing and self.window is not None and self.new_annual is not None

    @property
    def effective(self) -> date | None:
        return self.window.effective if self.window else None

    @property
    def school_year(self) -> str | None:
        return self.window.school_year.label if self.window else None

    @property
    def share_of_year(self) -> Decimal:
        return self.window.window.share_of_year if self.window else ONE

    @property
    def annual_difference(self) -> Decimal | None:
        if self.old_annual is None or self.new_annual is None:
            return None
        return self.new_annual - self.old_annual

    def to_json(self) -> dict:
        return {
            "kind": self.kind, "passes": self.passes,
            "window": self.window.to_json() if self.window else None,
            "effective": self.effective.isoformat() if self.effective else None,
            "old": {"step": self.old_step, "lane": self.old_lane, "growth_steps": self.old_growth_steps,
                    "annual": money_str(self.old_annual) if self.old_annual is not None else None},
            "new": {"lane": self.new_lane, "growth_steps": self.new_growth_steps, "role": self.role,
                    "annual": money_str(self.new_annual) if self.new_annual is not None else None},
            "credit_hours": str(self.credit_hours), "micro_credentials_counted": self.micro_credentials_counted,
            "counted": [{"credential": i, "note": n} for i, n in self.counted],
            "refused": [{"credential": i, "reason": n} for i, n in self.refused],
            "missing": list(self.missing), "explanation": list(self.explanation),
        }


def step_in_year(rules: DistrictRules, step: int, placement_year: SchoolYear, school_year: SchoolYear) -> int:
    """The step a teacher placed in one year holds in a later year (one advance a year, none in freeze years)."""
    years = 0
    current = placement_year
    while current < school_year:
        current = current.plus(1)
        if current.label not in rules.steps.freeze_years:
            years += 1
    return step + rules.steps.advance_per_year * years if years else step


def _credit_year(credit: CreditFact, rules: DistrictRules, fallback: SchoolYear) -> str:
    if credit.school_year:
        return credit.school_year
    if credit.earned_on:
        month, day = month_day(rules.district.school_year_starts)
        return SchoolYear.containing(credit.earned_on, month, day).label
    return fallback.label


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29
        return day.replace(year=day.year - years, day=28)


def usable_credits(rules: DistrictRules, facts: RequestFacts, effective: date, outcome: Outcome) -> list[CreditFact]:
    """The credits that may count: granted (or, for transcripts and hours, submitted with this request), unused, unexpired."""
    counting = rules.counting
    statuses = set(rules.micro_credentials.statuses_counted)
    limits = []
    if counting.look_back_years is not None:
        limits.append((counting.look_back_years, f"older than the {counting.look_back_years}-year look-back"))
    if counting.credit_expires_after_years is not None:
        limits.append((counting.credit_expires_after_years, f"expired: credit lapses after {counting.credit_expires_after_years} years"))
    usable = []
    for credit in facts.credits:
        label = credit.title or credit.kind.replace("_", " ")
        if credit.status == "denied":
            outcome.refused.append((credit.id, f"{label}: denied credit does not count"))
            continue
        if credit.kind == MICRO_CREDENTIAL and credit.status not in statuses:
            outcome.refused.append((credit.id, f"{label}: a micro-credential counts only when {' or '.join(sorted(statuses))} "
                                               f"(this one is {credit.status})"))
            continue
        if credit.used_by is not None and counting.credit_used_once:
            outcome.refused.append((credit.id, f"{label}: already used by approved request #{credit.used_by}; credit counts once"))
            continue
        expired = None
        if credit.earned_on is not None:
            for years, why in sorted(limits):
                if credit.earned_on < _years_before(effective, years):
                    expired = why
                    break
        if expired:
            outcome.refused.append((credit.id, f"{label} (earned {credit.earned_on}): {expired}"))
            continue
        usable.append(credit)
    return usable


def _micro_credentials_counted(rules: DistrictRules, credits: list[CreditFact], year: SchoolYear, outcome: Outcome) -> int:
    """Micro-credentials that count, year by year: none in a year below the minimum, at most the yearly cap."""
    counting = rules.counting
    by_year: dict[str, int] = defaultdict(int)
    for credit in credits:
        if credit.kind == MICRO_CREDENTIAL:
            by_year[_credit_year(credit, rules, year)] += int(credit.amount) if credit.amount >= 1 else 1
    total = 0
    for label in sorted(by_year):
        count = by_year[label]
        if count < counting.min_micro_credentials_per_year:
            outcome.explanation.append(f"{label}: {count} micro-credential(s) is below the minimum of "
                                       f"{counting.min_micro_credentials_per_year} a school year, so none count")
            continue
        if counting.max_micro_credentials_per_year is not None and count > counting.max_micro_credentials_per_year:
            outcome.explanation.append(f"{label}: only {counting.max_micro_credentials_per_year} of {count} micro-credentials count")
            count = counting.max_micro_credentials_per_year
        total += count
    return total


def _other_credit(rules: DistrictRules, credits: list[CreditFact], year: SchoolYear, outcome: Outcome) -> Decimal:
    """Semester hours of the non-micro-credential credit, converted and capped per school year."""
    by_year_kind: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for credit in credits:
        if credit.kind != MICRO_CREDENTIAL:
            by_year_kind[(_credit_year(credit, rules, year), credit.kind)] += credit.amount
    per_year: dict[str, Decimal] = defaultdict(Decimal)
    for (label, kind), amount in sorted(by_year_kind.items()):
        hours = converted_credit(rules, kind, amount)
        if kind != "graduate_credit":
            outcome.explanation.append(f"{label}: {amount} {kind.replace('_', ' ')} = {hours} semester hours")
        per_year[label] += hours
    total = ZERO
    cap = rules.counting.max_credits_per_year
    for label, hours in sorted(per_year.items()):
        if cap is not None and hours > cap:
            outcome.explanation.append(f"{label}: only {cap} credit hours a year count ({hours} earned)")
            hours = cap
        total += hours
    return total


def _pay(rules: DistrictRules, year: SchoolYear, step: int, lane: str, growth: int, fte: Decimal) -> tuple[Decimal, str]:
    cell = cell_amount(rules, year, step, lane, growth)
    return lines_round(rules, cell.amount * fte), cell.explanation + ("" if fte == ONE else f" x FTE {fte}")


def assess(rules: DistrictRules, facts: RequestFacts) -> Outcome:
    """What the request would give, from which date, and what is missing."""
    if facts.kind not in KINDS:
        raise RuleInputError(f"unknown request kind {facts.kind!r} (kinds: {', '.join(KINDS)})")
    placement_year = rules.year(facts.placement_year)
    lane = rules.lane(facts.lane)
    degree = facts.degree or lane.degree
    outcome = Outcome(facts.kind, None, facts.step, facts.lane, facts.growth_steps, facts.lane, facts.growth_steps,
                      facts.role)
    window = window_on(rules, facts.filed_on, facts.window_id)
    if window is None:
        if facts.window_id:
            outcome.missing.append(f"the window {facts.window_id!r} has no deadline left after {facts.filed_on}")
        else:
            outcome.missing.append(f"{rules.district.name} has no submission window open after {facts.filed_on}")
        year = placement_year
        effective = facts.filed_on
    else:
        outcome.window = window
        year = window.school_year
        effective = window.effective
        outcome.explanation.append(
            f"filed by {window.deadline} ({window.window.name}): effective {window.effective}, "
            f"{window.window.share_of_year} of the {year.label} school year")
    step = step_in_year(rules, facts.step, placement_year, year) if year >= placement_year else facts.step
    outcome.old_step = step
    credits = usable_credits(rules, facts, effective, outcome)
    mc_count = _micro_credentials_counted(rules, credits, year, outcome)
    other = _other_credit(rules, credits, year, outcome)
    outcome.micro_credentials_counted = mc_count
    for credit in credits:
        outcome.counted.append((credit.id, f"{credit.title or credit.kind.replace('_', ' ')}: {credit.amount} "
                                            f"{'micro-credential(s)' if credit.kind == MICRO_CREDENTIAL else credit.kind.replace('_', ' ')}"))
    if facts.kind in ("lane_change", "growth_step") and not facts.credits:
        outcome.missing.append("attach the credit the request rests on (micro-credentials, transcript credit or PD hours)")
    pending = [c for c in credits if c.status == "submitted" and c.kind != MICRO_CREDENTIAL]
    if pending and facts.evidence_files == 0:
        outcome.missing.append("attach evidence (a transcript, certificate or badge file) for credit not yet granted")
    try:
        if facts.kind == "lane_change":
            _lane_change(rules, facts, outcome, year, degree, lane, mc_count, other, effective)
        elif facts.kind == "growth_step":
            _growth_step(rules, outcome, mc_count, other)
        else:
            _role(rules, facts, outcome, year, step, mc_count)
        outcome.old_annual, old_text = _pay(rules, year, step, facts.lane, facts.growth_steps, facts.fte)
        outcome.new_annual, new_text = _pay(rules, year, step, outcome.new_lane, outcome.new_growth_steps, facts.fte)
        if facts.kind == "role" and facts.role:
            supplement = dated_value(rules.role(facts.role).supplement, year.start) or ZERO
            outcome.new_annual += lines_round(rules, supplement)
            new_text += f" + role supplement {money_str(supplement)}"
        outcome.explanation.append(f"now: {old_text}")
        outcome.explanation.append(f"from {effective}: {new_text}")
    except (RuleInputError, KeyError) as exc:
        outcome.missing.append(f"the rules cannot place this request: {exc}")
    return outcome


def _lane_change(rules, facts, outcome, year, degree, lane, mc_count, other, effective) -> None:
    mc_rule = rules.micro_credentials
    counting = rules.counting
    mc_hours = micro_credential_hours(rules, mc_count)
    if mc_count and mc_rule.counts_toward != "lanes":
        outcome.explanation.append(f"micro-credentials count toward {mc_rule.counts_toward.replace('_', ' ')}, not lanes")
    base = base_credits(lane, degree)
    if mc_rule.combine_with_other_credit:
        new_credit = other + mc_hours
    else:
        new_credit = max(other, mc_hours)
        if other and mc_hours:
            outcome.explanation.append("micro-credentials do not combine with other credit: the larger counts")
    credit = base + new_credit
    outcome.credit_hours = new_credit
    outcome.explanation.append(f"{base} hours shown by lane {lane.id} + {new_credit} new = {credit} credit hours beyond the {degree}'s degree")
    order = [l.id for l in lanes_on(rules, year)]
    earned = earned_lane(rules, year, degree, credit)
    if facts.target_lane and facts.target_lane not in order:
        outcome.missing.append(f"lane {facts.target_lane!r} is not on the {year.label} schedule")
        return
    target = facts.target_lane or earned.id
    if facts.lane in order and order.index(target) <= order.index(facts.lane):
        if facts.target_lane:
            outcome.missing.append(f"lane {target} is not to the right of the current lane {facts.lane}")
        else:
            following = order[order.index(facts.lane) + 1:] if facts.lane in order else []
            if following:
                need = rules.lane(following[0])
                outcome.missing.append(f"lane {following[0]} needs {need.credits} credit hours beyond the {need.degree}'s "
                                       f"degree; {credit} count")
            else:
                outcome.missing.append(f"lane {facts.lane} is the last lane")
        return
    if order.index(target) > order.index(earned.id):
        need = rules.lane(target)
        outcome.missing.append(f"lane {target} needs {need.credits} credit hours beyond the {need.degree}'s degree; "
                               f"{credit} count (earns lane {earned.id})")
        return
    if counting.lane_changes_per_year is not None:
        same_year = [d for d in facts.lane_changes_effective if SchoolYear.containing(d, year.start.month, year.start.day) == year]
        remaining = counting.lane_changes_per_year - len(same_year)
        if remaining <= 0:
            outcome.missing.append(f"{rules.district.name} allows no lane changes" if not counting.lane_changes_per_year else
                                   f"{rules.district.name} allows {counting.lane_changes_per_year} lane change(s) a "
                                   f"school year; one already takes effect on {same_year[0]}")
            return
        allowed = lane_after_move(order, facts.lane, target, remaining)
        if allowed != target:
            outcome.explanation.append(f"{counting.lane_changes_per_year} lane change(s) a year: lane {allowed} now, "
                                       f"{target} in a later year")
            target = allowed
    outcome.new_lane = target


def _growth_step(rules, outcome, mc_count, other) -> None:
    mc_rule = rules.micro_credentials
    counting = rules.counting
    steps = 0
    if mc_rule.counts_toward == "growth_steps" and mc_rule.per_growth_step:
        phases = mc_count // mc_rule.per_growth_step
        if mc_rule.max_growth_steps is not None:
            phases = min(phases, max(0, mc_rule.max_growth_steps - outcome.old_growth_steps))
            if outcome.old_growth_steps >= mc_rule.max_growth_steps:
                outcome.missing.append(f"micro-credentials earn at most {mc_rule.max_growth_steps} growth steps; "
                                       f"{outcome.old_growth_steps} already held")
        if phases:
            outcome.explanation.append(f"{mc_count} granted micro-credentials complete {phases} phase(s) of "
                                       f"{mc_rule.per_growth_step}: {phases} growth step(s)")
        steps += phases
        short = mc_rule.per_growth_step - mc_count % mc_rule.per_growth_step
    else:
        short = None
    if counting.credit_hours_per_growth_step:
        by_credit = int(other // counting.credit_hours_per_growth_step)
        if by_credit:
            outcome.explanation.append(f"{other} credit hours make {by_credit} growth step(s) "
                                       f"({counting.credit_hours_per_growth_step} hours each)")
        steps += by_credit
    if not (mc_rule.per_growth_step or counting.credit_hours_per_growth_step):
        outcome.missing.append(f"{rules.district.name} has no growth steps")
        return
    if steps == 0 and not outcome.missing:
        parts = []
        if short is not None:
            parts.append(f"{short} more granted micro-credential(s) for a phase of {mc_rule.per_growth_step} "
                         f"({mc_count} count)")
        if counting.credit_hours_per_growth_step:
            parts.append(f"{counting.credit_hours_per_growth_step - other % counting.credit_hours_per_growth_step} more credit hours")
        outcome.missing.append("a growth step needs " + " or ".join(parts))
    outcome.new_growth_steps = outcome.old_growth_steps + steps
    outcome.credit_hours = other


def _role(rules, facts, outcome, year, step, mc_count) -> None:
    if not facts.role:
        outcome.missing.append("choose the role the request is for")
        return
    try:
        role = rules.role(facts.role)
    except KeyError:
        outcome.missing.append(f"unknown role {facts.role!r}")
        return
    placement = Placement(step=step, lane=facts.lane, degree=facts.degree, years_of_service=facts.years_of_service,
                          micro_credentials_total=facts.micro_credentials_held + mc_count,
                          achievements=facts.achievements, ratings=facts.ratings)
    check = role_check(rules, role, year, placement)
    outcome.missing.extend(check.missing)
    if check.eligible:
        outcome.explanation.append(f"eligible for {role.name}")
