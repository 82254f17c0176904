"""A scenario's assumptions resolved against the rules: the first year projected, every rate a Decimal, every
default filled in from the rule file, and the fastest pace the rules allow (the worst case)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from engine.budget.proposal import OneTimePayment
from engine.budget.scenario_levers import HUNDRED, Scenario
from engine.pay.cells import latest_schedule_year, next_step, schedule_for, step_cap
from engine.rules import DistrictRules, dated_value
from engine.school_year import SchoolYear


class Assumptions(BaseModel):
    """A scenario's assumptions resolved against the rules: every rate a Decimal, every default filled in."""

    model_config = ConfigDict(frozen=True)

    first_year: SchoolYear
    years: int
    attrition_percent: Decimal
    retiree_share_percent: Decimal
    uptake_percent: Decimal               # of those not earning last year, the share who start
    persistence_percent: Decimal          # of last year's earners, the share who earn again
    micro_credentials_per_participant: int
    hiring_step: int
    hiring_lanes: tuple[tuple[str, Decimal], ...]
    hiring_experience: tuple[tuple[int, Decimal], ...] = ((0, HUNDRED),)
    program_cost_per_micro_credential: Decimal
    social_security_percent: Decimal      # 0 where the district does not pay it
    medicare_percent: Decimal
    health_per_head: Decimal | None
    retirement_percent: Decimal | None
    role_id: str | None
    role_share_percent: Decimal
    one_time: tuple[tuple[str, OneTimePayment], ...] = ()     # (school year, payment) of a proposal

    @property
    def hiring_mix(self) -> list[tuple[str, int, int]]:
        """Hires by (lane, years of prior experience, weight): the lane mix times the experience mix, lane by lane."""
        return [(lane, years, int(lane_share * share * 100)) for lane, lane_share in self.hiring_lanes
                for years, share in self.hiring_experience]

    def hire_step(self, rules: DistrictRules, year: SchoolYear, lane: str, years: int) -> int:
        """The step a hire with some years of experience is placed on: that many steps past the hiring step (skipping
        reserved steps), never past the lane's last."""
        if not years:
            return self.hiring_step
        schedule, _, _ = schedule_for(rules, year)
        return next_step(schedule, self.hiring_step, years, step_cap(rules, schedule, lane), lane)

    def one_time_in(self, year: SchoolYear) -> list[OneTimePayment]:
        return [payment for label, payment in self.one_time if label == year.label]
    draws: int
    seed: int

    def school_years(self) -> list[SchoolYear]:
        return [self.first_year.plus(k) for k in range(self.years)]

    @property
    def cohorts(self) -> bool:
        """Whether earning last year changes the odds of earning this year (earners are a cohort that persists)."""
        return self.persistence_percent != self.uptake_percent

    @property
    def fica_percent(self) -> Decimal:
        """Social Security and Medicare together, on pay under the wage base."""
        return self.social_security_percent + self.medicare_percent

    def wage_base_in(self, rules: DistrictRules, year: SchoolYear) -> Decimal | None:
        """Social Security's wage base for a school year (the calendar year it starts in); None where not paid."""
        if not self.social_security_percent:
            return None
        value = dated_value(rules.budget.fica.wage_base, date(year.start.year, 12, 31))
        return Decimal(value) if value is not None else None

    def retirement_in(self, rules: DistrictRules, year: SchoolYear) -> Decimal:
        """The retirement rate on pay in a school year: the override, or the rule file's dated rate."""
        if self.retirement_percent is not None:
            return self.retirement_percent
        value = dated_value(rules.budget.retirement_rate, year.start)
        return Decimal(value) if value is not None else Decimal(0)

    def health_in(self, rules: DistrictRules, year: SchoolYear) -> Decimal:
        """Health cost per head in a school year: the override, else the plan tiers' cost weighted by the share
        enrolled in each, else the rule file's per head; grown by the yearly trend after the first projected year."""
        budget = rules.budget
        if self.health_per_head is not None:
            value = self.health_per_head
        elif budget.health_tiers:
            value = sum((tier.cost * tier.share_percent / HUNDRED for tier in budget.health_tiers), Decimal(0))
        else:
            found = dated_value(budget.health_per_head, year.start)
            value = Decimal(found) if found is not None else Decimal(0)
        years = year.start.year - self.first_year.start.year
        if budget.health_trend_percent and years > 0:
            value = value * (1 + budget.health_trend_percent / HUNDRED) ** years
        return value


