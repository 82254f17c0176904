"""A teacher's state and pay, school year by school year, from their record: one function for
every view (estimate, dashboard, what-if, next, best, request preview, HR decision,
retroactive pay, payroll export and the per-teacher projection reference).

Each school year starts from HR's placement for that year (or the last one, advanced a step a
year, none in a freeze year), applies the approved changes effective in the year, and, when
asked to, the changes the teacher's unused credit would make if filed in the window of the year
it is earned (assumed filed and approved: the timeline says so). A change effective part-way
through a year pays the new rate for its window's share of the year.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import ONE, ZERO, money_str
from engine.pay.additions import Line, Placement, addition_lines, role_check, role_line
from engine.pay.cells import advanced_step, cell_amount, lines_round
from engine.pay.windows import WindowDates, window_dates, window_on
from engine.rules import DistrictRules, Window
from engine.school_year import SchoolYear
from engine.teacher.progress import Position, earn_by_degree, earn_filed, pools
from engine.teacher.record import MICRO_CREDENTIAL, ApprovedChange, CreditItem, TeacherRecord, service_years


@dataclass
class YearPay:
    """Pay in one school year of a timeline, with its position, lines, reasons and events."""

    school_year: SchoolYear
    placement: Placement
    base: Line
    additions: list[Line]
    assumed: bool
    events: list[str] = field(default_factory=list)
    not_applied: list[dict] = field(default_factory=list)
    cumulative: Decimal = ZERO
    position: Position | None = None
    micro_credentials_earned: int = 0
    # Worked out once from the lines (they never change after the walk made them): the cumulative and to_json read them.
    additions_total: Decimal = field(init=False, repr=False, compare=False)
    total: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.additions_total = sum((line.amount for line in self.additions), ZERO)
        self.total = self.base.amount + self.additions_total

    @property
    def illustrative(self) -> bool:
        return self.base.illustrative or any(line.illustrative for line in self.additions)

    def to_json(self) -> dict:
        return {
            "school_year": self.school_year.label,
            "step": self.placement.step,
            "lane": self.placement.lane,
            "growth_steps": self.placement.growth_steps,
            "fte": str(self.placement.fte),
            "years_of_service": self.placement.service_years(),
            "base_salary": money_str(self.base.amount),
            "additions": [line.to_json() for line in self.additions],
            "additions_total": money_str(self.additions_total),
            "total": money_str(self.total),
            "cumulative": money_str(self.cumulative),
            "assumed": self.assumed,
            "illustrative": self.illustrative,
            "not_applied": list(self.not_applied),
            "explanation": [self.base.explanation] + [f"{l.name}: {l.explanation}" for l in self.additions] + self.events,
        }


@dataclass(frozen=True)
class Walk:
    """How to walk a record: from which year, how far, and what to assume beyond what HR approved."""

    first: SchoolYear
    years: int = 1
    today: date | None = None
    assume_filing: bool = True
    windows: tuple[tuple[str, str], ...] = ()   # school year -> window id the year's credit is filed in
    aim_role: str | None = None
    days_worked: int | None = None

    def window_in(self, label: str) -> str | None:
        found = None
        for year, window_id in self.windows:  # the last one given for a year, as a dict of them would keep
            if year == label:
                found = window_id
        return found


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
    raise RuleInputError(f"unknown submission window {window_id!r} "
                         f"(windows: {', '.join(w.id for w in rules.submission_windows)})")


def step_in_year(rules: DistrictRules, step: int, placed: SchoolYear, school_year: SchoolYear, lane: str) -> int:
    """The step a teacher placed in one school year holds in a later one: one advance a year, none in freeze years."""
    year = placed
    while year < school_year:
        year = year.plus(1)
        if year.label not in rules.steps.freeze_years:
            step = advanced_step(rules, year, step, lane)
    return step


def opening_position(rules: DistrictRules, record: TeacherRecord, first: SchoolYear) -> tuple[Position, int]:
    """Where a teacher stands at the start of a school year from HR's last placement and the opening balance,
    and the opening micro-credentials still counting toward the next phase."""
    placed = record.placement_on_or_before(first)
    if placed is None:
        raise RuleInputError(f"no placement on or before {first.label}")
    try:
        lane = rules.lane(placed.lane)
    except KeyError:
        raise RuleInputError(f"unknown lane {placed.lane!r} (lanes: {', '.join(l.id for l in rules.lanes)})") from None
    degree = placed.degree or lane.degree
    step = step_in_year(rules, placed.step, rules.year(placed.school_year), first, lane.id)
    held = record.opening.micro_credentials
    growth = record.opening.growth_steps
    rule = rules.micro_credentials
    mc_growth, available = 0, 0
    if rule.counts_toward == "growth_steps" and rule.per_growth_step:
        # Growth steps already held are taken to be the micro-credentials' first (they are where they count).
        mc_growth = growth if rule.max_growth_steps is None else min(growth, rule.max_growth_steps)
        available = max(0, held - mc_growth * rule.per_growth_step)
    return Position(step, lane.id, degree, growth, mc_growth), available


def apply_change(position: Position, change: ApprovedChange, lane_applies: bool = True) -> Position:
    """The position after an approved change (its lane and growth steps are absolute, so applying twice is harmless)."""
    if change.new_lane and lane_applies:
        position = replace(position, lane=change.new_lane)
    if change.new_growth_steps is not None:
        position = replace(position, growth_steps=max(position.growth_steps, change.new_growth_steps))
    if change.new_micro_credential_growth_steps is not None:
        position = replace(position, micro_credential_growth_steps=max(position.micro_credential_growth_steps,
                                                                      change.new_micro_credential_growth_steps))
    return position


def ratings_through(record: TeacherRecord, year: SchoolYear, events: list[str]) -> tuple[tuple[str, str], ...]:
    """The ratings known by a school year; after the last one, the last rating is assumed to continue."""
    ratings: dict[str, str] = {}
    for label, rating in record.ratings:
        try:
            SchoolYear.from_label(label)
        except ValueError:
            continue  # not a school year: it can rate no year
        ratings[label] = rating
    if not ratings:
        return ()
    last = max(ratings)
    if last < year.label:
        carried = SchoolYear.from_label(last)
        while carried < year:
            carried = carried.plus(1)
            ratings[carried.label] = ratings[last]
        events.append(f"assumed: the {last} rating ({ratings[last].replace('_', ' ')}) continues")
    return tuple(sorted(ratings.items()))


def micro_credentials_counted(rules: DistrictRules, credits: tuple[CreditItem, ...], label: str,
                              assume_granted: bool) -> int:
    """Micro-credentials that count for one school year, by the yearly minimum and cap (used or not)."""
    earned = [replace(c, used=ZERO) for c in credits if c.kind == MICRO_CREDENTIAL and c.school_year == label]
    found = pools(rules, earned, rules.year(label).start, assume_granted=assume_granted)
    return int(found.micro_credential_count)


def _pay_placement(rules, record, year, position, days_worked, ratings, micro_credentials_total, role=None):
    placed = record.placement_on_or_before(year) or record.first_placement
    return Placement(step=position.step, lane=position.lane, fte=placed.fte, degree=position.degree,
                     band=placed.band, years_of_service=service_years(rules, record, year, position.step),
                     subjects=record.subjects, certifications=record.certifications, certified=record.certified,
                     role=role, growth_steps=position.growth_steps, micro_credentials_total=micro_credentials_total,
                     achievements=record.achievements, ratings=ratings, days_worked=days_worked)


def pay_in_year(rules: DistrictRules, year: SchoolYear, start: Position, placement: Placement,
                micro_credentials_this_year: int = 0, *, moves: list[tuple[Decimal, Position, str]] = (),
                roles: set[str] = frozenset(), aim_role: str | None = None, events: list[str] | None = None):
    """A school year's pay lines for a position: base (the cell, each mid-year change for its share), every addition
    the rules give, and role supplements; with the additions that do not apply and why, and the year-end cell.
    The walk, and the per-teacher projection reference, pay every teacher-year through this one function."""
    base, cell = _base_line(rules, year, start, list(moves), placement)
    not_applied: list[dict] = []
    additions = addition_lines(rules, year, placement, micro_credentials_this_year, not_applied)
    additions += _role_lines(rules, year, placement, set(roles), aim_role, events if events is not None else [])
    return base, additions, not_applied, cell


def _base_line(rules, year, start: Position, moves: list[tuple[Decimal, Position, str]],
               placement: Placement) -> tuple[Line, object]:
    """Base pay for a year (the cell at the year's start, plus each mid-year change for its share), and the last cell."""
    cell = cell_amount(rules, year, start.step, start.lane, start.growth_steps)
    raw, text, illustrative = cell.amount, cell.explanation, cell.illustrative
    before = cell
    for share, after, when in moves:
        new = cell_amount(rules, year, after.step, after.lane, after.growth_steps)
        raw += (new.amount - before.amount) * share
        text += (f"; from {when} ({share} of the year): {new.explanation}; + ({money_str(new.amount)} - "
                 f"{money_str(before.amount)}) x {share}")
        illustrative = illustrative or new.illustrative
        before = new
    if placement.fte != ONE:
        text += f" x FTE {placement.fte}"
    raw = raw * placement.fte
    if placement.days_worked is not None:
        raw = raw * placement.days_worked / rules.pay.contract_days
        text += f" x {placement.days_worked} of {rules.pay.contract_days} contract days (a partial year)"
    return Line("Base salary", lines_round(rules, raw), text, kind="base", illustrative=illustrative), before


def _filing_dates(rules: DistrictRules, walk: Walk, year: SchoolYear, k: int) -> WindowDates | None:
    window_id = walk.window_in(year.label)
    window = window_for(rules, window_id)
    if window is None:
        return None
    if k == 0 and walk.today is not None and year.start <= walk.today < year.end:
        return window_on(rules, walk.today, window_id) or window_dates(rules, window, year)
    return window_dates(rules, window, year)


def walk(rules: DistrictRules, record: TeacherRecord, plan: Walk) -> list[YearPay]:
    """The teacher's pay year by year from `plan.first`, over `plan.years` school years."""
    if not 1 <= plan.years <= 50:
        raise RuleInputError("years must be between 1 and 50")
    position, opening_available = opening_position(rules, record, plan.first)
    placed_year = rules.year(record.placement_on_or_before(plan.first).school_year)
    changes = sorted(record.changes, key=lambda c: (c.effective, c.request_id or 0))
    for change in changes:
        if change.effective < plan.first.start:
            position = apply_change(position, change, lane_applies=change.effective >= placed_year.start)
    roles_held = {c.role for c in changes if c.role and c.effective < plan.first.start}
    used: dict[int | None, Decimal] = {}
    landing: list[tuple[date, Decimal, Position, str]] = []   # assumed filings effective in a later year
    # Micro-credentials that count for each school year (the yearly minimum and cap), worked out once per walk.
    counted = {label: micro_credentials_counted(rules, record.credits, label, plan.assume_filing)
               for label in {c.school_year for c in record.credits if c.kind == MICRO_CREDENTIAL}}
    timeline: list[YearPay] = []
    cumulative = ZERO
    for k in range(plan.years):
        year = plan.first.plus(k)
        events: list[str] = []
        if k > 0:
            position = _next_year(rules, record, year, position, events)
        state = _Year(year, position)
        dated = []
        if changes or landing:
            dated = [(c.effective, c) for c in changes if year.start <= c.effective < year.end]
            dated += [(entry[0], entry) for entry in landing if year.start <= entry[0] < year.end]
            landing = [entry for entry in landing if entry[0] >= year.end]
            dated.sort(key=lambda d: d[0])
        for when, what in dated:
            if isinstance(what, ApprovedChange):
                if what.role:
                    roles_held.add(what.role)
                    events.append(f"approved: {_role_name(rules, what.role)} from {when}")
                state.move(when, what.share_of_year, apply_change(state.position, what), f"approved from {when}")
            else:
                _, share, earned, text = what
                events.append(text)
                after = replace(state.position, lane=earned.lane, growth_steps=earned.growth_steps,
                                micro_credential_growth_steps=earned.micro_credential_growth_steps)
                state.move(when, share, after, str(when))
        if plan.assume_filing:
            filed = _assumed_filing(rules, record, plan, year, k, state.position, used, opening_available)
            if filed is not None:
                effective, share, after, text, opening_available = filed
                if effective >= year.end:
                    landing.append((effective, share, after, text))
                    events.append(f"earned this year; {text}; effective {effective}")
                else:
                    events.append(text + (f", effective {effective}" if effective > year.start else ""))
                    state.move(max(effective, year.start), share, after, str(effective))
        position = state.position
        ratings = ratings_through(record, year, events)
        counted_now = counted.get(year.label, 0)
        total_mcs = record.opening.micro_credentials + sum(n for label, n in counted.items() if label <= year.label)
        placement = _pay_placement(rules, record, year, position, plan.days_worked if k == 0 else None, ratings,
                                   total_mcs)
        base, additions, not_applied, cell = pay_in_year(rules, year, state.start, placement, counted_now,
                                                         moves=state.moves, roles=roles_held, aim_role=plan.aim_role,
                                                         events=events)
        pay = YearPay(year, placement, base, additions, assumed=cell.assumed_years > 0, events=events,
                      not_applied=not_applied, position=position, micro_credentials_earned=counted_now)
        cumulative += pay.total
        pay.cumulative = cumulative
        timeline.append(pay)
    return timeline


class _Year:
    """A school year's position at its start and the changes part-way through it."""

    def __init__(self, year: SchoolYear, position: Position):
        self.year = year
        self.start = position
        self.position = position
        self.moves: list[tuple[Decimal, Position, str]] = []

    def move(self, when: date, share: Decimal, after: Position, label: str) -> None:
        if after == self.position:
            return
        if when <= self.year.start and not self.moves:
            self.start = after
        else:
            self.moves.append((share, after, label))
        self.position = after


def _next_year(rules, record, year, position: Position, events: list[str]) -> Position:
    """The position at the start of the next school year: a step on (none in a freeze), or HR's placement for it."""
    step, lane, degree = position.step, position.lane, position.degree
    if year.label in rules.steps.freeze_years:
        events.append(f"{year.label} is a step freeze: no one advances")
    else:
        step = advanced_step(rules, year, step, lane)
    own = next((p for p in record.placements if p.school_year == year.label), None)
    if own is not None:
        step, lane, degree = own.step, own.lane, own.degree or degree
    return Position(step, lane, degree, position.growth_steps, position.micro_credential_growth_steps)


def _assumed_filing(rules, record, plan: Walk, year, k, position, used, opening_available):
    """What the teacher's unused credit would make if filed in this year's window and approved, or None."""
    dates = _filing_dates(rules, plan, year, k)
    effective = dates.effective if dates else year.start
    # Every item of the years so far (used ones too: a year's minimum counts what was earned in it).
    available = [replace(c, used=c.used + used.get(c.id, ZERO)) if c.id in used else c
                 for c in record.credits if c.school_year <= year.label]
    if opening_available or any(c.unused > 0 for c in available):
        earned, opening_available = earn_filed(rules, dates.school_year if dates else year, effective, position,
                                               available, opening_available)
    else:  # nothing to file: only a degree can still earn a lane
        earned = earn_by_degree(rules, dates.school_year if dates else year, position)
    if not (earned.lane_changes or earned.growth_added):
        return None
    for credit_id, amount in earned.uses.items():
        used[credit_id] = used.get(credit_id, ZERO) + amount
    share = dates.window.share_of_year if dates else ONE
    filed = f"by {dates.deadline} ({dates.window.name}) " if dates else ""
    text = f"assumed filed {filed}and approved: " + "; ".join(earned.explanation)
    return effective, share, earned.position, text, opening_available


def _role_name(rules: DistrictRules, role_id: str) -> str:
    return next((r.name for r in rules.roles if r.id == role_id), role_id)


def _role_lines(rules, year, placement, held: set[str], aim: str | None, events: list[str]) -> list[Line]:
    """Supplements of the roles held (approved) and of the role aimed for, from the year the teacher is eligible."""
    lines = []
    if not held and not aim:
        return lines
    for role_id in sorted(held | ({aim} if aim else set())):
        try:
            role = rules.role(role_id)
        except KeyError:
            raise RuleInputError(f"unknown role {role_id!r} (roles: {', '.join(r.id for r in rules.roles) or 'none'})") from None
        if role_id not in held:
            check = role_check(rules, role, year, placement)
            if not check.eligible:
                events.append(f"not yet eligible for {role.name}: " + "; ".join(check.missing))
                continue
        line = role_line(rules, role, year, replace(placement, role=role_id))
        if line is not None:
            lines.append(line)
    return lines


def rate_on(rules: DistrictRules, record: TeacherRecord, day: date) -> YearPay:
    """The annual pay rate in force on a date: HR's placement and the approved changes effective by then."""
    month, start_day = (int(p) for p in rules.district.school_year_starts.split("-"))
    first = SchoolYear.containing(day, month, start_day)
    effective = tuple(c for c in record.changes if c.effective <= day)
    rate_record = replace(record, changes=tuple(replace(c, effective=max(c.effective, first.start), share_of_year=ONE)
                                                if c.effective >= first.start else c for c in effective))
    return walk(rules, rate_record, Walk(first, 1, today=day, assume_filing=False))[0]
