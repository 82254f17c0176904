"""The admin area's record: who created, changed, deactivated or reset which account, and when."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DDL, Column, Integer, String, event
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

# Both databases refuse UPDATE and DELETE on the record, whatever the app does.
ADMIN_EVENTS_GUARD_POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION admin_events_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'admin_events is append-only: UPDATE and DELETE are refused';
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER admin_events_append_only BEFORE UPDATE OR DELETE ON admin_events
FOR EACH ROW EXECUTE FUNCTION admin_events_refuse_change()""",
]
ADMIN_EVENTS_GUARD_SQLITE = [
    """CREATE TRIGGER admin_events_no_update BEFORE UPDATE ON admin_events
BEGIN SELECT RAISE(ABORT, 'admin_events is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER admin_events_no_delete BEFORE DELETE ON admin_events
BEGIN SELECT RAISE(ABORT, 'admin_events is append-only: DELETE refused'); END""",
]


class AdminAction(StrEnum):
    """What an administrator did to an account."""

    user_created = "user_created"
    role_changed = "role_changed"
    deactivated = "deactivated"
    reactivated = "reactivated"
    password_reset = "password_reset"
    teacher_linked = "teacher_linked"


ACTION_LABELS = {
    AdminAction.user_created: "created the account",
    AdminAction.role_changed: "changed the role",
    AdminAction.deactivated: "deactivated the account",
    AdminAction.reactivated: "reactivated the account",
    AdminAction.password_reset: "reset the password",
    AdminAction.teacher_linked: "linked the roster record",
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


for _statement in ADMIN_EVENTS_GUARD_POSTGRESQL:
    event.listen(AdminEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in ADMIN_EVENTS_GUARD_SQLITE:
    event.listen(AdminEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
