"""HR's lane-change workflow: requests, the credentials they rest on, evidence files, and the append-only audit log."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.types import ExactDecimal, Money, UTCDateTime, guard_append_only, utcnow


# Requests waiting for HR, as SQL: the partial index below and the queue's default filter must say it alike.
WAITING = "status IN ('submitted', 'pre_approved') AND submitted_at IS NOT NULL"


# Fields a teacher gives when filing a request.
class ChangeRequestBase(SQLModel):
    kind: str = Field(sa_type=String(16))
    target_lane: str | None = Field(default=None, max_length=40)
    role: str | None = Field(default=None, max_length=60)
    window_id: str | None = Field(default=None, max_length=60)
    note: str = Field(default="", max_length=2000)


# What the teacher's form gives to open a draft.
class ChangeRequestCreate(ChangeRequestBase):
    teacher_id: int


# A lane-change, growth-step or role request and, once decided, the terms the rules gave it.
class ChangeRequest(ChangeRequestBase, table=True):
    __tablename__ = "change_requests"
    __table_args__ = (
        # HR's queue: filter by status (and district or school), newest or oldest first, keyset on id.
        Index("ix_change_requests_status_submitted", "status", "submitted_at", "id"),
        Index("ix_change_requests_district_status_submitted", "district_id", "status", "submitted_at", "id"),
        Index("ix_change_requests_school_status_submitted", "school", "status", "submitted_at", "id"),
        Index("ix_change_requests_status_window", "status", "window_id", "submitted_at", "id"),
        Index("ix_change_requests_status_decided", "status", "decided_at", "id"),
        # The queue's default view (requests waiting for HR, oldest first) read in index order, no sort.
        Index("ix_change_requests_waiting", "submitted_at", "id",
              sqlite_where=text(WAITING), postgresql_where=text(WAITING)),
    )

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teachers.id", index=True, ondelete="CASCADE")
    district_id: str = Field(max_length=64)
    school: str = Field(default="", max_length=160)
    status: str = Field(default="draft", sa_type=String(16))
    version: int = Field(default=1)
    reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # The terms fixed at approval (kept when reversed, so payroll can see what is recovered).
    school_year: str | None = Field(default=None, max_length=7)
    effective_date: date | None = None
    share_of_year: str | None = Field(default=None, max_length=8)
    old_step: int | None = None
    old_lane: str | None = Field(default=None, max_length=40)
    new_lane: str | None = Field(default=None, max_length=40)
    old_growth_steps: int | None = None
    new_growth_steps: int | None = None
    new_micro_credential_growth_steps: int | None = None
    old_annual: Decimal | None = Field(default=None, sa_type=Money)
    new_annual: Decimal | None = Field(default=None, sa_type=Money)
    retro_amount: Decimal | None = Field(default=None, sa_type=Money)
    retro_explanation: str | None = Field(default=None, sa_column=Column(Text))
    recovered_amount: Decimal | None = Field(default=None, sa_type=Money)


# A credential (micro-credential, transcript credit, PD hours) a request rests on.
class RequestCredential(SQLModel, table=True):
    __tablename__ = "request_credentials"
    __table_args__ = (UniqueConstraint("request_id", "credential_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="change_requests.id", index=True, ondelete="CASCADE")
    credential_id: int = Field(foreign_key="earned_credentials.id", index=True, ondelete="CASCADE")


# An evidence file for a request or a ledger item, stored in the instance folder under a random name and
# served only to its teacher and HR.
class EvidenceFile(SQLModel, table=True):
    __tablename__ = "request_evidence"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="change_requests.id", index=True, ondelete="CASCADE")
    credential_id: int | None = Field(default=None, foreign_key="earned_credentials.id", index=True,
                                      ondelete="CASCADE")
    stored_name: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    original_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    verification: str | None = Field(default=None, sa_column=Column(Text))


# How much of a ledger item an approved request used. The item's used_amount (checked by the database
# against its amount) is the sum of these; a reversal deletes its rows and gives the amount back.
class CredentialUse(SQLModel, table=True):
    __tablename__ = "credential_uses"

    credential_id: int = Field(primary_key=True, foreign_key="earned_credentials.id", ondelete="CASCADE")
    request_id: int = Field(primary_key=True, foreign_key="change_requests.id", index=True, ondelete="CASCADE")
    amount: Decimal = Field(sa_type=ExactDecimal(14, 4))


# One reviewer's approval of a request, where the district's rules need more than one (a committee).
class RequestReview(SQLModel, table=True):
    __tablename__ = "request_reviews"

    request_id: int = Field(primary_key=True, foreign_key="change_requests.id", ondelete="CASCADE")
    reviewer_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# One move of a request: who, when, from which state to which, and why. Rows are never changed.
class RequestAudit(SQLModel, table=True):
    __tablename__ = "request_audit"

    id: int | None = Field(default=None, primary_key=True)
    # No foreign-key cascade: deleting a request must never take its history with it.
    request_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    action: str = Field(sa_type=String(16))
    from_status: str | None = Field(default=None, sa_type=String(16))
    to_status: str = Field(sa_type=String(16))
    actor_id: int | None = Field(default=None, sa_column=Column(Integer))
    actor_role: str = Field(sa_type=String(16))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reason: str | None = Field(default=None, sa_column=Column(Text))


# Both databases refuse UPDATE and DELETE on it, whatever the app does.
guard_append_only(RequestAudit.__table__)
