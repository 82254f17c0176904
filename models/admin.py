"""The admin area's record: who created, changed, deactivated or reset which account, or wrote which rule file, and when."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Integer, String
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, guard_append_only, utcnow


class AdminAction(StrEnum):
    """What an administrator did to an account."""

    user_created = "user_created"
    role_changed = "role_changed"
    deactivated = "deactivated"
    reactivated = "reactivated"
    password_reset = "password_reset"
    teacher_linked = "teacher_linked"
    districts_changed = "districts_changed"
    rule_file_written = "rule_file_written"


ACTION_LABELS = {
    AdminAction.user_created: "created the account",
    AdminAction.role_changed: "changed the role",
    AdminAction.deactivated: "deactivated the account",
    AdminAction.reactivated: "reactivated the account",
    AdminAction.password_reset: "reset the password",
    AdminAction.teacher_linked: "linked the roster record",
    AdminAction.districts_changed: "changed the districts",
    AdminAction.rule_file_written: "wrote the rule file",
}


# One administrator action on an account. Rows are never changed.
class AdminEvent(SQLModel, table=True):
    __tablename__ = "admin_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # Ids without foreign keys, and the names as they were: the record outlives any change to the accounts.
    actor_id: int | None = Field(default=None, sa_column=Column(Integer))
    actor_username: str = Field(max_length=80)
    action: AdminAction = Field(sa_type=String(24))
    target_user_id: int | None = Field(default=None, sa_column=Column(Integer, index=True))
    target_username: str = Field(max_length=80)
    detail: str = Field(default="", max_length=300)


# Both databases refuse UPDATE and DELETE on it, whatever the app does.
guard_append_only(AdminEvent.__table__)
