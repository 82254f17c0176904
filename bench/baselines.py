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

from engine.budget.projection.start import initial_states
from engine.budget.projection.state import KEY_COLUMNS, PROFILE
from engine.budget.projection.tables import Tables
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
    mix_shares = np.array([float(weight) for _, _, weight in assumptions.hiring_mix])  # lane x prior experience
    mix_shares /= mix_shares.sum()
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
        hires = pd.DataFrame(tables.hire_states(profiles, following), columns=keys)
        hires["weight"] = (leavers.to_numpy()[:, None] * mix_shares[None, :]).reshape(-1)
        frame = pd.concat(moved + [hires], ignore_index=True).groupby(keys, as_index=False, sort=False)["weight"].sum()
    return totals


PROFILE_NAME = KEY_COLUMNS[PROFILE]


def objects_load_roster(*, session, rules: DistrictRules, roster_id: int) -> Roster:
    """The previous loader, kept as the baseline: one RosterTeacher object per stored row, then columns."""
    from decimal import Decimal

    from sqlalchemy import select

    from engine.budget.roster import RosterTeacher
    from models.finance import RosterEntry

    columns = [RosterEntry.employee_id, RosterEntry.school, RosterEntry.step, RosterEntry.lane, RosterEntry.fte,
               RosterEntry.hire_date, RosterEntry.degree, RosterEntry.band, RosterEntry.micro_credentials,
               RosterEntry.credit_hours, RosterEntry.subjects, RosterEntry.certifications, RosterEntry.certified]
    rows = session.execute(select(*columns).where(RosterEntry.roster_id == roster_id).order_by(RosterEntry.id))
    teachers = (RosterTeacher(employee_id=r[0], school=r[1], step=r[2], lane=r[3], fte=Decimal(r[4]), hire_date=r[5],
                              degree=r[6], band=r[7], micro_credentials=r[8], credit_hours=Decimal(r[9]),
                              subjects=tuple(s for s in r[10].split(";") if s),
                              certifications=tuple(c for c in r[11].split(";") if c), certified=bool(r[12]))
                for r in rows)
    return Roster.from_teachers(rules.id, teachers, rules)


def pandas_import(rules: DistrictRules, content: bytes, engine, roster_id: int, today) -> list[tuple[int, str]]:
    """read_csv, the roster import's checks written in pandas, and to_sql into the same table, all or nothing.

    Gives the (line, column) of every problem (nothing is stored when there is one)."""
    import io

    from engine.errors import RuleInputError
    from engine.pay.cells import cell_amount, latest_schedule_year, schedule_for
    from engine.pay.credit import degree_rank
    from engine.rules import DEGREES

    year = latest_schedule_year(rules)
    schedule, _, _ = schedule_for(rules, year)
    frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, skipinitialspace=False)
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.apply(lambda column: column.str.strip())
    line = pd.Series(np.arange(2, len(frame) + 2), index=frame.index)
    problems: list[tuple[int, str]] = []

    def flag(mask: pd.Series, column: str) -> None:
        problems.extend((int(n), column) for n in line[mask])

    flag((frame["employee_id"] == "") | (frame["employee_id"].str.len() > 64), "employee_id")
    step_ok = frame["step"].str.fullmatch(r"\d{1,4}")
    lane_ok = frame["lane"].isin(schedule.lanes)
    flag(~lane_ok, "lane")
    pairs = frame.loc[step_ok & lane_ok, ["step", "lane"]].drop_duplicates()
    paid = set()
    for step, lane in pairs.itertuples(index=False):
        try:
            cell_amount(rules, year, int(step), lane)
            paid.add((step, lane))
        except RuleInputError:
            pass
    cell_ok = pd.Series([(s, la) in paid for s, la in zip(frame["step"], frame["lane"])], index=frame.index)
    flag(~step_ok | (lane_ok & ~cell_ok), "step")
    fte = pd.to_numeric(frame["fte"].replace("", "1"), errors="coerce")
    flag(fte.isna() | (fte <= 0) | (fte > 1) | ((fte * 100).round(6) % 1 != 0), "fte")
    hired = pd.to_datetime(frame["hire_date"], format="%Y-%m-%d", errors="coerce")
    flag((frame["hire_date"] != "") & (hired.isna() | (hired.dt.year < 1940) | (hired > pd.Timestamp(today))), "hire_date")
    degree = frame["degree"].str.lower()
    known = degree.isin(DEGREES)
    lowest = {lane: min(degree_rank(r.degree) for r in [rules.lane(lane)] + list(rules.lane(lane).equivalent))
              for lane in schedule.lanes}
    rank = degree.map({d: degree_rank(d) for d in DEGREES})
    need = frame["lane"].map(lowest)
    flag((degree != "") & (~known | (lane_ok & (rank < need))), "degree")
    flag(~frame["micro_credentials"].str.fullmatch(r"\d{0,4}"), "micro_credentials")
    credit = pd.to_numeric(frame["credit_hours"].replace("", "0"), errors="coerce")
    flag(credit.isna() | (credit < 0) | (credit > 999), "credit_hours")
    flag(~frame["certified"].str.lower().isin(["", "true", "yes", "y", "1", "t", "false", "no", "n", "0", "f"]), "certified")
    bad = set(n for n, _ in problems)
    good = frame[~line.isin(bad)]
    repeated = good["employee_id"].duplicated()
    flag(line.index.isin(good.index[repeated]), "employee_id")
    if problems:
        return sorted(problems)
    rows = pd.DataFrame({
        "roster_id": roster_id, "employee_id": frame["employee_id"], "school": frame["school"].str.slice(0, 160),
        "step": frame["step"].astype(int), "lane": frame["lane"], "fte": fte.map("{:.2f}".format),
        "hire_date": hired.dt.date, "degree": degree.where(degree != "", frame["lane"].map(
            {lane: rules.lane(lane).degree for lane in schedule.lanes})),
        "band": frame["band"].replace("", None), "micro_credentials": pd.to_numeric(frame["micro_credentials"].replace("", "0")),
        "credit_hours": credit.map("{:.2f}".format), "subjects": frame["subjects"], "certifications": frame["certifications"],
        "certified": ~frame["certified"].str.lower().isin(["false", "no", "n", "0", "f"]),
        # Columns the file does not carry, stored as the import stores them.
        "role": "", "micro_credentials_this_year": 0, "unit": "", "funding": "", "new_lane": ""})
    with engine.begin() as connection:
        rows.to_sql("finance_roster_entries", connection, if_exists="append", index=False, chunksize=10_000)
    return []