def first_year(rules: DistrictRules, scenario: Scenario) -> SchoolYear:
    """The first school year projected: the scenario's, or that of the latest adopted schedule."""
    return rules.year(scenario.start_year) if scenario.start_year else latest_schedule_year(rules)


def resolve(rules: DistrictRules, scenario: Scenario, year: SchoolYear | None = None) -> Assumptions:
    """The scenario's assumptions with every default taken from the (changed) rules; `year` is the first projected
    year, found from the district's own rules (a changed copy may have adopted schedules of its own)."""
    budget = rules.budget
    year = year or first_year(rules, scenario)
    schedule, _, _ = schedule_for(rules, year)
    hiring_step = scenario.hiring_step if scenario.hiring_step is not None else max(rules.steps.hiring_step, schedule.first_step)
    lanes = tuple((s.lane, s.percent) for s in scenario.hiring_lanes if s.percent > 0) or ((schedule.lanes[0], HUNDRED),)
    role = scenario.policy.new_role
    uptake = budget.micro_credential_uptake_percent if scenario.uptake_percent is None else scenario.uptake_percent
    persistence = scenario.persistence_percent
    if persistence is None:
        persistence = budget.micro_credential_persistence_percent
    if persistence is None:
        persistence = uptake
    per_participant = scenario.micro_credentials_per_participant
    role_share = role.share_percent if role else Decimal(0)
    if scenario.worst_case:
        # Every eligible teacher qualifies: all start and keep earning at the fastest pace the rules allow, all
        # eligible teachers take the role.
        uptake = persistence = HUNDRED
        per_participant = fastest_pace(rules, per_participant)
        role_share = HUNDRED
    fica = budget.fica
    return Assumptions(
        first_year=year, years=scenario.years,
        attrition_percent=budget.attrition_percent if scenario.attrition_percent is None else scenario.attrition_percent,
        retiree_share_percent=budget.retiree_share_percent if scenario.retiree_share_percent is None else scenario.retiree_share_percent,
        uptake_percent=uptake, persistence_percent=persistence, micro_credentials_per_participant=per_participant,
        hiring_step=hiring_step, hiring_lanes=lanes, program_cost_per_micro_credential=scenario.program_cost_per_micro_credential,
        social_security_percent=fica.social_security_rate if fica.social_security else Decimal(0),
        medicare_percent=fica.medicare_rate if fica.medicare else Decimal(0),
        health_per_head=scenario.health_per_head, retirement_percent=scenario.retirement_percent,
        role_id=role.id if role else None, role_share_percent=role_share, draws=scenario.draws, seed=scenario.seed,
        one_time=tuple((p.school_year, payment) for p in scenario.proposal for payment in p.one_time),
        hiring_experience=tuple((e.years, e.percent) for e in scenario.hiring_experience if e.percent > 0) or ((0, HUNDRED),),
    )


def fastest_pace(rules: DistrictRules, at_least: int = 1) -> int:
    """The most micro-credentials a year that the rules count and that can still change pay: the yearly maximum
    where there is one; else every phase of growth steps at once, the hours to the highest lane, or the largest
    stipend cap, whichever is most."""
    rule, counting = rules.micro_credentials, rules.counting
    if counting.max_micro_credentials_per_year is not None:
        return counting.max_micro_credentials_per_year
    candidates = [at_least, counting.min_micro_credentials_per_year]
    candidates += [a.per_year_cap for a in rules.additions if a.kind == "per_micro_credential" and a.per_year_cap]
    if rule.counts_toward == "growth_steps" and rule.per_growth_step:
        candidates.append(rule.per_growth_step * (rule.max_growth_steps or 1))
    if rule.counts_toward == "lanes" and rule.credit_hours_each > 0:
        most = max(lane.credits for lane in rules.lanes)
        candidates.append(int(-(-Decimal(most) // rule.credit_hours_each)))
    return min(max(candidates), 30)
