"""What a lane-change, growth-step or role request would give under a district's rules: the new
position and pay, from which date (the submission window), which credit it uses and which is
refused, and what is still missing. Pure: the service gathers the teacher's record, this decides.

It reads the record through the same functions as the teacher's own pages
(`engine.teacher.state`, `engine.teacher.progress`), so the preview, the decision, retroactive
pay and the payroll line show the figures the teacher's timeline shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from engine.errors import RuleInputError
from engine.hr.retro import RetroPay, YearChange, retroactive_pay, reversal
from engine.money import ONE, ZERO, money_str, quantity_str
from engine.pay.additions import role_check
from engine.pay.credit import lanes_on
from engine.pay.windows import WindowDates, month_day, window_on
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.progress import Position, earn, pools
from engine.teacher.record import MICRO_CREDENTIAL, ApprovedChange, TeacherRecord
from engine.teacher.next import micro_credentials_to_next_phase
from engine.teacher.state import opening_position, rate_on

KINDS = ("lane_change", "growth_step", "role")
KIND_LABELS = {"lane_change": "Lane change", "growth_step": "Growth step", "role": "Role"}


@dataclass(frozen=True)
class RequestFacts:
    """Everything the rules need to judge one request: the teacher's record (without this request) and the request."""

    kind: str
    filed_on: date
    record: TeacherRecord
    target_lane: str | None = None
    role: str | None = None
    window_id: str | None = None
    evidence_files: int = 0
    request_id: int | None = None


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
    new_micro_credential_growth_steps: int | None = None
    credit_hours: Decimal = ZERO
    micro_credentials_counted: int = 0
    uses: dict[int, Decimal] = field(default_factory=dict)
    counted: list[tuple[int | None, str]] = field(default_factory=list)
    refused: list[tuple[int | None, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    illustrative: bool = False

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

    def change(self, request_id: int | None = None) -> ApprovedChange:
        """The approved change this outcome makes."""
        return ApprovedChange(request_id, self.kind, self.effective, self.share_of_year,
                              new_lane=self.new_lane if self.new_lane != self.old_lane else None,
                              new_growth_steps=self.new_growth_steps if self.new_growth_steps != self.old_growth_steps else None,
                              new_micro_credential_growth_steps=self.new_micro_credential_growth_steps,
                              role=self.role if self.kind == "role" else None)

    def to_json(self) -> dict:
        return {
            "kind": self.kind, "passes": self.passes,
            "window": self.window.to_json() if self.window else None,
            "effective": self.effective.isoformat() if self.effective else None,
            "old": {"step": self.old_step, "lane": self.old_lane, "growth_steps": self.old_growth_steps,
                    "annual": money_str(self.old_annual) if self.old_annual is not None else None},
            "new": {"lane": self.new_lane, "growth_steps": self.new_growth_steps, "role": self.role,
                    "annual": money_str(self.new_annual) if self.new_annual is not None else None},
            "credit_hours": quantity_str(self.credit_hours), "micro_credentials_counted": self.micro_credentials_counted,
            "uses": {str(k): quantity_str(v) for k, v in self.uses.items()},
            "counted": [{"credential": i, "note": n} for i, n in self.counted],
            "refused": [{"credential": i, "reason": n} for i, n in self.refused],
            "missing": list(self.missing), "explanation": list(self.explanation), "illustrative": self.illustrative,
        }


def assess(rules: DistrictRules, facts: RequestFacts) -> Outcome:
    """What the request would give, from which date, the credit it uses, and what is missing."""
    if facts.kind not in KINDS:
        raise RuleInputError(f"unknown request kind {facts.kind!r} (kinds: {', '.join(KINDS)})")
    window = window_on(rules, facts.filed_on, facts.window_id)
    effective = window.effective if window else facts.filed_on
    before = rate_on(rules, facts.record, effective)
    position = before.position
    outcome = Outcome(facts.kind, window, position.step, position.lane, position.growth_steps, position.lane,
                      position.growth_steps, facts.role, old_annual=before.total,
                      new_micro_credential_growth_steps=position.micro_credential_growth_steps)
    if window is None:
        outcome.missing.append(f"the window {facts.window_id!r} has no deadline left after {facts.filed_on}"
                               if facts.window_id else
                               f"{rules.district.name} has no submission window open after {facts.filed_on}")
        return outcome
    year = window.school_year
    outcome.explanation.append(f"filed by {window.deadline} ({window.window.name}): effective {window.effective}, "
                               f"{window.window.share_of_year} of the {year.label} school year")
    pending = [c for c in facts.record.credits if c.pending]
    pool = pools(rules, facts.record.credits, effective, earned_by=window.deadline)
    outcome.refused = list(pool.refused)
    outcome.explanation.extend(pool.notes)
    if any(c.status != "granted" for c in pending) and facts.evidence_files == 0:
        outcome.missing.append("attach evidence (a transcript, certificate or badge file) for credit not yet granted")
    try:
        if facts.kind == "role":
            _role(rules, facts, outcome, year, before)
            after_change = outcome.change()
        else:
            nothing_counts = pool.micro_credential_count <= 0 and pool.hour_count <= 0
            earned = earn(rules, year, position, pool, kinds=(facts.kind,), target_lane=facts.target_lane,
                          lane_changes_left=_lane_changes_left(rules, facts.record, year))
            if nothing_counts and not earned.lane_changes:
                outcome.missing.append("attach the credit the request rests on (micro-credentials, transcript credit or "
                                       "PD hours)")
            _moved(rules, facts, outcome, year, position, earned)
            after_change = outcome.change()
        after = rate_on(rules, replace(facts.record, changes=facts.record.changes + (after_change,)), effective)
        outcome.new_annual = after.total
        outcome.illustrative = before.illustrative or after.illustrative
        outcome.explanation.append(f"now: {money_str(before.total)} a year ({before.base.explanation})")
        outcome.explanation.append(f"from {effective}: {money_str(after.total)} a year ({after.base.explanation})")
    except (RuleInputError, KeyError) as exc:
        outcome.missing.append(f"the rules cannot place this request: {exc}")
        outcome.new_annual = None
    return outcome


def _moved(rules, facts: RequestFacts, outcome: Outcome, year: SchoolYear, position: Position, earned) -> None:
    """Fill the outcome from what the credit earns, or say what is still missing."""
    outcome.explanation.extend(earned.explanation)
    labels = {c.id: c.label for c in facts.record.credits}
    kinds = {c.id: c.kind for c in facts.record.credits}
    outcome.uses = {i: amount for i, amount in earned.uses.items() if i is not None}
    outcome.micro_credentials_counted = earned.micro_credentials_used
    outcome.credit_hours = sum((a for i, a in earned.uses.items() if kinds.get(i) != MICRO_CREDENTIAL), ZERO)
    for credit_id, amount in earned.uses.items():
        outcome.counted.append((credit_id, f"{labels.get(credit_id, 'credit')}: {quantity_str(amount)} used"))
    if facts.kind == "lane_change":
        order = [l.id for l in lanes_on(rules, year)]
        if facts.target_lane and facts.target_lane not in order:
            outcome.missing.append(f"lane {facts.target_lane!r} is not on the {year.label} schedule")
            return
        same_year = [c.effective for c in facts.record.changes
                     if c.kind == "lane_change" and year.start <= c.effective < year.end]
        limit = rules.counting.lane_changes_per_year
        if limit is not None and len(same_year) >= limit:
            outcome.missing.append(f"{rules.district.name} allows no lane changes" if not limit else
                                   f"{rules.district.name} allows {limit} lane change(s) a school year"
                                   + (f"; one already takes effect on {same_year[0]}" if same_year else ""))
            return
        if not earned.lane_changes:
            following = order[order.index(position.lane) + 1:] if position.lane in order else []
            if not following:
                outcome.missing.append(f"lane {position.lane} is the last lane")
            else:
                need = rules.lane(facts.target_lane or following[0])
                outcome.missing.append(f"lane {need.id} needs {need.credits} credit hours beyond the {need.degree}'s "
                                       f"degree; the credit that counts does not reach it")
            return
        if facts.target_lane and order.index(earned.position.lane) < order.index(facts.target_lane):
            need = rules.lane(facts.target_lane)
            outcome.missing.append(f"lane {need.id} needs {need.credits} credit hours beyond the {need.degree}'s degree "
                                   f"(the credit earns lane {earned.position.lane})")
            return
        outcome.new_lane = earned.position.lane
    else:
        if not earned.growth_added:
            outcome.missing.append(_growth_missing(rules, position, facts))
            return
        outcome.new_growth_steps = earned.position.growth_steps
        outcome.new_micro_credential_growth_steps = earned.position.micro_credential_growth_steps


def _lane_changes_left(rules: DistrictRules, record: TeacherRecord, year: SchoolYear) -> int | None:
    """How many more lane changes the rules allow in a school year, after the approved ones."""
    limit = rules.counting.lane_changes_per_year
    if limit is None:
        return None
    done = sum(1 for c in record.changes if c.kind == "lane_change" and year.start <= c.effective < year.end)
    return max(0, limit - done)


def _growth_missing(rules: DistrictRules, position: Position, facts: RequestFacts) -> str:
    """What a growth step still needs, by the same count as the teacher's "what moves me next"."""
    mc_rule, per_hours = rules.micro_credentials, rules.counting.credit_hours_per_growth_step
    by_micro_credentials = mc_rule.counts_toward == "growth_steps" and bool(mc_rule.per_growth_step)
    if not (by_micro_credentials or per_hours):
        return f"{rules.district.name} has no growth steps"
    parts, notes = [], []
    if by_micro_credentials:
        if mc_rule.max_growth_steps is not None and position.micro_credential_growth_steps >= mc_rule.max_growth_steps:
            notes.append(f"micro-credentials earn at most {mc_rule.max_growth_steps} growth steps; "
                         f"{position.micro_credential_growth_steps} already held")
        else:
            year = school_year_of(rules, facts.filed_on)
            _, opening = opening_position(rules, facts.record, year)
            needed = micro_credentials_to_next_phase(rules, facts.record, year, facts.filed_on, position, opening,
                                                     assume_granted=False)
            have = pools(rules, facts.record.credits, facts.filed_on,
                         opening_micro_credentials=opening).micro_credential_count
            parts.append(f"{needed} more granted micro-credential(s) for a phase of {mc_rule.per_growth_step} "
                         f"({have} count; at least {rules.counting.min_micro_credentials_per_year} in a school year)")
    if per_hours:
        parts.append(f"{per_hours} credit hours")
    return "; ".join(notes + ["a growth step needs " + " or ".join(parts)])


def _role(rules, facts: RequestFacts, outcome: Outcome, year: SchoolYear, before) -> None:
    if not facts.role:
        outcome.missing.append("choose the role the request is for")
        return
    try:
        role = rules.role(facts.role)
    except KeyError:
        outcome.missing.append(f"unknown role {facts.role!r}")
        return
    check = role_check(rules, role, year, before.placement)
    outcome.missing.extend(check.missing)
    if check.eligible:
        outcome.explanation.append(f"eligible for {role.name}")


def school_year_of(rules: DistrictRules, day: date) -> SchoolYear:
    """The district's school year a date falls in."""
    return SchoolYear.containing(day, *month_day(rules.district.school_year_starts))


def year_changes(rules: DistrictRules, record: TeacherRecord, change: ApprovedChange, until: date) -> list[YearChange]:
    """A change school year by school year, from its effective date to the school year `until` falls in: the annual
    pay without it and with it (the same walk as the teacher's timeline; FTE is in both, once)."""
    first = school_year_of(rules, change.effective)
    last = school_year_of(rules, max(until - timedelta(days=1), change.effective))
    with_change = replace(record, changes=record.changes + (change,))
    changes, year = [], first
    while year <= last:
        on = change.effective if year == first else year.start
        old = rate_on(rules, record, on).total
        new = rate_on(rules, with_change, on).total
        changes.append(YearChange(year, old, new, on, change.share_of_year if year == first else ONE))
        year = year.plus(1)
    return changes


def change_retro(rules: DistrictRules, record: TeacherRecord, change: ApprovedChange, today: date,
                 reverse: bool = False) -> RetroPay:
    """Retroactive pay owed for an approved change until payroll pays it (`today` or its effective date), or, for a
    reversal, the overpayment to recover: the daily difference of the two walks times the days already paid."""
    new_rate_from = max(today, change.effective)
    changes = year_changes(rules, record, change, new_rate_from)
    return retroactive_pay(rules, reversal(changes) if reverse else changes, new_rate_from)
