"""Where a projection starts: one state row per roster teacher (their lane, step, credit, growth steps, years of
service, role, the micro-credentials earned this year, a lane change part-way through it), and the roster grouped into
distinct states with their head counts."""
from __future__ import annotations

import numpy as np

from engine.budget.projection.state import (
    CREDIT,
    CREDIT_UNIT,
    DEGREE,
    GROWTH,
    KEY_COLUMNS,
    LANE,
    MC_GROWTH,
    MC_NOW,
    MC_PROGRESS,
    MC_TOTAL,
    NEW_LANE,
    NEW_LANE_SHARE,
    PROFILE,
    ROLE,
    SERVICE,
    STEP,
    group_roster,
    role_code,
    service_years_array,
)
from engine.budget.projection.tables import Tables
from engine.budget.roster import Roster
from engine.budget.scenario import Assumptions
from engine.rules import DistrictRules
from engine.school_year import SchoolYear


def initial_states(context: Tables, roster: Roster, first: SchoolYear) -> np.ndarray:
    """One state row per roster teacher, in the key's columns."""
    shape = context.shape
    n = len(roster)
    states = np.zeros((n, len(KEY_COLUMNS)), dtype=np.int64)
    lane_map = np.array([context.lane_ids.index(l) for l in roster.lanes], dtype=np.int64)
    lanes = lane_map[roster.lane]
    states[:, STEP] = roster.step
    states[:, LANE] = lanes
    new_lane, share = new_lanes(context, roster, first)
    lanes = np.where(new_lane > 0, new_lane - 1, lanes)   # the lane from the change on: their credit shows it
    if share is None:             # the change took effect before the first projected year: the teacher is in it
        states[:, LANE] = lanes
    else:
        states[:, NEW_LANE], states[:, NEW_LANE_SHARE] = new_lane, share
    states[:, DEGREE] = roster.degree
    states[:, PROFILE] = context.teacher_profile
    own = np.where(context.lane_degree[lanes] == roster.degree, context.lane_credits[lanes] * 100, 0)
    credit_hundredths = np.maximum(roster.credit_hundredths, own)
    mcs = roster.micro_credentials
    if shape.fold:   # micro-credential hours are credit too: the lane shows at least its own credits, counted once
        credit = np.maximum(roster.credit_hundredths * (CREDIT_UNIT // 100) + mcs * shape.credit_hours_each,
                            own * (CREDIT_UNIT // 100))
    else:
        credit = credit_hundredths * (CREDIT_UNIT // 100)
    states[:, CREDIT] = np.minimum(credit, np.array(shape.credit_caps)[roster.degree])
    if shape.use_mc_total:
        states[:, MC_TOTAL] = np.minimum(mcs, shape.mc_cap)
    if shape.growth_mode:
        mc_growth = mcs // shape.per_growth_step
        if shape.max_growth_steps is not None:
            capped = mc_growth >= shape.max_growth_steps
            mc_growth = np.minimum(mc_growth, shape.max_growth_steps)
            progress = np.where(capped, 0, mcs - mc_growth * shape.per_growth_step)
        else:
            progress = mcs - mc_growth * shape.per_growth_step
        states[:, MC_GROWTH] = mc_growth
        states[:, MC_PROGRESS] = progress
        states[:, GROWTH] = mc_growth
    if shape.credit_per_growth_step:
        states[:, GROWTH] += (credit_hundredths // 100) // shape.credit_per_growth_step
    held_steps = roster.number("growth_steps")
    states[:, GROWTH] = np.where(held_steps >= 0, held_steps, states[:, GROWTH])   # as HR keeps them, where given
    if shape.use_service:
        states[:, SERVICE] = np.minimum(service_on(roster, first), shape.service_cap)
    roles, names = roster.text_codes("role")
    role_codes = np.array([role_code(context.rules, name or None) for name in names], dtype=np.int64)
    states[:, ROLE] = role_codes[roles]
    states[:, MC_NOW] = roster.number("micro_credentials_this_year", 0)
    return states


def new_lanes(context: Tables, roster: Roster, first: SchoolYear) -> tuple[np.ndarray, np.ndarray | None]:
    """Each roster teacher's lane change part-way through the roster's school year: 1 + the new lane's number (0 for
    none), and the share of that year it pays in SHARE_UNIT; no shares (None) when the first projected year is
    later than the roster's, as the change has then taken effect."""
    codes, names = roster.text_codes("new_lane")
    lane_of = np.array([0] + [1 + context.lane_ids.index(name) for name in names[1:]], dtype=np.int64)
    later = bool(roster.school_year) and first.start > SchoolYear.from_label(roster.school_year).start
    return lane_of[codes], None if later else np.maximum(roster.number("new_lane_share", 0), 0)


def service_on(roster: Roster, first: SchoolYear) -> np.ndarray:
    """Years of service at the start of the first projected year: HR's years (advanced a year a year from the
    roster's school year), else whole years since the hire date, else the step."""
    service = np.array(roster.step, dtype=np.int64)
    known = roster.hire_ordinal > 0
    if known.any():
        service[known] = service_years_array(roster.hire_ordinal[known], first)
    entered = roster.number("years_of_service")
    if (entered >= 0).any():
        later = first.start.year - SchoolYear.from_label(roster.school_year).start.year if roster.school_year else 0
        service = np.where(entered >= 0, entered + max(0, later), service)
    return service


def starting_groups(rules: DistrictRules, assumptions: Assumptions, roster: Roster) -> tuple[Tables, np.ndarray, np.ndarray]:
    """The pay tables, and the roster grouped into distinct states with their head counts: where both expected
    values and Monte Carlo start (a worker computes it once per projection and roster)."""
    context = Tables(rules, assumptions, roster)
    states, counts = group_roster(initial_states(context, roster, assumptions.school_years()[0]))
    return context, states, counts
