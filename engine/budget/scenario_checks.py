"""Whether a scenario fits its district's rules: every way it does not, located by field."""
from __future__ import annotations

from engine.budget.proposal import check_proposal
from engine.budget.scenario_assumptions import first_year
from engine.budget.scenario_levers import HUNDRED, Scenario
from engine.errors import RuleInputError
from engine.pay.cells import schedule_for
from engine.rules import DistrictRules
from engine.school_year import SchoolYear


class ScenarioError(ValueError):
    """A scenario that does not fit its district's rules; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def check(rules: DistrictRules, scenario: Scenario) -> list[str]:
    """Every way the scenario does not fit the district's rules (empty when it fits)."""
    problems = []
    if scenario.district_id != rules.id:
        problems.append(f"district_id: the scenario is for {scenario.district_id!r}, the rules are {rules.id!r}")
    lane_ids = [lane.id for lane in rules.lanes]
    try:
        year = first_year(rules, scenario)
        schedule, _, _ = schedule_for(rules, year)
    except (RuleInputError, ValueError) as exc:
        return problems + [f"start_year: {exc}"]
    for i, share in enumerate(scenario.hiring_lanes):
        if share.lane not in schedule.lanes and not (scenario.schedule.add_lane and share.lane == scenario.schedule.add_lane.id):
            problems.append(f"hiring_lanes[{i}].lane: expected one of {', '.join(schedule.lanes)}, got {share.lane!r}")
    if scenario.hiring_lanes and sum(s.percent for s in scenario.hiring_lanes) != HUNDRED:
        problems.append(f"hiring_lanes: the shares must add up to 100%, got {sum(s.percent for s in scenario.hiring_lanes)}%")
    if scenario.hiring_experience and sum(e.percent for e in scenario.hiring_experience) != HUNDRED:
        problems.append(f"hiring_experience: the shares must add up to 100%, got {sum(e.percent for e in scenario.hiring_experience)}%")
    if scenario.hiring_step is not None and scenario.hiring_step < schedule.first_step:
        problems.append(f"hiring_step: expected a step on the schedule (first step {schedule.first_step}), got {scenario.hiring_step}")
    changes = scenario.schedule
    for i, entry in enumerate(changes.lane_credits):
        if entry.lane not in lane_ids:
            problems.append(f"schedule.lane_credits[{i}].lane: expected one of {', '.join(lane_ids)}, got {entry.lane!r}")
    if changes.add_lane:
        if changes.add_lane.id in lane_ids:
            problems.append(f"schedule.add_lane.id: lane {changes.add_lane.id!r} already exists")
        if changes.add_lane.after not in schedule.lanes:
            problems.append(f"schedule.add_lane.after: expected one of {', '.join(schedule.lanes)}, got {changes.add_lane.after!r}")
    for i, label in enumerate(changes.freeze_years):
        try:
            SchoolYear.from_label(label)
        except ValueError as exc:
            problems.append(f"schedule.freeze_years[{i}]: {exc}")
    role = scenario.policy.new_role
    if role and role.id in {r.id for r in rules.roles}:
        problems.append(f"policy.new_role.id: role {role.id!r} already exists in the district's rules")
    problems += check_proposal(rules, list(scenario.proposal), list(schedule.lanes))
    unknown = [unit for unit in scenario.units if unit not in rules.unit_ids]
    if unknown:
        problems.append(f"units: expected units of {', '.join(rules.unit_ids)}, got {', '.join(unknown)}")
    return problems
