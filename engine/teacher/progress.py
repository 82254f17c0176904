"""What a teacher's credit earns: which ledger items count (status, yearly minimum and cap,
look-back, expiry, conversions), and the lane change or growth steps they make, using the
oldest credit first and leaving the rest for the next phase or lane.

One function (`earn`) decides for every view: the estimate's timeline, "what moves me next",
the request preview, HR's decision and the projection reference.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import ZERO
from engine.pay.credit import base_credits, converted_credit, earned_lane, lane_after_move, lanes_on
from engine.rules import DistrictRules
from engine.rules.values import memo
from engine.school_year import SchoolYear
from engine.teacher.record import MICRO_CREDENTIAL, CreditItem


@dataclass(frozen=True)
class Position:
    """Where a teacher stands: step, lane, degree, growth steps (and how many came from micro-credentials)."""

    step: int
    lane: str
    degree: str
    growth_steps: int = 0
    micro_credential_growth_steps: int = 0


@dataclass
class Lot:
    """Counted credit still available from one ledger item, in the units it is counted in."""

    item: CreditItem
    units: Decimal          # micro-credentials, or semester hours
    per_unit: Decimal       # ledger amount per unit (1 for micro-credentials and graduate credit)


@dataclass
class Pools:
    """The counted, unused credit a teacher can still put to use, oldest first, and why the rest is left out."""

    micro_credentials: list[Lot] = field(default_factory=list)
    hours: list[Lot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: list[tuple[int | None, str]] = field(default_factory=list)
    opening_micro_credentials: int = 0

    @property
    def micro_credential_count(self) -> Decimal:
        return self.opening_micro_credentials + sum((lot.units for lot in self.micro_credentials), ZERO)

    @property
    def hour_count(self) -> Decimal:
        return sum((lot.units for lot in self.hours), ZERO)


@dataclass
class Earned:
    """What counted credit makes: the new position, the credit it uses (ledger id -> amount) and why."""

    position: Position
    uses: dict[int | None, Decimal] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)
    lane_changes: int = 0
    micro_credentials_used: int = 0

    @property
    def moved(self) -> bool:
        return bool(self.lane_changes) or bool(self.explanation and self.growth_added)

    growth_added: int = 0


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29
        return day.replace(year=day.year - years, day=28)


def counts(rules: DistrictRules, item: CreditItem, assume_granted: bool) -> str | None:
    """Why an item does not count, or None when it does."""
    if item.status == "denied":
        return f"{item.label}: denied credit does not count"
    if item.pending or item.status == "planned" or (assume_granted and item.status == "submitted"):
        return None
    if item.kind == MICRO_CREDENTIAL:
        statuses = set(rules.micro_credentials.statuses_counted)
        if item.status not in statuses:
            return (f"{item.label}: a micro-credential counts only when {' or '.join(sorted(statuses))} "
                    f"(this one is {item.status})")
        return None
    if item.status != "granted":
        return f"{item.label}: {item.status}, not yet granted"
    return None


def pools(rules: DistrictRules, credits: tuple[CreditItem, ...] | list[CreditItem], effective: date, *,
          assume_granted: bool = False, opening_micro_credentials: int = 0, earned_by: date | None = None) -> Pools:
    """The credit that counts on an effective date: micro-credentials by the yearly minimum and cap, other credit
    converted to semester hours and capped per school year, nothing expired, denied or used up; oldest first.

    With `earned_by` (a window's deadline), credit earned after it counts toward a later window, not this one."""
    counting = rules.counting
    found = Pools(opening_micro_credentials=opening_micro_credentials)
    limits = []
    if counting.look_back_years is not None:
        limits.append((counting.look_back_years, f"older than the {counting.look_back_years}-year look-back"))
    if counting.credit_expires_after_years is not None:
        limits.append((counting.credit_expires_after_years,
                       f"expired: credit lapses after {counting.credit_expires_after_years} years"))
    live: list[CreditItem] = []
    for item in sorted(credits, key=lambda c: (c.school_year, c.earned_on or date.min, c.id or 0)):
        why = counts(rules, item, assume_granted)
        if why is None and earned_by is not None and item.earned_on is not None and item.earned_on > earned_by:
            why = (f"{item.label} (earned {item.earned_on}): after the {earned_by} deadline, it counts toward a "
                   f"later window")
        if why is None and item.unused <= 0 and counting.credit_used_once:
            # Used up: it makes no more moves, but still counts in its year's total (the yearly minimum counts what
            # a year earned, used or not).
            found.refused.append((item.id, f"{item.label}: already used by an approved request; credit counts once"))
            live.append(item)
            continue
        if why is None and item.earned_on is not None:
            for years, text in sorted(limits):
                if item.earned_on < _years_before(effective, years):
                    why = f"{item.label} (earned {item.earned_on}): {text}"
                    break
        if why:
            found.refused.append((item.id, why))
        else:
            live.append(item)
    _micro_credential_lots(rules, [c for c in live if c.kind == MICRO_CREDENTIAL], found)
    _hour_lots(rules, [c for c in live if c.kind != MICRO_CREDENTIAL], found)
    return found


def _micro_credential_lots(rules: DistrictRules, items: list[CreditItem], found: Pools) -> None:
    """Micro-credentials by the school year they count for: none in a year below the minimum, at most the cap."""
    counting = rules.counting
    by_year: dict[str, list[CreditItem]] = defaultdict(list)
    for item in items:
        by_year[item.school_year].append(item)
    for label in sorted(by_year):
        earned = sum((c.amount for c in by_year[label]), ZERO)
        if earned < counting.min_micro_credentials_per_year:
            found.notes.append(f"{label}: {earned} micro-credential(s) is below the minimum of "
                               f"{counting.min_micro_credentials_per_year} a school year, so none count")
            for c in by_year[label]:
                found.refused.append((c.id, f"{c.label}: {label} is below the yearly minimum of "
                                            f"{counting.min_micro_credentials_per_year}"))
            continue
        room = earned
        if counting.max_micro_credentials_per_year is not None and earned > counting.max_micro_credentials_per_year:
            found.notes.append(f"{label}: only {counting.max_micro_credentials_per_year} of {earned} "
                               f"micro-credentials count")
            room = Decimal(counting.max_micro_credentials_per_year)
        for c in by_year[label]:
            take = min(c.amount, room)
            room -= take
            available = take - min(c.used, take)
            if available > 0:
                found.micro_credentials.append(Lot(c, available, Decimal(1)))


def _hour_lots(rules: DistrictRules, items: list[CreditItem], found: Pools) -> None:
    """Other credit as semester hours, converted by the district's rules and capped per school year."""
    cap = rules.counting.max_credits_per_year
    by_year: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        hours = converted_credit(rules, item.kind, item.amount)
        if item.kind != "graduate_credit":
            found.notes.append(f"{item.school_year}: {item.amount} {item.kind.replace('_', ' ')} = {hours} semester hours")
        if hours <= 0:
            continue
        per_unit = item.amount / hours
        if cap is not None and by_year[item.school_year] + hours > cap:
            allowed = max(ZERO, cap - by_year[item.school_year])
            found.notes.append(f"{item.school_year}: only {cap} credit hours a year count")
            hours = allowed
        by_year[item.school_year] += hours
        used_hours = item.used / per_unit
        if hours - used_hours > 0:
            found.hours.append(Lot(item, hours - used_hours, per_unit))


def _take(lots: list[Lot], units: Decimal, uses: dict[int | None, Decimal]) -> Decimal:
    """Use `units` from the oldest lots first; give how many were short."""
    for lot in lots:
        if units <= 0:
            break
        take = min(lot.units, units)
        if take <= 0:
            continue
        lot.units -= take
        units -= take
        uses[lot.item.id] = uses.get(lot.item.id, ZERO) + take * lot.per_unit
    lots[:] = [lot for lot in lots if lot.units > 0]
    return units


def earn(rules: DistrictRules, year: SchoolYear, position: Position, pool: Pools, *, kinds=("lane_change", "growth_step"),
         target_lane: str | None = None, lane_changes_left: int | None = None) -> Earned:
    """The lane change and growth steps counted credit makes in a school year, and the credit it uses.

    Growth steps by micro-credentials come in phases (Dysart: 15 each, at most 2); growth steps by
    semester hours and lanes by credit beyond the degree. What is not needed stays in the pool."""
    result = Earned(position)
    if "growth_step" in kinds:
        _growth_by_micro_credentials(rules, result, pool)
        _growth_by_hours(rules, result, pool)
    if "lane_change" in kinds:
        _lane(rules, year, result, pool, target_lane, lane_changes_left)
    return result


MAX_CACHED_DEGREE_LANES = 10_000  # per rule set; at most (school years) x (lanes) x (degrees) of them


def earn_by_degree(rules: DistrictRules, year: SchoolYear, position: Position) -> Earned:
    """What `earn` makes with no credit to put to use: only a degree (with the credit its lane shows) can still earn
    a lane further right. The same for every teacher in a lane with a degree, so kept per rules by (school year,
    lane, degree)."""
    cache = memo(rules).setdefault("earn_by_degree", {})
    key = (year.start, position.lane, position.degree)
    found = cache.get(key)
    if found is None:
        if len(cache) >= MAX_CACHED_DEGREE_LANES:
            cache.clear()
        earned = earn(rules, year, Position(0, position.lane, position.degree), Pools())
        found = cache[key] = (earned.position.lane, tuple(earned.explanation), earned.lane_changes)
    lane, explanation, lane_changes = found
    after = position if lane == position.lane else replace(position, lane=lane)
    return Earned(after, explanation=list(explanation), lane_changes=lane_changes)


MAX_CACHED_FILINGS = 4096  # per rule set


def earn_filed(rules: DistrictRules, year: SchoolYear, effective: date, position: Position,
               credits: list[CreditItem], opening_micro_credentials: int) -> tuple[Earned, int]:
    """What the credit that counts on an effective date earns if filed then (granted as assumed), and the opening
    micro-credentials left: `earn` on `pools`. Kept per rules by everything it depends on: the school year, the date,
    the position but its step (a step never earns anything), the opening balance and every field of every item."""
    cache = memo(rules).setdefault("earn_filed", {})
    key = (year.start, effective, position.lane, position.degree, position.growth_steps,
           position.micro_credential_growth_steps, opening_micro_credentials, tuple(_exactly(c) for c in credits))
    found = cache.get(key)
    if found is None:
        if len(cache) >= MAX_CACHED_FILINGS:
            cache.clear()
        pool = pools(rules, credits, effective, assume_granted=True, opening_micro_credentials=opening_micro_credentials)
        earned = earn(rules, year, position, pool)
        found = cache[key] = (earned.position.lane, earned.position.growth_steps,
                              earned.position.micro_credential_growth_steps, tuple(earned.uses.items()),
                              tuple(earned.explanation), earned.lane_changes, earned.growth_added,
                              earned.micro_credentials_used, pool.opening_micro_credentials)
    lane, growth, mc_growth, uses, explanation, lane_changes, growth_added, mcs_used, opening_left = found
    after = Position(position.step, lane, position.degree, growth, mc_growth)
    return Earned(after, dict(uses), list(explanation), lane_changes=lane_changes, micro_credentials_used=mcs_used,
                  growth_added=growth_added), opening_left


def _exactly(item: CreditItem) -> tuple:
    """An item's fields as a key, each Decimal by its text: 15 and 15.0 are equal, but an explanation shows them apart."""
    return tuple(str(value) if isinstance(value, Decimal) else value for value in vars(item).values())


def _growth_by_micro_credentials(rules: DistrictRules, result: Earned, pool: Pools) -> None:
    rule = rules.micro_credentials
    if rule.counts_toward != "growth_steps" or not rule.per_growth_step:
        return
    position = result.position
    room = None if rule.max_growth_steps is None else rule.max_growth_steps - position.micro_credential_growth_steps
    phases = int(pool.micro_credential_count // rule.per_growth_step)
    if room is not None:
        phases = max(0, min(phases, room))
    if not phases:
        return
    need = Decimal(phases * rule.per_growth_step)
    from_opening = min(need, Decimal(pool.opening_micro_credentials))
    pool.opening_micro_credentials -= int(from_opening)
    _take(pool.micro_credentials, need - from_opening, result.uses)
    result.micro_credentials_used += int(need)
    result.growth_added += phases
    result.position = replace(position, growth_steps=position.growth_steps + phases,
                              micro_credential_growth_steps=position.micro_credential_growth_steps + phases)
    result.explanation.append(f"{phases * rule.per_growth_step} micro-credentials complete {phases} phase(s) of "
                              f"{rule.per_growth_step}: growth step {result.position.growth_steps}")


def _growth_by_hours(rules: DistrictRules, result: Earned, pool: Pools) -> None:
    per = rules.counting.credit_hours_per_growth_step
    if not per:
        return
    steps = int(pool.hour_count // per)
    if not steps:
        return
    _take(pool.hours, Decimal(steps * per), result.uses)
    result.growth_added += steps
    result.position = replace(result.position, growth_steps=result.position.growth_steps + steps)
    result.explanation.append(f"{steps * per} credit hours make {steps} growth step(s) ({per} hours each): "
                              f"growth step {result.position.growth_steps}")


def lane_credit(rules: DistrictRules, position: Position, pool: Pools) -> tuple[Decimal, Decimal, Decimal]:
    """Credit beyond the degree for lanes: (what the lane shows, new hours, new micro-credential hours counted)."""
    lane = rules.lane(position.lane)
    base = base_credits(lane, position.degree)
    rule = rules.micro_credentials
    mc_hours = ZERO
    if rule.counts_toward == "lanes":
        mc_hours = rule.credit_hours_each * pool.micro_credential_count
    hours = pool.hour_count
    if not rule.combine_with_other_credit:
        if mc_hours > hours:
            hours = ZERO
        else:
            mc_hours = ZERO
    return base, hours, mc_hours


def _lane(rules: DistrictRules, year: SchoolYear, result: Earned, pool: Pools, target_lane: str | None,
          lane_changes_left: int | None) -> None:
    position = result.position
    base, hours, mc_hours = lane_credit(rules, position, pool)
    credit = base + hours + mc_hours  # with no new credit, a degree alone may earn a lane further right
    order = [lane.id for lane in lanes_on(rules, year)]
    if position.lane not in order:
        return
    try:
        earned = earned_lane(rules, year, position.degree, credit)
    except RuleInputError:
        return  # no lane takes this degree: the teacher stays where HR placed them
    target = earned.id
    if target_lane and target_lane in order and order.index(target_lane) <= order.index(earned.id):
        target = target_lane
    if order.index(target) <= order.index(position.lane):
        return
    limit = rules.counting.lane_changes_per_year if lane_changes_left is None else lane_changes_left
    allowed = lane_after_move(order, position.lane, target, limit)
    if allowed == position.lane:
        result.explanation.append(f"the credit earns lane {target}, but no more lane changes are allowed this "
                                  f"school year ({rules.district.name} allows {rules.counting.lane_changes_per_year})")
        return
    if allowed != target:
        result.explanation.append(f"{rules.counting.lane_changes_per_year} lane change(s) a year: lane {allowed} now, "
                                  f"{target} in a later year")
        target = allowed
    need = Decimal(base_credits(rules.lane(target), position.degree)) - base
    if rules.lane(target).degree != position.degree:
        need = hours + mc_hours  # a lane earned by an equivalent (another degree's lane) uses all the credit counted
    need = min(need, hours + mc_hours)
    short = _take(pool.hours, min(need, hours), result.uses) if hours else ZERO
    rest = need - min(need, hours) + short
    if rest > 0 and mc_hours > 0:
        each = rules.micro_credentials.credit_hours_each
        count = -(-rest // each)  # whole micro-credentials
        from_opening = min(count, Decimal(pool.opening_micro_credentials))
        pool.opening_micro_credentials -= int(from_opening)
        _take(pool.micro_credentials, count - from_opening, result.uses)
        result.micro_credentials_used += int(count)
    result.explanation.append(f"{base} hours shown by lane {position.lane} + {hours + mc_hours} new = {credit} credit "
                              f"hours beyond the {position.degree}'s degree earn lane {target}")
    result.lane_changes += 1
    result.position = replace(position, lane=target)
