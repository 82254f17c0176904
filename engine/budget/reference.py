"""The plain per-teacher projection: every teacher an object, every figure from the
rules engine's own Decimal functions. Slow on purpose; the vectorised engine in
`engine.budget.projection` must agree with it to the cent on expected values.

It follows the model described in `engine.budget.projection` one teacher at a time.
Whole-teacher splits (who earns micro-credentials, who leaves, where hires go)
use the same largest-remainder rule over the same ordering of teacher states,
because expected values must be whole teachers to be exact cents.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from engine.budget.projection import (
    HEAD_UNIT,
    HUNDRED,
    Projection,
    StateShape,
    YearSums,
    apportion,
    counted_micro_credentials,
    from_units,
    leaver_targets,
    profile_flags,
    round_half_up,
    service_years,
    year_result,
)
from engine.budget.roster import Roster, RosterTeacher
from engine.budget.scenario import Assumptions, Scenario, prepare
from engine.errors import RuleInputError
from engine.pay.additions import Placement, addition_lines, role_check
from engine.pay.cells import cell_amount, lines_round, next_step, schedule_for, step_cap
from engine.pay.credit import (
    base_credits,
    earned_lane,
    lane_after_move,
    lanes_on,
    micro_credential_hours,
)
from engine.rules import DEGREES, DistrictRules, dated_value
from engine.school_year import SchoolYear


@dataclass
class _Teacher:
    """One teacher's state in the projection."""

    source: RosterTeacher
    fte: Decimal
    degree: str
    profile: int
    step: int
    lane: str
    growth: int
    mc_growth: int
    mc_progress: int
    mc_total: int
    credit: Decimal
    service: int

    def key(self, rules: DistrictRules, shape: StateShape) -> tuple[int, ...]:
        """The teacher's state as the whole numbers both engines sort groups by."""
        return (self.step, [l.id for l in rules.lanes].index(self.lane), self.growth, self.mc_growth,
                shape.progress_key(self.mc_growth, self.mc_progress), shape.mc_key(self.mc_total),
                shape.credit_key(self.credit, self.mc_total, self.degree), shape.service_key(self.service),
                DEGREES.index(self.degree), self.profile)

    def placement(self) -> Placement:
        t = self.source
        return Placement(step=self.step, lane=self.lane, fte=self.fte, degree=self.degree, band=t.band,
                         years_of_service=self.service, subjects=t.subjects, certifications=t.certifications,
                         certified=t.certified, growth_steps=self.growth, micro_credentials_total=self.mc_total)


def project_reference(rules: DistrictRules, scenario: Scenario, roster: Roster) -> Projection:
    """Expected values, one teacher at a time."""
    changed, assumptions = prepare(rules, scenario)
    sums = run_reference(changed, assumptions, list(roster.teachers()))
    return Projection(rules.id, scenario.name, [year_result(changed, assumptions, s) for s in sums], sums=sums,
                      seed=scenario.seed)


def _profiles(rules: DistrictRules, teachers: list[RosterTeacher]) -> dict[tuple, int]:
    keys = {(int(t.fte * 100), profile_flags(rules, t.band, t.subjects, t.certifications, t.certified)) for t in teachers}
    return {key: i for i, key in enumerate(sorted(keys))}


def _start(rules: DistrictRules, shape: StateShape, t: RosterTeacher, profile: int, first: SchoolYear) -> _Teacher:
    degree = t.degree or rules.lane(t.lane).degree
    credit = max(t.credit_hours, base_credits(rules.lane(t.lane), degree))
    growth, mc_growth, progress = shape.initial_growth(t.micro_credentials, credit)
    service = service_years(t.hire_date.toordinal() if t.hire_date else 0, first, t.step)
    return _Teacher(t, t.fte, degree, profile, t.step, t.lane, growth, mc_growth, progress, t.micro_credentials, credit, service)


def _pay(rules: DistrictRules, year: SchoolYear, teacher: _Teacher, counted: int) -> tuple[int, dict[str, int]]:
    """Base pay and each addition in cents, for one teacher in one year."""
    cell = cell_amount(rules, year, teacher.step, teacher.lane, teacher.growth)
    base = lines_round(rules, cell.amount * teacher.fte)
    lines = addition_lines(rules, year, teacher.placement(), counted)
    return round_half_up(base * 100), {line.name: int(line.amount * 100) for line in lines}


