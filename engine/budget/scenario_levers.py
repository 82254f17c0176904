"""A budget scenario's levers: the assumptions, hiring mix, vacancies, micro-credential policy and schedule
changes finance sets, as a saved, named `Scenario`. Pure: no Flask, no database."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from engine.budget.changes import ScheduleChanges, Strict
from engine.budget.proposal import MAX_PROPOSAL_YEARS, ProposalYear
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
