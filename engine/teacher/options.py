"""The estimate's options, shared by `flask estimate`, the JSON API and the pages."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.pay.cells import step_number
from engine.rules import DistrictRules
from engine.teacher.estimate import Estimate, EstimateInput, PlanYear, estimate

SchoolYearLabel = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="a school year such as 2026-27")]
StepLabel = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9 .&+()\-]+$",
                                 description="a step as the schedule labels it, e.g. 'B' or 'L.5 (10)'")]


class PlannedYear(BaseModel):
    """What the teacher plans to earn in one school year."""

    model_config = ConfigDict(extra="forbid")

    micro_credentials: Annotated[int, Field(ge=0, le=100)] = 0
    credits: Annotated[Decimal, Field(ge=0, le=200)] = Decimal(0)
    window: str | None = None


class EstimateOptions(BaseModel):
    """The options of an estimate; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    district: str
    school_year: SchoolYearLabel
    step: Annotated[int, Field(ge=0, le=60)] | StepLabel
    lane: str
    micro_credentials: Annotated[int, Field(ge=0, le=100, description="micro-credentials earned this school year")] = 0
    credits: Annotated[Decimal, Field(ge=0, le=200, description="semester hours earned this school year")] = Decimal(0)
    years: Annotated[int, Field(ge=1, le=50)] = 10
    fte: Annotated[Decimal, Field(gt=0, le=1)] = Decimal(1)
    degree: Literal["none", "bachelor", "master", "specialist", "doctorate"] | None = None
    band: str | None = None
    years_of_service: Annotated[int, Field(ge=0, le=60)] | None = None
    subjects: list[str] = []
    certifications: list[str] = []
    certified: bool = True
    role: str | None = None
    growth_steps: Annotated[int, Field(ge=0, le=20)] = 0
    micro_credentials_held: Annotated[int, Field(ge=0, le=500)] = 0
    ratings: dict[SchoolYearLabel, str] = {}
    achievements: list[str] = []
    plan: dict[SchoolYearLabel, PlannedYear] = {}
    window: str | None = None
    days_worked: Annotated[int, Field(ge=1, le=366, description="contract days worked in the first year (a partial year)")] | None = None

    def to_input(self, rules: DistrictRules | None = None) -> EstimateInput:
        """The engine's input for these options (a step given by its label is read on the district's schedule)."""
        step = self.step
        if isinstance(step, str):
            if rules is None:
                raise ValueError("a step label needs the district's rules")
            step = step_number(rules, rules.year(self.school_year), step)
        return EstimateInput(
            school_year=self.school_year, step=step, lane=self.lane, micro_credentials=self.micro_credentials,
            credits=self.credits, years=self.years, fte=self.fte, degree=self.degree, band=self.band,
            years_of_service=self.years_of_service, subjects=tuple(self.subjects),
            certifications=tuple(self.certifications), certified=self.certified, role=self.role,
            growth_steps=self.growth_steps, micro_credentials_held=self.micro_credentials_held,
            ratings=tuple(sorted(self.ratings.items())), achievements=tuple(self.achievements),
            plan=tuple((year, PlanYear(p.micro_credentials, p.credits, p.window)) for year, p in sorted(self.plan.items())),
            window=self.window, days_worked=self.days_worked,
        )


def run_estimate(districts: dict[str, DistrictRules], options: EstimateOptions) -> Estimate:
    """The estimate for options naming one of the given districts; unknown districts raise KeyError."""
    rules = districts[options.district]
    return estimate(rules, options.to_input(rules))
