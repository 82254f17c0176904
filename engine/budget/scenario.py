"""A budget scenario: a named set of assumptions, policies and schedule changes,
and the district rules it implies. Pure: no Flask, no database.

A scenario never edits the projection engines; every policy and negotiated
schedule change is expressed as a transformed copy of `DistrictRules`, so the
vectorised engine and the per-teacher reference engine see the same rules.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.errors import RuleInputError
from engine.pay.cells import cell_amount, latest_schedule_year, next_step, schedule_for, step_cap
from engine.budget.changes import (  # noqa: F401 (AddedLane, LaneCredits: the scenario's parts, named from here)
    AddedLane,
    LaneCredits,
    ScheduleChanges,
    Strict,
    schedules_from,
)
from engine.budget.proposal import MAX_PROPOSAL_YEARS, OneTimePayment, ProposalError, ProposalYear, check_proposal, proposal_schedules
from engine.rules import (
    Addition,
    DistrictRules,
    Eligibility,
    Lane,
    MicroCredentialRule,
    Role,
    dated_value,
)
from engine.school_year import SchoolYear

Percent = Annotated[Decimal, Field(ge=0, le=100, description="a percentage, e.g. 4 for 4%")]
Money = Annotated[Decimal, Field(ge=0, decimal_places=2, description="an amount in dollars")]
HUNDRED = Decimal(100)
MAX_YEARS = 30
MAX_DRAWS = 5000


class LaneShare(Strict):
    """The share of replacement hires placed in one lane."""

    lane: str
    percent: Percent


class ExperienceShare(Strict):
    """The share of hires who bring some years of prior experience (placed that many steps past the hiring step)."""

    years: Annotated[int, Field(ge=0, le=40)]
    percent: Percent


class Vacancy(Strict):
    """Budgeted positions not filled today: filled in the first projected year by hires placed by the hiring mix."""

    unit: Annotated[str, Field(max_length=60)] = "teachers"
    lane: str | None = Field(None, description="empty: the unit's hiring lanes")
    fte: Annotated[Decimal, Field(gt=0, le=1, decimal_places=2)] = Decimal("1.00")
    funding: Annotated[str, Field(max_length=60)] = ""
    count: Annotated[int, Field(ge=1, le=10_000)] = 1


class NewRole(Strict):
    """A teacher-leader role the policy creates, who may hold it, and its yearly supplement."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = "new-role"
    name: str = "New teacher-leader role"
    supplement: Money = Decimal("3000.00")
    min_years: Annotated[int, Field(ge=0)] = 3
    micro_credentials: Annotated[int, Field(ge=0)] = 10
    share_percent: Percent = Field(Decimal(25), description="share of eligible teachers who take the role each year")


class Policy(Strict):
    """The micro-credential policy being judged against the district's current rules."""

    micro_credentials_count_toward_lanes: bool = False
    credit_hours_per_micro_credential: Annotated[Decimal, Field(ge=0, le=15)] = Decimal(1)
    stipend_per_micro_credential: Money | None = None
    stipend_cap_per_year: Annotated[int, Field(ge=1)] | None = None
    stipend_bands: list[str] | None = Field(None, description="pay bands eligible for the stipend; all when empty")
    new_role: NewRole | None = None

    @property
    def is_empty(self) -> bool:
        return self == Policy()


class Scenario(Strict):
    """A saved, named set of assumptions against one district's rules."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    district_id: str
    start_year: str | None = Field(None, description="first school year projected; the latest adopted schedule's when empty")
    years: Annotated[int, Field(ge=1, le=MAX_YEARS)] = 10
    cola_percent: Percent | None = None
    attrition_percent: Percent | None = None
    retiree_share_percent: Percent | None = None
    uptake_percent: Percent | None = Field(None, description="share of teachers not earning who start each year")
    persistence_percent: Percent | None = Field(None, description="share of last year's earners who earn again")
    micro_credentials_per_participant: Annotated[int, Field(ge=1, le=30)] = 5
    hiring_step: Annotated[int, Field(ge=0)] | None = None
    hiring_lanes: list[LaneShare] = []
    hiring_experience: list[ExperienceShare] = Field([], max_length=20, description="hires' prior experience "
                                                     "(empty: every hire at the hiring step)")
    vacancies: list[Vacancy] = Field([], max_length=200)
    program_cost_per_micro_credential: Money = Decimal(0)
    policy: Policy = Policy()
    schedule: ScheduleChanges = ScheduleChanges()
    units: list[Annotated[str, Field(max_length=60)]] = Field(
        [], max_length=20, description="the bargaining units the scenario changes (empty: the teachers)")
    proposal: list[ProposalYear] = Field([], max_length=MAX_PROPOSAL_YEARS,
                                         description="a bargaining proposal, school year by school year")
    social_security: bool | None = Field(None, description="Social Security paid (6.2% up to the wage base); empty: the rule file's")
    medicare: bool | None = Field(None, description="Medicare paid (1.45%); empty: the rule file's")
    retirement_percent: Percent | None = None
    health_per_head: Money | None = None
    worst_case: bool = False
    draws: Annotated[int, Field(ge=0, le=MAX_DRAWS)] = 0
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 20260701

    @model_validator(mode="before")
    @classmethod
    def _one_fica_switch(cls, data):
        """Scenarios saved before Social Security and Medicare were apart: one FICA switch stood for both."""
        if isinstance(data, dict) and ("fica_enabled" in data or "fica_percent" in data):
            data = dict(data)
            enabled = data.pop("fica_enabled", None)
            data.pop("fica_percent", None)
            if enabled is not None:
                data.setdefault("social_security", enabled)
                data.setdefault("medicare", enabled)
        return data

    @field_validator("start_year")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        if value:
            SchoolYear.from_label(value)
        return value or None

    def baseline(self) -> "Scenario":
        """The same assumptions under the district's current rules: no policy, no schedule change, no proposal."""
        return self.model_copy(update={"name": f"{self.name} (baseline)", "policy": Policy(),
                                       "schedule": ScheduleChanges(), "proposal": []})


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


class ScenarioError(ValueError):
    """A scenario that does not fit its district's rules; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- from a scenario to rules -------------------------------------------------------------------


def first_year(rules: DistrictRules, scenario: Scenario) -> SchoolYear:
    """The first school year projected: the scenario's, or that of the latest adopted schedule."""
    return rules.year(scenario.start_year) if scenario.start_year else latest_schedule_year(rules)


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
