"""Monte Carlo: uptake and leavers drawn as binomials per placement cell and draw, in fixed chunks of draws."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from engine.budget.projection.arithmetic import HEAD_UNIT, HUNDRED, from_units, round_half_up
from engine.budget.projection.draws import _cell_fractions, _cell_uniforms, binomial_quantile
from engine.budget.projection.results import YearSums
from engine.budget.projection.start import starting_groups
from engine.budget.projection.state import EARNING, LANE, PROFILE, STEP, unique_rows, unique_values
from engine.budget.projection.tables import Tables
from engine.budget.roster import Roster
from engine.budget.scenario import Assumptions
from engine.pay.cells import lines_round
from engine.rules import DistrictRules, dated_value
from engine.school_year import SchoolYear

CHUNK = 100  # draws simulated together; fixed, so a seed gives the same draws on any machine


@dataclass
class _YearPlan:
    """What a Monte Carlo year needs that does not depend on the draw: groups, their pay, and how they move on."""

    year: SchoolYear
    groups: int
    base: np.ndarray             # cents per teacher, per group
    plain: np.ndarray            # groups x additions, cents
    paid: np.ndarray
    fte: np.ndarray
    eligible: np.ndarray
    top: np.ndarray
    cell_starts: np.ndarray      # placement cells (step, lane) are runs of groups in key order
    cell_lengths: np.ndarray
    cell_top: np.ndarray
    profile_matrix: np.ndarray | None = None   # profiles x groups, 1 where the group has the profile
    hire_rows: int = 0
    merge_order: np.ndarray | None = None
    merge_starts: np.ndarray | None = None
    merge_first: np.ndarray | None = None
    merge_more: list = field(default_factory=list)


def _plans(context: Tables, years: list[SchoolYear], states: np.ndarray) -> list[_YearPlan]:
    """Every year's plan. All paths are kept (no group is dropped), so the groups are the same in every draw."""
    plans = []
    for k, year in enumerate(years):
        change = np.any(np.diff(states[:, [STEP, LANE]], axis=0) != 0, axis=1)
        starts = np.flatnonzero(np.r_[True, change])
        top = context.at_top(year, states)
        plain, paid = context.addition_pair(year, states)
        plan = _YearPlan(year, len(states), context.base_cents(year, states).astype(np.float64), plain.astype(np.float64),
                         paid.astype(np.float64), context.profile_fte[states[:, PROFILE]].astype(np.float64),
                         context.role_eligible(states), top, starts, np.diff(np.r_[starts, len(states)]), top[starts])
        plan.extra = plan.paid - plan.plain
        base_cents = plan.base.astype(np.int64)
        plan.over = context.over_wage_base(year, base_cents, plain).astype(np.float64)
        plan.over_extra = context.over_wage_base(year, base_cents, paid).astype(np.float64) - plan.over
        plan.earning = states[:, EARNING] == 1
        plan.held_role = context.held_role_cents(year, states).astype(np.float64)
        plan.held_role_not_pensionable = context.held_role_cents(year, states, pensionable=False).astype(np.float64)
        payments, pensionable = context.one_time_cents(year, states, base_cents)
        plan.payments, plan.pensionable = payments.astype(np.float64), pensionable.astype(np.float64)
        plan.cell_lane, plan.cell_step = states[starts, LANE], states[starts, STEP]
        plan.extra_columns = np.flatnonzero(np.any(plan.extra != 0, axis=0))
        plan.eligible_weights = plan.eligible.astype(np.float64)
        plan.top_weights = top.astype(np.float64)
        plans.append(plan)
        if k + 1 == len(years):
            break
        following = years[k + 1]
        profile_ids, profile_inverse = unique_values(states[:, PROFILE])
        matrix = np.zeros((len(profile_ids), len(states)))
        matrix[profile_inverse, np.arange(len(states))] = 1.0
        plan.profile_matrix = matrix
        hires = context.hire_states(profile_ids, following)
        plan.hire_rows = len(hires)
        rows = np.concatenate([context.advance(following, states, earned=False),
                               context.advance(following, states, earned=True), hires])
        keys, inverse = unique_rows(rows)
        plan.merge_order = np.argsort(inverse, kind="stable")
        plan.merge_starts = np.flatnonzero(np.r_[True, np.diff(inverse[plan.merge_order]) != 0])
        # Rows that land on the same next state are added: the first of each run, then the 2nd, 3rd... where present.
        lengths = np.diff(np.r_[plan.merge_starts, len(rows)])
        plan.merge_first = plan.merge_order[plan.merge_starts]
        plan.merge_more = []
        for j in range(1, int(lengths.max())):
            targets = np.flatnonzero(lengths > j)
            plan.merge_more.append((targets, plan.merge_order[plan.merge_starts[targets] + j]))
        states = keys
    return plans


