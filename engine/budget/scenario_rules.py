"""The district's rules as a scenario changes them: its policy, schedule changes, proposal, COLA and benefit
overrides applied to a copy of `DistrictRules`, so both projection engines see the same rules."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.budget.changes import schedules_from
from engine.budget.proposal import ProposalError, proposal_schedules
from engine.budget.scenario_assumptions import first_year
from engine.budget.scenario_checks import ScenarioError, check
from engine.budget.scenario_levers import Scenario
from engine.rules import (
    Addition,
    DistrictRules,
    Eligibility,
    Lane,
    MicroCredentialRule,
    Role,
)
from engine.school_year import SchoolYear

# --- from a scenario to rules -------------------------------------------------------------------


def scenario_rules(rules: DistrictRules, scenario: Scenario) -> DistrictRules:
    """The district's rules as the scenario changes them: policy, schedule changes, COLA and benefit overrides."""
    problems = check(rules, scenario)
    if problems:
        raise ScenarioError(problems)
    start = first_year(rules, scenario)
    update: dict = {}
    budget = rules.budget
    budget_update: dict = {}
    if scenario.cola_percent is not None:
        budget_update["cola_percent"] = scenario.cola_percent
    fica_update = {name: value for name in ("social_security", "medicare")
                   if (value := getattr(scenario, name)) is not None}
    if fica_update:
        budget_update["fica"] = budget.fica.model_copy(update=fica_update)
    if budget_update:
        update["budget"] = budget.model_copy(update=budget_update)
    policy = scenario.policy
    if policy.micro_credentials_count_toward_lanes:
        update["micro_credentials"] = MicroCredentialRule(
            counts_toward="lanes", credit_hours_each=policy.credit_hours_per_micro_credential,
            cpe_hours_each=rules.micro_credentials.cpe_hours_each, combine_with_other_credit=True,
            statuses_counted=rules.micro_credentials.statuses_counted,
            description="Scenario policy: micro-credentials count as graduate-equivalent hours toward lanes.")
    additions = list(rules.additions)
    if policy.stipend_per_micro_credential is not None:
        current = next((i for i, a in enumerate(additions) if a.kind == "per_micro_credential"), None)
        if current is None:
            eligibility = Eligibility(bands=list(policy.stipend_bands)) if policy.stipend_bands else Eligibility()
            additions.append(Addition(id="scenario-mc-stipend", name="Micro-credential stipend (scenario)",
                                      kind="per_micro_credential", amount=policy.stipend_per_micro_credential,
                                      per_year_cap=policy.stipend_cap_per_year, eligibility=eligibility))
        else:
            # Raising the cap or the amount of the district's stipend changes that stipend: it is not paid twice.
            existing = additions[current]
            eligibility = existing.eligibility
            if policy.stipend_bands:
                eligibility = eligibility.model_copy(update={"bands": list(policy.stipend_bands)})
            additions[current] = existing.model_copy(update={
                "amount": _from_year(existing.amount, start.start, policy.stipend_per_micro_credential),
                "per_year_cap": policy.stipend_cap_per_year, "eligibility": eligibility})
    update["additions"] = additions
    roles = list(rules.roles)
    if policy.new_role:
        roles.append(Role(id=policy.new_role.id, name=policy.new_role.name, min_years=policy.new_role.min_years,
                          micro_credentials=policy.new_role.micro_credentials, supplement=policy.new_role.supplement,
                          description="Scenario policy: a new teacher-leader role."))
    update["roles"] = roles
    changes = scenario.schedule
    lanes = list(rules.lanes)
    if changes.lane_credits:
        wanted = {entry.lane: entry.credits for entry in changes.lane_credits}
        lanes = [lane.model_copy(update={"credits": wanted[lane.id]}) if lane.id in wanted else lane for lane in lanes]
    if changes.add_lane:
        added = changes.add_lane
        lanes.insert([l.id for l in lanes].index(added.after) + 1,
                     Lane(id=added.id, name=added.id, degree=added.degree, credits=added.credits,
                          description=f"Scenario: a lane {added.percent_over}% over {added.after}."))
    update["lanes"] = lanes
    update["schedules"] = schedules_from(rules, effective_year(rules, scenario), changes)
    freeze = set(changes.freeze_years)
    added_steps = int(changes.add_step) + sum(p.add_steps for p in scenario.proposal)
    if scenario.proposal:
        # The proposal's years build on the schedules the simpler changes leave.
        schedules, held, proposal_problems = proposal_schedules(rules.model_copy(update={"schedules": update["schedules"]}),
                                                                list(scenario.proposal))
        if proposal_problems:
            raise ScenarioError([f"proposal: {p}" for p in proposal_problems])
        update["schedules"] = schedules
        freeze |= set(held)
    steps = rules.steps
    step_update: dict = {}
    if freeze:
        step_update["freeze_years"] = sorted(set(steps.freeze_years) | freeze)
    if added_steps and steps.max_step is not None:
        step_update["max_step"] = steps.max_step + added_steps
    if step_update:
        update["steps"] = steps.model_copy(update=step_update)
    changed = rules.model_copy(update=update)
    # Re-validate: the copy must still be a consistent rule set.
    try:
        return DistrictRules.model_validate(changed.model_dump())
    except ProposalError as exc:
        raise ScenarioError(exc.problems) from None


def effective_year(rules: DistrictRules, scenario: Scenario) -> SchoolYear:
    """The school year the scenario's raise, added step and added lane take effect: the one it names, else the first
    projected year without a schedule adopted for it (a year whose schedule is adopted keeps it unless told)."""
    if scenario.schedule.effective_year:
        return rules.year(scenario.schedule.effective_year)
    start = first_year(rules, scenario)
    found = rules.adopted_schedule(start)
    return start.plus(1) if found is not None and found[0] == start.start else start


def _from_year(value, start: date, new: Decimal):
    """A dated amount that becomes `new` from a date on, keeping what it was before."""
    if not isinstance(value, dict):
        return new      # one amount for every year: the projection reads none before its first year
    kept = {on: amount for on, amount in value.items() if on < start}
    return {**kept, start: new} if kept else new
