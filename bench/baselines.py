"""Plain baselines the benchmarks measure Lanewise against, in the same run: what a competent analyst would
write with pandas. Not used by the app; pandas is only a bench dependency (`pip install -e '.[bench]'`).

- `pandas_projection`: the same expected-value projection as `engine.budget.projection`, with pandas
  doing the work (a frame of teacher states with float weights, merges for pay, groupby to regroup).
  Pay per distinct state comes from the same pay tables, so both sides pay the same amounts and the
  comparison is of the projection machinery. Floats, so it agrees with the engine to a fraction of a cent
  per teacher, not exactly; the bench prints how far apart the totals are.
- `pandas_import`: `read_csv`, the same checks as the roster import (vectorised in pandas), `to_sql`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from engine.budget.projection.state import KEY_COLUMNS, PROFILE
from engine.budget.projection.tables import Tables, initial_states
from engine.budget.roster import Roster
from engine.budget.scenario import Scenario, prepare
from engine.rules import DistrictRules


def pandas_projection(rules: DistrictRules, scenario: Scenario, roster: Roster) -> list[float]:
    """Each year's total cost in dollars (floats), expected values."""
    changed, assumptions = prepare(rules, scenario)
    tables = Tables(changed, assumptions, roster)
    years = assumptions.school_years()
    keys = list(KEY_COLUMNS)
    frame = pd.DataFrame(initial_states(tables, roster, years[0]), columns=keys)
    frame["weight"] = 1.0
    uptake = float(assumptions.uptake_percent) / 100
    attrition = float(assumptions.attrition_percent) / 100
    retiree_share = float(assumptions.retiree_share_percent) / 100
    fica = float(assumptions.fica_percent) / 100
    program = float(assumptions.program_cost_per_micro_credential) * assumptions.micro_credentials_per_participant
    lane_shares = np.array([float(s) for _, s in assumptions.hiring_lanes])
    lane_shares /= lane_shares.sum()
    totals = []
    for k, year in enumerate(years):
        states = frame[keys].drop_duplicates(ignore_index=True)
        array = states.to_numpy()
        states["base"] = tables.base_cents(year, array) / 100
        states["plain"] = tables.addition_cents(year, array, earned=False).sum(axis=1) / 100
        states["paid"] = tables.addition_cents(year, array, earned=True).sum(axis=1) / 100
        states["top"] = tables.at_top(year, array)
        states["state"] = np.arange(len(states))
        merged = frame.merge(states, on=keys, how="left")
        weight = merged["weight"]
        headcount = weight.sum()
        pay = (merged["base"] * weight).sum() + (merged["plain"] * weight * (1 - uptake)).sum() \
            + (merged["paid"] * weight * uptake).sum()
        retirement = float(assumptions.retirement_in(changed, year)) / 100
        health = float(assumptions.health_in(changed, year))
        totals.append(round(pay * (1 + fica + retirement) + health * headcount + program * uptake * headcount, 2))
        if k + 1 == len(years):
            break
        # Leavers: retirements at the top, other leavers elsewhere, as rates on the weights.
        at_top = weight[merged["top"]].sum()
        retirees = min(attrition * retiree_share * headcount, at_top)
        others = attrition * headcount - retirees
        retire_rate = retirees / at_top if at_top else 0.0
        other_rate = min(1.0, others / (headcount - at_top)) if headcount > at_top else 0.0
        stay = np.where(merged["top"], 1 - retire_rate, 1 - other_rate)
        leavers = merged.assign(left=weight * (1 - stay)).groupby(PROFILE_NAME)["left"].sum()
        # Survivors move on (with and without this year's micro-credentials); hires replace leavers.
        following = years[k + 1]
        moved = []
        for earned, share in ((False, 1 - uptake), (True, uptake)):
            nxt = pd.DataFrame(tables.advance(following, array, earned=earned), columns=keys)
            nxt["state"] = np.arange(len(nxt))
            rows = merged[["state"]].assign(weight=weight * stay * share).merge(nxt, on="state")
            moved.append(rows[keys + ["weight"]])
        profiles = leavers.index.to_numpy()
        hires = pd.DataFrame(tables.hire_states(profiles), columns=keys)
        hires["weight"] = (leavers.to_numpy()[:, None] * lane_shares[None, :]).reshape(-1)
        frame = pd.concat(moved + [hires], ignore_index=True).groupby(keys, as_index=False, sort=False)["weight"].sum()
    return totals


PROFILE_NAME = KEY_COLUMNS[PROFILE]
