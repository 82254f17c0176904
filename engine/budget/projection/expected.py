"""Expected values: every year's sums with teachers counted in 1/10,000ths and split exactly by largest
remainder, so the per-teacher reference gets the same cents."""
from __future__ import annotations

from decimal import Decimal

import numpy as np

from engine.budget.projection.arithmetic import (
    HEAD_UNIT,
    HUNDRED,
    apportion,
    apportion_array,
    from_units,
    round_half_up,
)
from engine.budget.projection.results import YearSums
from engine.budget.projection.start import starting_groups
from engine.budget.projection.state import EARNING, PROFILE, group, leaver_targets, unique_values
from engine.budget.roster import Roster
from engine.budget.scenario import Assumptions
from engine.pay.cells import lines_round
from engine.rules import DistrictRules, dated_value


def matmul(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """values (groups, or groups x k) times counts (groups x draws): exact whole cents."""
    single = values.ndim == 1
    matrix = values[:, None] if single else values
    if counts.shape[1] == 1 or matrix.shape[0] == 0:
        product = matrix.T @ counts
    else:
        # Float64 BLAS is exact for whole numbers below 2**53; check the bound, else stay in int64.
        bound = float(np.abs(matrix).max(initial=0)) * float(counts.sum(axis=0).max(initial=0))
        if bound < 2.0 ** 52:
            product = np.rint(matrix.astype(np.float64).T @ counts.astype(np.float64)).astype(np.int64)
        else:
            product = matrix.T @ counts
    return product[0] if single else product



def uptake_split(assumptions: Assumptions, states: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Each group's earners this year, in head units: of last year's earners the persistence share, of the others
    the uptake share; each target rounded half up and split over its groups by largest remainder, in key order."""
    if not assumptions.cohorts:
        return apportion_array(round_half_up(Decimal(int(units.sum())) * assumptions.uptake_percent / HUNDRED), units)
    earners = np.zeros_like(units)
    for pool, rate in ((states[:, EARNING] == 1, assumptions.persistence_percent),
                       (states[:, EARNING] == 0, assumptions.uptake_percent)):
        earners[pool] = apportion_array(round_half_up(Decimal(int(units[pool].sum())) * rate / HUNDRED), units[pool])
    return earners


class Sums(list):
    groups: tuple[int, ...] = ()


def expected_sums(rules: DistrictRules, assumptions: Assumptions, roster: Roster, draws: int = 0,
                  progress=None, share: float = 1.0, offset: float = 0.0, start: tuple | None = None) -> Sums:
    """Each year's expected sums: counts in 1/10,000ths of a teacher, split exactly by largest remainder.

    `start` is `starting_groups(rules, assumptions, roster)` when the caller has it already."""
    assert draws == 0, "Monte Carlo runs go through simulate"
    context, states, counts = start or starting_groups(rules, assumptions, roster)
    years = assumptions.school_years()
    width = max(draws, 1)
    unit = HEAD_UNIT
    counts = np.repeat(counts * unit, width, axis=1)
    program = round_half_up(assumptions.program_cost_per_micro_credential * 100)
    out = Sums()
    group_sizes = []
    for k, year in enumerate(years):
        group_sizes.append(len(states))
        headcount = counts.sum(axis=0)
        # 1. Uptake: who earns micro-credentials this year (last year's earners persist at their own rate).
        earners = uptake_split(assumptions, states, counts[:, 0])[:, None]
        stayers = counts - earners
        # 2. Pay.
        base = context.base_cents(year, states)
        plain, paid = context.addition_pair(year, states)
        additions_total = matmul(plain, stayers) + matmul(paid, earners)
        additions = {name: from_units(additions_total[i], unit) for i, name in enumerate(context.addition_names)}
        over = matmul(context.over_wage_base(year, base, plain), stayers) + matmul(context.over_wage_base(year, base, paid), earners)
        one_time = sum((additions[n] for n in context.one_time_names), np.zeros(width, dtype=np.int64))
        eligible = context.role_eligible(states)
        if context.role is not None and eligible.any():
            role_share = assumptions.role_share_percent / HUNDRED
            eligible_units = counts[eligible].sum(axis=0)
            holders = np.array([round_half_up(Decimal(int(eligible_units[0])) * role_share)])
            supplement = dated_value(context.role.supplement, year.start) or Decimal(0)
            roles = from_units(holders * round_half_up(lines_round(rules, supplement) * 100), unit)
        else:
            holders = np.zeros(width, dtype=np.int64)
            roles = np.zeros(width, dtype=np.int64)
        roles = roles + from_units(matmul(context.held_role_cents(year, states), counts), unit)
        payments, pensionable = context.one_time_cents(year, states, base)
        participants = earners.sum(axis=0)
        sums = YearSums(
            school_year=year.label, unit=unit, headcount=headcount,
            fte_hundredths=matmul(context.profile_fte[states[:, PROFILE]], counts),
            base=from_units(matmul(base, counts), unit), additions=additions, one_time_additions=one_time, roles=roles,
            role_holders=holders, participants=participants, micro_credentials=participants * context.earned,
            program=from_units(participants * context.earned * program, unit),
            leavers=np.zeros(width, dtype=np.int64), retirees=np.zeros(width, dtype=np.int64), hires=np.zeros(width, dtype=np.int64),
            over_wage_base=from_units(over, unit), one_time_payments=from_units(matmul(payments, counts), unit),
            one_time_pensionable=from_units(matmul(pensionable, counts), unit),
            roles_not_pensionable=from_units(matmul(context.held_role_cents(year, states, pensionable=False), counts), unit))
        out.append(sums)
        if progress:
            progress(offset + share * (k + 1) / len(years), f"{year.label}: {len(states)} groups")
        if k + 1 == len(years):
            break
        # 3. Leavers: retirements at the top, other leavers elsewhere.
        top = context.at_top(year, states)
        # Subgroups (state, earned) in key order, so the split is the same as the reference's.
        sub_top = np.repeat(top, 2)
        sub = np.stack([stayers[:, 0], earners[:, 0]], axis=1).reshape(-1)
        retirees, others = leaver_targets(assumptions, int(headcount[0]), int(sub[sub_top].sum()))
        leave = np.zeros_like(sub)
        leave[sub_top] = apportion_array(retirees, sub[sub_top])
        leave[~sub_top] = apportion_array(others, sub[~sub_top])
        leave0, leave1 = leave[0::2, None], leave[1::2, None]
        sums.retirees = np.array([retirees])
        sums.leavers = leave0.sum(axis=0) + leave1.sum(axis=0)
        # 4. Survivors move on; leavers are replaced by hires with their pay profiles.
        following = years[k + 1]
        moved = np.concatenate([context.advance(following, states, earned=False),
                                context.advance(following, states, earned=True)])
        profile_ids, profile_inverse = unique_values(states[:, PROFILE])
        leavers_by_profile = np.zeros((len(profile_ids), width), dtype=np.int64)
        np.add.at(leavers_by_profile, profile_inverse, leave0 + leave1)
        mix = assumptions.hiring_mix
        hire_counts = np.zeros((len(profile_ids), len(mix), width), dtype=np.int64)
        total = int(leavers_by_profile[:, 0].sum())
        by_lane = apportion(total, [weight for _, _, weight in mix])
        for j, lane_total in enumerate(by_lane):
            hire_counts[:, j, 0] = apportion_array(lane_total, leavers_by_profile[:, 0])
        sums.hires = hire_counts.sum(axis=(0, 1))
        hires = context.hire_states(profile_ids, following)
        states, counts = group(np.concatenate([moved, hires]),
                                np.concatenate([stayers - leave0, earners - leave1, hire_counts.reshape(-1, width)]))
    out.groups = tuple(group_sizes)
    return out
