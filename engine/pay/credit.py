"""Credit and lanes: which lane a degree and credit earn, the next lane, and other learning
(micro-credentials, PD hours, workshop points, CPE hours) turned into semester hours."""
from __future__ import annotations

from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import ZERO
from engine.pay.cells import schedule_for
from engine.rules import DEGREES, DistrictRules, Lane
from engine.rules.values import memo
from engine.school_year import SchoolYear


_RANK = {degree: rank for rank, degree in enumerate(DEGREES)}


def degree_rank(degree: str) -> int:
    return _RANK[degree]


def lane_need(lane: Lane) -> tuple:
    """For each degree, lowest first, the credit beyond it that a lane asks (None: that degree cannot qualify).

    A degree above the lane's own meets it; an equivalent ("or bachelor + 75") is met only
    by that degree with that credit, so a master's with no credit never meets "master + 15
    or bachelor + 75".
    """
    cache = memo(lane)
    if "need" in cache:
        return cache["need"]
    need: list = [None] * len(DEGREES)
    rank = degree_rank(lane.degree)
    for higher in range(rank + 1, len(DEGREES)):
        need[higher] = 0
    need[rank] = lane.credits
    for requirement in lane.equivalent:
        other = degree_rank(requirement.degree)
        if need[other] is None or requirement.credits < need[other]:
            need[other] = requirement.credits
    cache["need"] = tuple(need)
    return cache["need"]


def earnable(lanes: list[Lane]) -> list[bool]:
    """Which lanes credit can earn: not one that admits exactly the teachers of a lane to its left
    (two lanes typed alike, e.g. non-licensed and BA both 'bachelor': the right one never absorbs a teacher)."""
    seen: set[tuple] = set()
    result = []
    for lane in lanes:
        need = lane_need(lane)
        result.append(need not in seen)
        seen.add(need)
    return result


def lane_after_move(order: list[str], current: str, earned: str, per_year: int | None) -> str:
    """The lane a teacher moves to when credit earns `earned`: never left, at most `per_year` lanes right a year."""
    if current not in order or earned not in order:
        return current
    here, there = order.index(current), order.index(earned)
    if there <= here:
        return current
    if per_year is not None:
        there = min(there, here + per_year)
    return order[there]


def lane_qualifies(lane: Lane, degree: str, credits: Decimal) -> bool:
    """Whether a degree and credit beyond it meet a lane's requirement (or an equivalent)."""
    need = lane_need(lane)[degree_rank(degree)]
    return need is not None and credits >= need


def lanes_on(rules: DistrictRules, school_year: SchoolYear) -> list[Lane]:
    """The lanes of the schedule in force, left to right."""
    schedule, _, _ = schedule_for(rules, school_year)
    cache = memo(schedule)
    if "lanes_on" not in cache:
        cache["lanes_on"] = [rules.lane(lane_id) for lane_id in schedule.lanes]
    return list(cache["lanes_on"])


def earned_lane(rules: DistrictRules, school_year: SchoolYear, degree: str, credits: Decimal) -> Lane:
    """The rightmost lane a degree and credit beyond it earn (a lane typed like one to its left is never earned)."""
    schedule, _, _ = schedule_for(rules, school_year)
    cache = memo(schedule)
    found = cache.setdefault("earned", {}).get((degree, credits))
    if found is not None:
        return found
    if "earnable" not in cache:
        cache["earnable"] = earnable(lanes_on(rules, school_year))
    best = None
    for lane, can_earn in zip(lanes_on(rules, school_year), cache["earnable"]):
        if can_earn and lane_qualifies(lane, degree, credits):
            best = lane
    if best is None:
        raise RuleInputError(f"no lane on the {school_year.label} schedule accepts a {degree} degree")
    if len(cache["earned"]) < 10_000:
        cache["earned"][(degree, credits)] = best
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
