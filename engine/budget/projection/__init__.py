"""Budget projection for a whole roster, on arrays.

Teachers in the same state (step, lane, growth steps, micro-credentials, credit,
service, degree, pay profile) move together as one group with a count, so the
cost grows with the number of distinct placements, not with head count. Money
is integer cents (int64) inside; `finish` turns each year's sums into Decimal.

The model, year by year (the per-teacher reference in `engine.budget.reference`
follows the same words one teacher at a time):

1. During year k a share of teachers (uptake) earn `micro_credentials_per_participant`
   micro-credentials; they are paid any per-micro-credential stipend that year.
2. Pay: base = the schedule cell x FTE, rounded by the district's line rule; every
   addition the rules give (`addition_lines`); the scenario's new role for the
   share of eligible teachers who take it; the program cost per micro-credential.
3. Benefits: FICA (where paid) and the retirement rate on all pay, stipends
   included; health per head.
4. At the year's end teachers leave: retirements at the top of their lane,
   other leavers elsewhere. Survivors advance a step (unless the year is a
   freeze), earned micro-credentials count (growth steps or lane credit), and
   lane moves follow credit. Leavers are replaced by hires at the hiring step,
   split by the lane mix, with the leavers' pay profiles.

Expected values count teachers in 1/10,000ths and split them by largest
remainder: exact integers, deterministic, and the per-teacher reference gets the
same cents. Monte Carlo draws uptake and leavers as binomials on the head count
of each placement cell (step, lane) and draw, with a fixed seed, in fixed chunks
of draws; the same seed gives the same bands.

The parts: `arithmetic` (whole cents and heads), `state` (a teacher's state as integers), `tables` (each
year's pay and moves per state), `expected` (expected values), `draws` and `monte_carlo` (Monte Carlo),
`results` (benefits, totals, the JSON a page shows, bands).
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from engine.budget.projection.arithmetic import (
    HEAD_UNIT,
    HUNDRED,
    apportion,
    apportion_array,
    cents,
    from_units,
    heads,
    money,
    percent_of,
    round_half_up,
)
from engine.budget.projection.draws import binomial_quantile
from engine.budget.projection.expected import expected_sums
from engine.budget.projection.monte_carlo import (
    CHUNK,
    Simulation,
    combine,
    prepare_simulation,
    simulate,
    simulate_chunk,
)
from engine.budget.projection.results import ARRAY_FIELDS, COMPONENTS, Projection, YearSums, bands, finish, year_result
from engine.budget.projection.state import (
    CREDIT_UNIT,
    KEY_COLUMNS,
    StateShape,
    counted_micro_credentials,
    leaver_targets,
    profile_flags,
    service_years,
    unique_rows,
)
from engine.budget.projection.start import starting_groups
from engine.budget.roster import Roster
from engine.budget.scenario import Scenario, prepare
from engine.budget.units import add_years, pieces
from engine.rules import MAIN_UNIT, DistrictRules


def project(rules: DistrictRules, scenario: Scenario, roster: Roster,
            progress: Callable[[float, str], None] | None = None) -> Projection:
    """Project a roster under a scenario: expected values, and Monte Carlo bands when `scenario.draws` > 0."""
    started = time.perf_counter()
    parts = pieces(rules, scenario, roster)
    done = []
    prepared: dict[str, tuple] = {}   # a unit's changed rules (and their caches) serve each of its funding sources
    for i, piece in enumerate(parts):
        if piece.unit not in prepared:
            prepared[piece.unit] = prepare(piece.rules, piece.scenario)
        changed, assumptions = prepared[piece.unit]
        share = 1 / len(parts)
        report = None if progress is None else (lambda f, m, i=i: progress((i + f) * share, m))
        expected = expected_sums(changed, assumptions, piece.roster, draws=0, progress=report,
                                 share=0.2 if scenario.draws else 1.0)
        simulated = None
        if scenario.draws:
            simulated = simulate(changed, assumptions, piece.roster, scenario.draws, progress=report, share=0.8, offset=0.2)
        done.append(projection_of(piece.rules, piece.scenario, expected, simulated,
                                  groups=expected.groups[0] if expected.groups else 0))
    result = add_pieces(rules, scenario, parts, done)
    result.seconds = time.perf_counter() - started
    return result


def add_pieces(rules: DistrictRules, scenario: Scenario, parts: list, done: list[Projection]) -> Projection:
    """The projection of a whole roster from its pieces' (by unit and funding source): years added up, Monte Carlo
    totals added draw by draw (the same seed in every piece), bands of the sum."""
    if len(done) == 1 and parts[0].unit == MAIN_UNIT and not parts[0].funding:
        return done[0]
    result = Projection(rules.id, scenario.name, add_years([p.years for p in done]), seed=scenario.seed,
                        groups=sum(p.groups for p in done))
    result.pieces = [{"unit": part.unit, "unit_name": rules.unit_name(part.unit), "funding": part.funding,
                      "years": p.years} for part, p in zip(parts, done)]
    if scenario.draws and all(p.totals_by_draw is not None for p in done):
        result.draws = scenario.draws
        result.totals_by_draw = sum(p.totals_by_draw for p in done)
        result.bands = bands([y["school_year"] for y in result.years], result.totals_by_draw)
    return result


def projection_of(rules: DistrictRules, scenario: Scenario, expected: list[YearSums], simulated: list[YearSums] | None,
                  groups: int = 0) -> Projection:
    """A projection from its expected sums and, when draws were asked for, its Monte Carlo sums (however they were
    computed: in one process, or chunk by chunk on many workers and combined)."""
    changed, assumptions = prepare(rules, scenario)
    result = Projection(rules.id, scenario.name, [year_result(changed, assumptions, s) for s in expected],
                        sums=list(expected), seed=scenario.seed, groups=groups)
    if simulated:
        totals = np.stack([finish(changed, assumptions, s)["total"] for s in simulated])
        result.draws = scenario.draws
        result.totals_by_draw = totals
        result.bands = bands([s.school_year for s in simulated], totals)
    return result


__all__ = ["project", "add_pieces", "starting_groups", "projection_of", "expected_sums", "Simulation", "prepare_simulation", "simulate_chunk", "combine", "Projection", "YearSums", "year_result", "finish", "bands", "money", "cents", "heads",
           "apportion", "apportion_array", "percent_of", "from_units", "round_half_up", "binomial_quantile",
           "StateShape", "counted_micro_credentials", "leaver_targets", "profile_flags", "service_years", "unique_rows",
           "prepare", "ARRAY_FIELDS", "COMPONENTS", "CHUNK", "CREDIT_UNIT", "HEAD_UNIT", "HUNDRED", "KEY_COLUMNS"]