def _dot(weights: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Weights (groups) x counts (groups x draws), in numpy's own loops: BLAS threads only contend here."""
    return np.einsum("g,gd->d", weights, counts)


@dataclass
class Simulation:
    """What every chunk of draws shares: the pay tables, each year's plan, the starting counts and the rates.

    Chunks are independent (each has its own random streams, keyed by the seed and the chunk's number), so any
    worker can simulate any chunk; `combine` puts them back in chunk order into exactly one worker's result."""

    rules: DistrictRules
    assumptions: Assumptions
    context: Tables
    years: list[SchoolYear]
    plans: list[_YearPlan]
    initial: np.ndarray
    draws: int

    @property
    def chunks(self) -> list[int]:
        """The width (draws) of each chunk, in order."""
        return [min(CHUNK, self.draws - start) for start in range(0, self.draws, CHUNK)]


FIELDS = ("headcount", "fte", "base", "additions", "roles", "holders", "participants", "leavers", "retirees", "hires",
          "over", "payments", "pensionable", "roles_not_pensionable")


def prepare_simulation(rules: DistrictRules, assumptions: Assumptions, roster: Roster, draws: int,
                       start: tuple | None = None) -> Simulation:
    """The shared part of a Monte Carlo run: tables, plans and the roster's starting counts (`start` is
    `starting_groups(...)` when the caller has it already)."""
    context, states, initial = start or starting_groups(rules, assumptions, roster)
    years = assumptions.school_years()
    return Simulation(rules, assumptions, context, years, _plans(context, years, states), initial, draws)


def simulate(rules: DistrictRules, assumptions: Assumptions, roster: Roster, draws: int,
             progress=None, share: float = 1.0, offset: float = 0.0) -> list[YearSums]:
    """Monte Carlo: uptake and leavers drawn per placement cell (step, lane) and draw, spread over the cell's groups.

    Draws run in chunks of CHUNK, each with its own stream spawned from the seed; the same seed gives
    the same result. Counts are fractional teachers (float64); pay per group stays whole cents.
    """
    simulation = prepare_simulation(rules, assumptions, roster, draws)
    chunks = simulation.chunks
    done = []
    for c in range(len(chunks)):
        done.append(simulate_chunk(simulation, c))
        if progress:
            progress(offset + share * (c + 1) / len(chunks), f"Monte Carlo: {sum(chunks[:c + 1])} of {draws} draws")
    return combine(rules, assumptions, done)


def simulate_chunk(simulation: Simulation, c: int) -> list[dict[str, np.ndarray]]:
    """One chunk of draws: for each year, each field's sums per draw (floats, before rounding to whole cents)."""
    rules, assumptions, context = simulation.rules, simulation.assumptions, simulation.context
    years, plans = simulation.years, simulation.plans
    width = simulation.chunks[c]
    uptake = float(assumptions.uptake_percent / HUNDRED)
    persistence = float(assumptions.persistence_percent / HUNDRED)
    attrition = float(assumptions.attrition_percent / HUNDRED)
    retiree_share = float(assumptions.retiree_share_percent / HUNDRED)
    role_share = float(assumptions.role_share_percent / HUNDRED)
    shares = np.array([float(weight) for _, _, weight in assumptions.hiring_mix])
    shares = shares / shares.sum()
    supplements = [round_half_up(lines_round(rules, dated_value(context.role.supplement, y.start) or Decimal(0)) * 100)
                   if context.role else 0 for y in years]
    collected = [{} for _ in years]
    seed = assumptions.seed
    counts = np.repeat(simulation.initial.astype(np.float64), width, axis=1)
    for k, plan in enumerate(plans):
        got = collected[k]
        groups = plan.groups
        cells = np.add.reduceat(counts, plan.cell_starts, axis=0)
        luck = _cell_uniforms(seed, c, k, 0, context.lane_ids, plan, width)
        if assumptions.cohorts:
            # Last year's earners persist at their own rate, drawn with their own luck; the others start at the uptake rate.
            going = counts * plan.earning[:, None]
            going_cells = np.add.reduceat(going, plan.cell_starts, axis=0)
            luck_going = _cell_uniforms(seed, c, k, 3, context.lane_ids, plan, width)
            start = np.repeat(_cell_fractions(luck, cells - going_cells, uptake), plan.cell_lengths, axis=0)
            keep = np.repeat(_cell_fractions(luck_going, going_cells, persistence), plan.cell_lengths, axis=0)
            earners = (counts - going) * start + going * keep
        else:
            earners = counts * np.repeat(_cell_fractions(luck, cells, uptake), plan.cell_lengths, axis=0)
        headcount = counts.sum(axis=0)
        got["headcount"] = headcount
        got["fte"] = _dot(plan.fte, counts)
        got["base"] = _dot(plan.base, counts)
        # plain x stayers + paid x earners, without forming the stayers.
        additions = np.einsum("gk,gd->kd", plan.plain, counts)
        if plan.extra_columns.size:
            additions[plan.extra_columns] += np.einsum("gk,gd->kd", plan.extra[:, plan.extra_columns], earners)
        got["additions"] = additions
        got["over"] = _dot(plan.over, counts) + _dot(plan.over_extra, earners)
        got["payments"] = _dot(plan.payments, counts)
        got["roles_not_pensionable"] = _dot(plan.held_role_not_pensionable, counts)
        got["pensionable"] = _dot(plan.pensionable, counts)
        if context.role is not None:
            eligible = _dot(plan.eligible_weights, counts)
            whole = np.floor(eligible + 1e-6).astype(np.int64)
            luck = np.random.default_rng([seed, c, k, 2]).random(width)
            holders = binomial_quantile(luck, whole, role_share) + (eligible - whole) * role_share
        else:
            holders = np.zeros(width)
        got["holders"] = holders
        got["roles"] = holders * supplements[k] + _dot(plan.held_role, counts)
        got["participants"] = earners.sum(axis=0)
        if plan.merge_order is None:
            for name in ("leavers", "retirees", "hires"):
                got[name] = np.zeros(width)
            continue
        at_top = _dot(plan.top_weights, counts)
        retire_expected = attrition * retiree_share * headcount
        retire_rate = np.where(at_top > 0, np.minimum(1.0, retire_expected / np.maximum(at_top, 1e-9)), 0.0)
        others = headcount - at_top
        other_expected = attrition * headcount - np.minimum(retire_expected, at_top)
        other_rate = np.where(others > 0, np.minimum(1.0, other_expected / np.maximum(others, 1e-9)), 0.0)
        rate = np.where(plan.cell_top[:, None], retire_rate[None, :], other_rate[None, :])
        luck = _cell_uniforms(seed, c, k, 1, context.lane_ids, plan, width)
        stay = np.repeat(1.0 - _cell_fractions(luck, cells, rate), plan.cell_lengths, axis=0)
        # Rows: surviving stayers, surviving earners, hires; leavers are what the survivors are not.
        rows = np.empty((2 * groups + plan.hire_rows, width))
        survivors = rows[:groups]
        np.multiply(counts, stay, out=survivors)
        np.multiply(earners, stay, out=rows[groups:2 * groups])
        leavers = counts - survivors
        leavers_by_profile = np.einsum("pg,gd->pd", plan.profile_matrix, leavers)
        got["leavers"] = leavers.sum(axis=0)
        got["retirees"] = _dot(plan.top_weights, leavers)
        hires = leavers_by_profile[:, None, :] * shares[None, :, None]
        rows[2 * groups:] = hires.reshape(-1, width)
        got["hires"] = hires.sum(axis=(0, 1))
        survivors -= rows[groups:2 * groups]
        counts = rows[plan.merge_first]
        for targets, sources in plan.merge_more:
            counts[targets] += rows[sources]
    return collected


def combine(rules: DistrictRules, assumptions: Assumptions, chunks: list[list[dict[str, np.ndarray]]]) -> list[YearSums]:
    """Every chunk's sums, in chunk order, as each year's sums over all draws (rounded to whole cents and heads).

    Needs only the rules and assumptions (not the roster), so whichever worker finishes last can combine."""
    names = [a.name for a in rules.additions]
    one_time = {a.name for a in rules.additions if a.kind == "per_micro_credential"}
    earned = assumptions.micro_credentials_per_participant
    program = round_half_up(assumptions.program_cost_per_micro_credential * 100)
    out = []
    for k, year in enumerate(assumptions.school_years()):
        joined = {name: np.concatenate([chunk[k][name] for chunk in chunks], axis=-1) for name in FIELDS}
        draws = joined["headcount"].shape[-1]
        whole = lambda name: np.rint(joined[name]).astype(np.int64)  # noqa: E731
        units = lambda name: np.rint(joined[name] * HEAD_UNIT).astype(np.int64)  # noqa: E731
        additions = whole("additions")
        named = {name: additions[i] for i, name in enumerate(names)}
        participants = units("participants")
        out.append(YearSums(
            school_year=year.label, unit=HEAD_UNIT, headcount=units("headcount"),
            fte_hundredths=units("fte"), base=whole("base"), additions=named,
            one_time_additions=sum((named[n] for n in one_time), np.zeros(draws, dtype=np.int64)),
            roles=whole("roles"), role_holders=units("holders"), participants=participants,
            micro_credentials=participants * earned,
            program=from_units(participants * earned * program, HEAD_UNIT),
            leavers=units("leavers"), retirees=units("retirees"), hires=units("hires"), over_wage_base=whole("over"),
            one_time_payments=whole("payments"), one_time_pensionable=whole("pensionable"),
            roles_not_pensionable=whole("roles_not_pensionable")))
    return out
