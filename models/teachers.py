"""The roster: teachers, their placement each school year, evaluations and earned credentials."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import ExactDecimal, Money, UTCDateTime, guard_append_only, utcnow


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
    # What additions read: subjects taught and certifications held (separated by ";"), certified or not.
    subjects: str = Field(default="", max_length=500)
    certifications: str = Field(default="", max_length=500)
    certified: bool = True
    # Who a badge must be made out to: the teacher's email and decentralized identifier (DID), when known.
    email: str | None = Field(default=None, max_length=254)
    did: str | None = Field(default=None, max_length=500)

    def subject_list(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.subjects.split(";") if s.strip())

    def certification_list(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.certifications.split(";") if s.strip())


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


# One item of the credit ledger: a micro-credential, graduate credit or PD/CPE hours a teacher earned,
# HR's decision on it, and how much of it approved requests have used.
class EarnedCredential(EarnedCredentialBase, table=True):
    __tablename__ = "earned_credentials"
    __table_args__ = (
        # "Credit counts once" held by the database: approvals can never use more than the item holds.
        CheckConstraint("used_amount >= 0 AND used_amount <= amount", name="ck_earned_credentials_used_within_amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teachers.id", index=True, ondelete="CASCADE")
    status: CredentialStatus = Field(default=CredentialStatus.submitted, sa_type=String(16))
    submitted_on: date | None = None
    decided_on: date | None = None
    decided_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decision_reason: str | None = Field(default=None, max_length=2000)
    used_amount: Decimal = Field(default=Decimal(0), sa_type=ExactDecimal(14, 4))
    # One signed credential (its id, or the hash of its content) is credited to one teacher, once.
    credential_key: str | None = Field(default=None, max_length=128, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# One move of a ledger item: recorded, granted, denied, used by an approval or released by a reversal. Never changed.
class CreditEvent(SQLModel, table=True):
    __tablename__ = "credit_events"

    id: int | None = Field(default=None, primary_key=True)
    # Ids without foreign keys: the record outlives the rows it speaks of.
    credential_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    teacher_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    action: str = Field(sa_type=String(16))
    amount: Decimal | None = Field(default=None, sa_type=ExactDecimal(14, 4))
    request_id: int | None = Field(default=None, sa_column=Column(Integer))
    actor_id: int | None = Field(default=None, sa_column=Column(Integer))
    actor_role: str = Field(default="system", sa_type=String(16))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reason: str | None = Field(default=None, sa_column=Column(Text))


# One change HR made to a teacher's record (new hire, placement, FTE, hire date, band, degree, account link).
class TeacherEvent(SQLModel, table=True):
    __tablename__ = "teacher_events"

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    action: str = Field(sa_type=String(24))
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    actor_id: int | None = Field(default=None, sa_column=Column(Integer))
    actor_username: str = Field(default="", max_length=80)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Both databases refuse UPDATE and DELETE on them, whatever the app does.
guard_append_only(CreditEvent.__table__)
guard_append_only(TeacherEvent.__table__)
