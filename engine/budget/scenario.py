"""A budget scenario: a named set of assumptions, policies and schedule changes,
and the district rules it implies. Pure: no Flask, no database.

A scenario never edits the projection engines; every policy and negotiated
schedule change is expressed as a transformed copy of `DistrictRules`, so the
vectorised engine and the per-teacher reference engine see the same rules.

The scenario's parts live by what they are about: its levers (`scenario_levers`), its assumptions resolved
against the rules (`scenario_assumptions`), whether it fits the rules (`scenario_checks`) and the rules it
implies (`scenario_rules`). This module is their public face: callers import every name from here.
"""
from __future__ import annotations

from engine.budget.changes import (  # AddedLane, LaneCredits: the scenario's parts, named from here
    AddedLane,
    LaneCredits,
    ScheduleChanges,
)
from engine.budget.scenario_assumptions import Assumptions, fastest_pace, first_year, resolve
from engine.budget.scenario_checks import ScenarioError, check
from engine.budget.scenario_levers import (
    HUNDRED,
    MAX_DRAWS,
    MAX_YEARS,
    ExperienceShare,
    LaneShare,
    Money,
    NewRole,
    Percent,
    Policy,
    Scenario,
    Vacancy,
)
from engine.budget.scenario_rules import effective_year, scenario_rules
from engine.errors import RuleInputError
from engine.pay.cells import cell_amount
from engine.rules import DistrictRules

__all__ = [
    "HUNDRED",
    "MAX_DRAWS",
    "MAX_YEARS",
    "AddedLane",
    "Assumptions",
    "ExperienceShare",
    "LaneCredits",
    "LaneShare",
    "Money",
    "NewRole",
    "Percent",
    "Policy",
    "Scenario",
    "ScenarioError",
    "ScheduleChanges",
    "Vacancy",
    "check",
    "effective_year",
    "fastest_pace",
    "first_year",
    "prepare",
    "resolve",
    "scenario_rules",
]


def prepare(rules: DistrictRules, scenario: Scenario) -> tuple[DistrictRules, Assumptions]:
    """The changed rules and the resolved assumptions a projection engine runs on."""
    changed = scenario_rules(rules, scenario)
    assumptions = resolve(changed, scenario, first_year(rules, scenario))
    problems = []
    for lane, _ in assumptions.hiring_lanes:
        try:
            cell_amount(changed, assumptions.first_year, assumptions.hiring_step, lane)
        except RuleInputError as exc:
            problems.append(f"hiring_step: hires in lane {lane} at step {assumptions.hiring_step}: {exc}")
    if problems:
        raise ScenarioError(problems)
    return changed, assumptions
