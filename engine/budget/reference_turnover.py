"""The per-teacher reference's turnover: who earns micro-credentials (1), and at the year's end leavers,
retirees, survivors moved on and hires (4-6), each target handed out by largest remainder over groups of
teachers in the same state. Shares no code with the fast engine (`engine.budget.projection`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from engine.budget.reference_teacher import HUNDRED, Teacher, _heads, _Model, _part_round, largest_remainder
from engine.pay.cells import schedule_for
from engine.school_year import SchoolYear


def _take(members: list[Teacher], parts: int) -> tuple[list[Teacher], list[Teacher]]:
    """`parts` of a group shared among its teachers by largest remainder: (taken, left)."""
    taken, left = [], []
    for t, share in zip(members, largest_remainder(parts, [m.parts for m in members])):
        if share:
            taken.append(replace(t, parts=share))
        if t.parts - share:
            left.append(replace(t, parts=t.parts - share))
    return taken, left


def _grouped(model: _Model, teachers: list[Teacher]) -> list[tuple[tuple, list[Teacher]]]:
    found: dict[tuple, list[Teacher]] = defaultdict(list)
    for t in teachers:
        found[model.state(t)].append(t)
    return sorted(found.items())


def _merged(teachers: list[Teacher]) -> list[Teacher]:
    """Shares of the same teacher in the same full state become one."""
    merged: dict[tuple, Teacher] = {}
    for t in teachers:
        key = (t.who, t.step, t.lane, t.growth, t.phases, t.progress, t.micro_credentials, t.credit, t.service,
               t.degree, t.profile, t.earning, t.role, t.now)
        if key in merged:
            merged[key].parts += t.parts
        else:
            merged[key] = t
    return list(merged.values())


Halves = list[tuple[tuple, list[Teacher], bool]]   # (state, teachers, earn this year), non-earners first


def _uptake(model: _Model, teachers: list[Teacher]) -> Halves:
    """1. Who earns micro-credentials this year, handed out group by group in the state's order."""
    grouped = _grouped(model, teachers)
    assumptions = model.assumptions
    pools = [(lambda state: True, assumptions.uptake_percent)]
    if assumptions.cohorts:
        # The state's eleventh part: earned micro-credentials last year.
        pools = [(lambda state: state[10] == 1, assumptions.persistence_percent),
                 (lambda state: state[10] == 0, assumptions.uptake_percent)]
    earners_of: dict[tuple, int] = {}
    for in_pool, rate in pools:
        members = [(state, m) for state, m in grouped if in_pool(state)]
        target = _part_round(Decimal(sum(_parts(m) for _, m in members)) * rate / HUNDRED)
        for (state, _), earners in zip(members, largest_remainder(target, [_parts(m) for _, m in members])):
            earners_of[state] = earners
    halves: Halves = []
    for state, members in grouped:
        earning, staying = _take(members, earners_of[state])
        halves += [(state, staying, False), (state, earning, True)]
    return halves


def _parts(teachers: list[Teacher]) -> int:
    return sum(t.parts for t in teachers)


def _year_end(model: _Model, year: SchoolYear, following: SchoolYear, halves: Halves) -> tuple[list[Teacher], dict]:
    """4-6. Leavers, survivors moved on, and hires: next year's teachers, and the year's turnover."""
    assumptions = model.assumptions
    schedule, _, _ = schedule_for(model.rules, year)
    last = {lane: schedule.last_step(lane) for lane in schedule.lanes}
    lane_of = lambda state: model.lane_order[state[1]]  # noqa: E731
    tops = [lane_of(state) in last and state[0] >= last[lane_of(state)] for state, _, _ in halves]
    headcount = sum(_parts(m) for _, m, _ in halves)
    at_top = sum(_parts(m) for (_, m, _), top in zip(halves, tops) if top)
    leaving = _part_round(Decimal(headcount) * assumptions.attrition_percent / HUNDRED)
    retiring = min(leaving, _part_round(Decimal(headcount) * assumptions.attrition_percent
                                        * assumptions.retiree_share_percent / (HUNDRED * HUNDRED)))
    retirees = min(retiring, at_top)
    others = min(leaving - retirees, headcount - at_top)
    retire = iter(largest_remainder(retirees, [_parts(m) for (_, m, _), top in zip(halves, tops) if top]))
    other = iter(largest_remainder(others, [_parts(m) for (_, m, _), top in zip(halves, tops) if not top]))
    survivors: list[Teacher] = []
    left_by_profile: dict[int, int] = defaultdict(int)
    like: dict[int, Teacher] = {}
    for (_, members, earner), top in zip(halves, tops):
        gone, staying = _take(members, next(retire) if top else next(other))
        for t in gone:
            left_by_profile[t.profile] += t.parts
            like.setdefault(t.profile, t)
        survivors += [model.advance(following, t, earner) for t in staying]
    # Hires, by lane and then by profile (in profile order).
    order = sorted(left_by_profile)
    total = sum(left_by_profile.values())
    hires: list[Teacher] = []
    # The hiring mix: each lane's share times each share of prior experience, lane by lane.
    mix = [(lane, years, int(lane_share * share * 100)) for lane, lane_share in assumptions.hiring_lanes
           for years, share in assumptions.hiring_experience]
    for (lane_id, years, _), lane_parts in zip(mix, largest_remainder(total, [weight for _, _, weight in mix])):
        for profile, parts in zip(order, largest_remainder(lane_parts, [left_by_profile[p] for p in order])):
            if parts:
                hires.append(model.hire(following, lane_id, like[profile], profile, parts, years))
    turnover = {"leavers": _heads(total), "retirees": _heads(retirees), "hires": _heads(_parts(hires))}
    return _merged(survivors + hires), turnover
