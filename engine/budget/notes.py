"""Why a lever changes nothing: a $0.00 difference says so (a policy that is already the district's rule, a freeze
outside the projected years...). Pure: no Flask, no database."""
from __future__ import annotations

from engine.budget.scenario import Scenario, effective_year, first_year
from engine.rules import DistrictRules, dated_value


def unchanged_levers(rules: DistrictRules, scenario: Scenario) -> list[str]:
    """Why each lever the scenario pulls changes nothing, where it does not (a $0.00 difference says why)."""
    notes: list[str] = []
    name = rules.district.name
    policy, changes = scenario.policy, scenario.schedule
    start = first_year(rules, scenario)
    years = {start.plus(k).label for k in range(scenario.years)}
    rule = rules.micro_credentials
    if policy.micro_credentials_count_toward_lanes and rule.counts_toward == "lanes" \
            and rule.credit_hours_each == policy.credit_hours_per_micro_credential and rule.combine_with_other_credit:
        notes.append(f"Micro-credentials already count toward lanes in {name}, {rule.credit_hours_each} graduate-equivalent "
                     f"hour(s) each: this is the district's rule, so it changes nothing.")
    stipends = [a for a in rules.additions if a.kind == "per_micro_credential"]
    if policy.stipend_per_micro_credential is not None and stipends:
        current = stipends[0]
        bands = [str(b) for b in current.eligibility.bands or []]
        if dated_value(current.amount, start.start) == policy.stipend_per_micro_credential \
                and current.per_year_cap == policy.stipend_cap_per_year \
                and (not policy.stipend_bands or sorted(policy.stipend_bands) == sorted(bands)):
            notes.append(f"{current.name} is already ${policy.stipend_per_micro_credential} a micro-credential"
                         + (f", at most {current.per_year_cap} a year" if current.per_year_cap else "")
                         + f" in {name}: this is the district's rule, so it changes nothing.")
    uptake = scenario.uptake_percent if scenario.uptake_percent is not None else rules.budget.micro_credential_uptake_percent
    if not scenario.worst_case and uptake == 0 and (policy.micro_credentials_count_toward_lanes
                                                     or policy.stipend_per_micro_credential is not None):
        notes.append("No one starts earning micro-credentials (uptake 0%): a micro-credential policy costs nothing.")
    for label in changes.freeze_years:
        if label in rules.steps.freeze_years:
            notes.append(f"Steps are already frozen in {label} in {name}'s rules.")
        elif label not in years:
            notes.append(f"The step freeze in {label} falls outside the projected years "
                         f"({start.label} to {start.plus(scenario.years - 1).label}).")
    for entry in changes.lane_credits:
        if any(lane.id == entry.lane and lane.credits == entry.credits for lane in rules.lanes):
            notes.append(f"Lane {entry.lane} already asks {entry.credits} hours of credit.")
    if changes.raise_percent or changes.add_step or changes.add_lane:
        effective = effective_year(rules, scenario)
        if effective.label not in years and effective.start > start.start:
            notes.append(f"The schedule changes take effect in {effective.label}, after the last projected year.")
    return notes
