"""Finance tables: imported rosters and their teachers, saved scenarios, and projection runs."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import ExactDecimal, UTCDateTime, utcnow


# Fields every shape of a budget roster shares.
class BudgetRosterBase(SQLModel):
    district_id: str = Field(max_length=64, index=True)
    name: str = Field(max_length=160)
    school_year: str = Field(max_length=7)


# A budget roster as shown in lists.
class BudgetRosterPublic(BudgetRosterBase):
    id: int
    teacher_count: int
    created_at: datetime


# One imported (or synthetic) roster: finance's snapshot of the staff to project, all rows or none.
class BudgetRoster(BudgetRosterBase, table=True):
    __tablename__ = "finance_rosters"

    id: int | None = Field(default=None, primary_key=True)
    teacher_count: int = 0
    source: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# One teacher of a budget roster, as the roster file gave them.
class RosterEntry(SQLModel, table=True):
    __tablename__ = "finance_roster_entries"

    id: int | None = Field(default=None, primary_key=True)
    roster_id: int = Field(foreign_key="finance_rosters.id", index=True, ondelete="CASCADE")
    employee_id: str = Field(max_length=64)
    school: str = Field(default="", max_length=160)
    step: int
    lane: str = Field(max_length=40)
    fte: Decimal = Field(default=Decimal("1.00"), max_digits=4, decimal_places=2, sa_type=ExactDecimal(4, 2))
    hire_date: date | None = None
    degree: str | None = Field(default=None, max_length=16)
    band: str | None = Field(default=None, max_length=40)
    micro_credentials: int = 0
    credit_hours: Decimal = Field(default=Decimal("0.00"), max_digits=7, decimal_places=2, sa_type=ExactDecimal(7, 2))
    subjects: str = Field(default="", max_length=400)
    certifications: str = Field(default="", max_length=400)
    certified: bool = True
    # What HR keeps beyond the placement, where the file gives it (issue 11).
    years_of_service: int | None = None
    growth_steps: int | None = None
    role: str = Field(default="", max_length=60)
    micro_credentials_this_year: int = 0
    actual_salary: Decimal | None = Field(default=None, max_digits=12, decimal_places=2, sa_type=ExactDecimal(12, 2))
    unit: str = Field(default="", max_length=60)
    funding: str = Field(default="", max_length=60)
    # A lane change HR approved part-way through the roster's school year, and the share of that year it pays.
    new_lane: str = Field(default="", max_length=40)
    new_lane_share: Decimal | None = Field(default=None, max_digits=5, decimal_places=4, sa_type=ExactDecimal(5, 4))


# A roster's columns as the projection reads them (numpy arrays in one .npz, no employee ids): written with
# the roster's rows in one transaction, and never changed after, as the rows are not. Loading a million
# teachers is one read instead of a million rows.
class RosterColumns(SQLModel, table=True):
    __tablename__ = "finance_roster_columns"

    roster_id: int = Field(primary_key=True, foreign_key="finance_rosters.id", ondelete="CASCADE")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# A saved, named set of assumptions: the engine's Scenario as JSON, against one district and roster.
class ScenarioRecord(SQLModel, table=True):
    __tablename__ = "finance_scenarios"

    id: int | None = Field(default=None, primary_key=True)
    district_id: str = Field(max_length=64, index=True)
    name: str = Field(max_length=120)
    roster_id: int | None = Field(default=None, foreign_key="finance_rosters.id", ondelete="SET NULL")
    definition: str = Field(sa_column=Column(Text, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RunStatus(StrEnum):
    """Where a projection run stands."""

    queued = "queued"
    running = "running"
    merging = "merging"   # every part is done; one worker is putting the result together
    done = "done"
    failed = "failed"


# One projection of a scenario (and its baseline) over a roster, run by the Huey worker.
class ProjectionRun(SQLModel, table=True):
    __tablename__ = "finance_runs"

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="finance_scenarios.id", index=True, ondelete="CASCADE")
    roster_id: int = Field(foreign_key="finance_rosters.id", ondelete="CASCADE")
    status: RunStatus = Field(default=RunStatus.queued, sa_type=String(16))
    progress: int = Field(default=0, description="percent done")
    message: str = Field(default="", max_length=400)
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    seconds: Decimal | None = Field(default=None, max_digits=9, decimal_places=3, sa_type=ExactDecimal(9, 3))
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The lease: a worker that holds the run (starting it, or putting it together) renews this; a run whose
    # lease lapsed is given to another worker, or failed once it has been tried MAX_ATTEMPTS times.
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    parts: int = Field(default=0, description="parts the run was split into")


# One part of a run any worker can take: a projection's expected values (chunk -1) or one chunk of its
# Monte Carlo draws, with its lease and, once done, its sums (numpy arrays, exactly as computed).
class RunPart(SQLModel, table=True):
    __tablename__ = "finance_run_parts"
    __table_args__ = (UniqueConstraint("run_id", "projection", "chunk"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="finance_runs.id", index=True, ondelete="CASCADE")
    projection: str = Field(sa_type=String(16), description="scenario or baseline")
    chunk: int = Field(description="-1: expected values; 0, 1...: a chunk of Monte Carlo draws")
    status: str = Field(default="queued", sa_type=String(16))
    attempts: int = 0
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    result: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
