"""The roster: teachers, their placement each school year, evaluations and earned credentials."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import ExactDecimal, Money, UTCDateTime, utcnow


class CredentialKind(StrEnum):
    """What a teacher earned: each kind converts to lane credit by the district's rules."""

    micro_credential = "micro_credential"
    graduate_credit = "graduate_credit"
    pd_hours = "pd_hours"
    cpe_hours = "cpe_hours"


class CredentialStatus(StrEnum):
    """Where an earned credential stands: only granted ones count toward pay."""

    submitted = "submitted"
    granted = "granted"
    denied = "denied"


# Fields every shape of a teacher shares.
class TeacherBase(SQLModel):
    district_id: str = Field(max_length=64, index=True)
    employee_id: str = Field(max_length=64)
    name: str = Field(max_length=160)
    school: str = Field(default="", max_length=160)
    hire_date: date | None = None


# What HR (or the demo seeder) gives to add a teacher to the roster.
class TeacherCreate(TeacherBase):
    user_id: int | None = None


# A teacher as shown by the API.
class TeacherPublic(TeacherBase):
    id: int
    user_id: int | None = None


# A teacher on a district's roster, optionally linked to a login account.
class Teacher(TeacherBase, table=True):
    __tablename__ = "teachers"
    __table_args__ = (UniqueConstraint("district_id", "employee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", sa_column_kwargs={"unique": True}
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Fields every shape of a placement shares: the cell of the schedule for one school year.
class PlacementBase(SQLModel):
    school_year: str = Field(max_length=7)
    step: int = Field(ge=0)
    lane: str = Field(max_length=40)
    fte: Decimal = Field(default=Decimal("1.00"), ge=0, le=1, max_digits=4, decimal_places=2, sa_type=ExactDecimal(4, 2))
    years_of_service: int | None = Field(default=None, ge=0)
    degree: str | None = Field(default=None, max_length=40)
    band: str | None = Field(default=None, max_length=40)


# What HR gives to place a teacher for a school year.
class PlacementCreate(PlacementBase):
    teacher_id: int


# A placement as shown by the API.
class PlacementPublic(PlacementBase):
    id: int
    teacher_id: int


# Where a teacher sits on the schedule in one school year (one row per teacher and year).
class Placement(PlacementBase, table=True):
    __tablename__ = "placements"
    __table_args__ = (UniqueConstraint("teacher_id", "school_year"),)

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teachers.id", index=True, ondelete="CASCADE")


# A teacher's evaluation rating for one school year (role eligibility reads it).
class Evaluation(SQLModel, table=True):
    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("teacher_id", "school_year"),)

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teachers.id", index=True, ondelete="CASCADE")
    school_year: str = Field(max_length=7)
    rating: str = Field(max_length=40)


# Fields every shape of an earned credential shares.
class EarnedCredentialBase(SQLModel):
    kind: CredentialKind = Field(sa_type=String(24))
    title: str = Field(default="", max_length=200)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2, sa_type=Money)
    school_year: str | None = Field(default=None, max_length=7)
    earned_on: date | None = None
    achievement_id: str | None = Field(default=None, max_length=500)
    issuer: str | None = Field(default=None, max_length=500)


# What a teacher (or HR) gives to record an earned credential.
class EarnedCredentialCreate(EarnedCredentialBase):
    teacher_id: int


# An earned credential as shown by the API.
class EarnedCredentialPublic(EarnedCredentialBase):
    id: int
    teacher_id: int
    status: CredentialStatus
    submitted_on: date | None = None
    decided_on: date | None = None


# A micro-credential, graduate credit or PD/CPE hours a teacher earned, and whether HR granted it.
class EarnedCredential(EarnedCredentialBase, table=True):
    __tablename__ = "earned_credentials"

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teachers.id", index=True, ondelete="CASCADE")
    status: CredentialStatus = Field(default=CredentialStatus.submitted, sa_type=String(16))
    submitted_on: date | None = None
    decided_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
