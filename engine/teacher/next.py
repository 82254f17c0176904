"""What moves a teacher next (credit for the next lane or growth step, the next window,
missing role requirements) and the best next step, ranked by what it adds."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import money_str
from engine.pay.additions import Placement, role_check
from engine.pay.credit import (
    base_credits,
    earned_lane,
    lanes_on,
    micro_credential_hours,
    next_lane,
)
from engine.pay.windows import window_on
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.estimate import EstimateInput, estimate


def next_moves(rules: DistrictRules, inputs: EstimateInput, today) -> dict:
    """Credit still needed for the next lane or growth step, the next window and its effective date, missing role requirements."""
    year = rules.year(inputs.school_year)
    lane = rules.lane(inputs.lane)
    degree = inputs.degree or lane.degree
    credit = base_credits(lane, degree) + Decimal(inputs.credits)
    result: dict = {"school_year": year.label, "lane": lane.id, "next_lane": None, "degree_lane": None,
                    "next_growth_step": None,
                    "next_window": None, "roles": []}
    mc_rule = rules.micro_credentials
    found = next_lane(rules, year, degree, credit + micro_credential_hours(rules, inputs.micro_credentials))
    if found:
        target, needed = found
        entry = {"lane": target.id, "credits_needed": str(needed)}
        if mc_rule.counts_toward == "lanes" and mc_rule.credit_hours_each > 0:
            entry["micro_credentials_needed"] = int(-(-needed // mc_rule.credit_hours_each))
        result["next_lane"] = entry
    else:
        result["degree_lane"] = _next_degree_lane(rules, year, degree, credit)
    if mc_rule.counts_toward == "growth_steps" and mc_rule.per_growth_step:
        if mc_rule.max_growth_steps is None or inputs.growth_steps < mc_rule.max_growth_steps:
            progress = inputs.micro_credentials % mc_rule.per_growth_step
            result["next_growth_step"] = {"growth_step": inputs.growth_steps + 1,
                                          "micro_credentials_needed": mc_rule.per_growth_step - progress,
                                          "min_per_year": rules.counting.min_micro_credentials_per_year}
    window = next_window(rules, today)
    if window:
        result["next_window"] = window
    placement = Placement(step=inputs.step, lane=lane.id, degree=degree, years_of_service=inputs.years_of_service,
                          micro_credentials_total=inputs.micro_credentials_held + inputs.micro_credentials,
                          achievements=inputs.achievements, ratings=inputs.ratings, band=inputs.band)
    result["roles"] = [role_check(rules, role, year, placement).to_json() for role in rules.roles]
    return result


def _next_degree_lane(rules: DistrictRules, year: SchoolYear, degree: str, credits: Decimal) -> dict | None:
    """The next lane to the right when only a higher degree opens it, and the degree it needs."""
    lanes = lanes_on(rules, year)
    current = earned_lane(rules, year, degree, credits)
    for lane in lanes[lanes.index(current) + 1:]:
        return {"lane": lane.id, "degree": lane.degree}
    return None


def next_window(rules: DistrictRules, today) -> dict | None:
    """The next submission deadline on or after a date, and when a raise filed by it takes effect."""
    found = window_on(rules, today)
    return found.to_json() if found else None


def best_next_steps(rules: DistrictRules, inputs: EstimateInput) -> list[dict]:
    """The options the rules allow, ranked by what they add over the timeline."""
    baseline = estimate(rules, inputs)
    options: list[tuple[str, str, EstimateInput]] = []
    one = max(1, rules.counting.min_micro_credentials_per_year)
    options.append(("micro_credential", f"{one} more micro-credential{'s' if one > 1 else ''} this year",
                    replace(inputs, micro_credentials=inputs.micro_credentials + one)))
    mc_rule = rules.micro_credentials
    if mc_rule.counts_toward == "growth_steps" and mc_rule.per_growth_step:
        options.append(("stack", f"a phase of {mc_rule.per_growth_step} micro-credentials this year",
                        replace(inputs, micro_credentials=inputs.micro_credentials + mc_rule.per_growth_step)))
    moves = next_moves(rules, inputs, baseline.now.school_year.start)
    if moves["next_lane"]:
        needed = Decimal(moves["next_lane"]["credits_needed"])
        options.append(("credit", f"{needed} credit hours for lane {moves['next_lane']['lane']}",
                        replace(inputs, credits=Decimal(inputs.credits) + needed)))
        if "micro_credentials_needed" in moves["next_lane"]:
            n = moves["next_lane"]["micro_credentials_needed"]
            options.append(("micro_credentials_for_lane", f"{n} micro-credentials for lane {moves['next_lane']['lane']}",
                            replace(inputs, micro_credentials=inputs.micro_credentials + n)))
    for role in rules.roles:
        options.append(("role", f"qualify for {role.name}", replace(inputs, role=role.id)))
    ranked = []
    for kind, label, option in options:
        try:
            result = estimate(rules, option)
        except RuleInputError:
            continue
        gain = result.career_total - baseline.career_total
        ranked.append({"kind": kind, "option": label, "gain_over_years": money_str(gain),
                       "gain_this_year": money_str(result.now.total - baseline.now.total), "years": len(result.timeline)})
    ranked.sort(key=lambda o: Decimal(o["gain_over_years"]), reverse=True)
    return ranked
