"""Accounts: users with a role, their API tokens, and failed-login records for throttling."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What a user may do: each area of the app is open to one or more roles."""

    teacher = "teacher"
    hr = "hr"
    finance = "finance"
    admin = "admin"


# The roles whose work is limited to the districts an administrator assigns (administrators see every district;
# a teacher sees their own record).
DISTRICT_ROLES = frozenset({Role.hr, Role.finance})


# Fields every shape of a user shares.
class UserBase(SQLModel):
    username: str = Field(max_length=80, sa_column_kwargs={"unique": True}, index=True)
    display_name: str = Field(default="", max_length=120)
    role: Role = Field(sa_type=String(16))


# What an administrator (or the demo seeder) gives to create an account.
class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=200)


# A user as shown by the API: never the password hash.
class UserPublic(UserBase):
    id: int
    teacher_id: int | None = None


# A login account; `role` decides which blueprints it may open.
class User(UserBase, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    # Bumped when an account is deactivated or its password reset: every session signed before then ends.
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    # Flask-Login's user protocol, spelt out rather than inherited from UserMixin
    # so the table class stays a plain SQLModel.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # "<id>.<session version>.<sign-in secret>", kept in the session and remember-me cookies: `load_user`
        # accepts it only while that sign-in is open, so signing out ends this browser's cookies, saved copies too.
        # The secret is set on the instance by the sign-in page just before `login_user`.
        return f"{self.id}.{self.session_version}.{getattr(self, '_sign_in_secret', '')}"


# A district an HR or finance account works for, set by an administrator: that account's queries, pages and
# exports show these districts only (an account with none sees nothing until an administrator assigns some).
class UserDistrict(SQLModel, table=True):
    __tablename__ = "user_districts"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    # A rule file's district id, as Teacher.district_id and the finance tables hold it (rule files are not a table).
    district_id: str = Field(max_length=64, primary_key=True)


# A bearer token as listed on the account page: its name and first characters, never the secret.
class ApiTokenPublic(SQLModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None


# A bearer token for the JSON API; only a SHA-256 of the secret is stored.
class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# Sign-in tries for one account name from one address in the current window, one row per pair, kept in the
# database so every worker sees it. A try is counted (a conditional UPDATE) before the password is checked,
# so concurrent tries cannot pass the limit; a right password deletes the row; idle rows are pruned.
class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempts"
    __table_args__ = (UniqueConstraint("username", "remote_addr", name="uq_login_attempts_username_remote_addr"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80)
    remote_addr: str = Field(max_length=64)
    tries: int = Field(default=0)
    window_started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


# One browser's sign-in: its session and remember-me cookies name this row by a secret (only its SHA-256 is
# stored). Signing out ends it; so do a password change (for the other browsers) and its expiry.
class SignIn(SQLModel, table=True):
    __tablename__ = "sign_ins"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    remember: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