def _advance(rules: DistrictRules, shape: StateShape, year: SchoolYear, teacher: _Teacher, counted: int) -> None:
    """Move a surviving teacher into the next school year, as `estimate` moves one teacher."""
    schedule, _, _ = schedule_for(rules, year)
    teacher.service += 1
    if year.label not in rules.steps.freeze_years:
        teacher.step = next_step(schedule, teacher.step, rules.steps.advance_per_year,
                                 step_cap(rules, schedule, teacher.lane), teacher.lane)
    teacher.mc_total += counted
    rule = rules.micro_credentials
    if shape.growth_mode and counted:
        teacher.mc_progress += counted
        while teacher.mc_progress >= rule.per_growth_step and (rule.max_growth_steps is None or teacher.mc_growth < rule.max_growth_steps):
            teacher.mc_progress -= rule.per_growth_step
            teacher.mc_growth += 1
            teacher.growth += 1
    hours = micro_credential_hours(rules, teacher.mc_total)
    if rule.combine_with_other_credit:
        lane_credit = teacher.credit + hours
    else:
        lane_credit = max(teacher.credit, base_credits(rules.lane(teacher.lane), teacher.degree) + hours)
    try:
        target = earned_lane(rules, year, teacher.degree, lane_credit)
    except RuleInputError:
        return
    order = [lane.id for lane in lanes_on(rules, year)]
    teacher.lane = lane_after_move(order, teacher.lane, target.id, rules.counting.lane_changes_per_year)


def _hire(rules: DistrictRules, shape: StateShape, assumptions: Assumptions, lane_id: str, like: _Teacher) -> _Teacher:
    lane = rules.lane(lane_id)
    credit = Decimal(lane.credits)
    growth = int(credit) // shape.credit_per_growth_step if shape.credit_per_growth_step else 0
    return _Teacher(like.source, like.fte, lane.degree, like.profile, assumptions.hiring_step, lane_id, growth, 0, 0, 0,
                    credit, 0)


def _groups(rules: DistrictRules, shape: StateShape, pieces: list[_Piece]) -> list[tuple[tuple, list[_Piece]]]:
    found: dict[tuple, list[_Piece]] = {}
    for piece in pieces:
        found.setdefault(piece.teacher.key(rules, shape), []).append(piece)
    return sorted(found.items())


@dataclass
class _Piece:
    """A share of one teacher (in HEAD_UNIT ths): expected values split a teacher between futures."""

    identity: str
    teacher: _Teacher
    weight: int


def _split(pieces: list[_Piece], take: int) -> tuple[list[_Piece], list[_Piece]]:
    """`take` units of a group, shared among its pieces by largest remainder: (taken, left)."""
    taken, left = [], []
    for piece, share in zip(pieces, apportion(take, [p.weight for p in pieces])):
        if share:
            taken.append(_Piece(piece.identity, replace(piece.teacher), share))
        if piece.weight - share:
            left.append(_Piece(piece.identity, replace(piece.teacher), piece.weight - share))
    return taken, left


def _merge(pieces: list[_Piece], rules: DistrictRules, shape: StateShape) -> list[_Piece]:
    """Pieces of the same teacher in the same state become one."""
    merged: dict[tuple, _Piece] = {}
    for piece in pieces:
        key = (piece.identity, piece.teacher.key(rules, shape), piece.teacher.service, piece.teacher.mc_total)
        if key in merged:
            merged[key].weight += piece.weight
        else:
            merged[key] = piece
    return list(merged.values())


def run_reference(rules: DistrictRules, assumptions: Assumptions, roster: list[RosterTeacher]) -> list[YearSums]:
    """Each school year's sums, teacher by teacher (each teacher split into weighted futures)."""
    shape = StateShape.of(rules, assumptions)
    years = assumptions.school_years()
    profiles = _profiles(rules, roster)
    unit = HEAD_UNIT
    pieces = [_Piece(t.employee_id, _start(rules, shape, t, profiles[(int(t.fte * 100), profile_flags(
        rules, t.band, t.subjects, t.certifications, t.certified))], years[0]), unit) for t in roster]
    earned = assumptions.micro_credentials_per_participant
    counted = counted_micro_credentials(rules, earned)
    one_time_names = {a.name for a in rules.additions if a.kind == "per_micro_credential"}
    role = rules.role(assumptions.role_id) if assumptions.role_id else None
    program = round_half_up(assumptions.program_cost_per_micro_credential * 100)
    out: list[YearSums] = []
    one = lambda value: np.array([value], dtype=np.int64)  # noqa: E731
    for k, year in enumerate(years):
        groups = _groups(rules, shape, pieces)
        headcount = sum(p.weight for p in pieces)
        # Who earns micro-credentials this year.
        target = round_half_up(Decimal(headcount) * assumptions.uptake_percent / HUNDRED)
        split = apportion(target, [sum(p.weight for p in members) for _, members in groups])
        subgroups: list[tuple[tuple, int, list[_Piece]]] = []
        for (key, members), earners in zip(groups, split):
            taken, left = _split(members, earners)
            subgroups.append((key, 0, left))
            subgroups.append((key, 1, taken))
        base = 0
        additions: dict[str, int] = {a.name: 0 for a in rules.additions}
        fte = 0
        for _, earns, members in subgroups:
            for piece in members:
                pay, lines = _pay(rules, year, piece.teacher, counted if earns else 0)
                base += pay * piece.weight
                for name, amount in lines.items():
                    additions[name] += amount * piece.weight
                fte += int(piece.teacher.fte * 100) * piece.weight
        additions = {name: int(from_units(value, unit)) for name, value in additions.items()}
        holders = 0
        if role is not None:
            eligible = sum(p.weight for p in pieces if role_check(rules, role, year, p.teacher.placement()).eligible)
            holders = round_half_up(Decimal(eligible) * assumptions.role_share_percent / HUNDRED)
        supplement = round_half_up(lines_round(rules, dated_value(role.supplement, year.start) or Decimal(0)) * 100) if role else 0
        participants = sum(p.weight for _, e, m in subgroups if e for p in m)
        sums = YearSums(
            school_year=year.label, unit=unit, headcount=one(headcount), fte_hundredths=one(fte),
            base=one(from_units(base, unit)), additions={name: one(v) for name, v in additions.items()},
            one_time_additions=one(sum(v for n, v in additions.items() if n in one_time_names)),
            roles=one(from_units(holders * supplement, unit)), role_holders=one(holders), participants=one(participants),
            micro_credentials=one(participants * earned), program=one(from_units(participants * earned * program, unit)),
            leavers=one(0), retirees=one(0), hires=one(0))
        out.append(sums)
        if k + 1 == len(years):
            break
        # Leavers: retirements from the top of each lane, other leavers elsewhere.
        schedule, _, _ = schedule_for(rules, year)

        def at_top(key: tuple) -> bool:
            lane = rules.lanes[key[1]].id
            return lane in schedule.lanes and key[0] >= schedule.last_step(lane)
        weight = lambda members: sum(p.weight for p in members)  # noqa: E731
        top = [at_top(key) for key, _, _ in subgroups]
        at_top_count = sum(weight(m) for (_, _, m), t in zip(subgroups, top) if t)
        retirees, others = leaver_targets(assumptions, headcount, at_top_count)
        retire_split = iter(apportion(retirees, [weight(m) for (_, _, m), t in zip(subgroups, top) if t]))
        other_split = iter(apportion(others, [weight(m) for (_, _, m), t in zip(subgroups, top) if not t]))
        following = years[k + 1]
        survivors: list[_Piece] = []
        leavers_by_profile: dict[int, int] = {}
        like: dict[int, _Teacher] = {}
        for (key, earns, members), is_top in zip(subgroups, top):
            leaving, staying = _split(members, next(retire_split) if is_top else next(other_split))
            for piece in leaving:
                leavers_by_profile[piece.teacher.profile] = leavers_by_profile.get(piece.teacher.profile, 0) + piece.weight
                like.setdefault(piece.teacher.profile, piece.teacher)
            for piece in staying:
                _advance(rules, shape, following, piece.teacher, counted if earns else 0)
                survivors.append(piece)
        # Hires replace leavers, with their pay profiles, split by the lane mix.
        profile_order = sorted({key[-1] for key, _, _ in subgroups})
        weights = [leavers_by_profile.get(p, 0) for p in profile_order]
        total = sum(weights)
        by_lane = apportion(total, [int(share * 10_000) for _, share in assumptions.hiring_lanes])
        hires: list[_Piece] = []
        for (lane_id, _), lane_total in zip(assumptions.hiring_lanes, by_lane):
            for profile, count in zip(profile_order, apportion(lane_total, weights)):
                if count:
                    hires.append(_Piece(f"hire {following.label} {lane_id} {profile}",
                                        _hire(rules, shape, assumptions, lane_id, like[profile]), count))
        sums.leavers, sums.retirees, sums.hires = one(total), one(retirees), one(sum(p.weight for p in hires))
        pieces = _merge(survivors + hires, rules, shape)
    return out
