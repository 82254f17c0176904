"""Accounts: creating users, checking passwords with throttling, and API bearer tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, LoginAttempt, Role, User, UserCreate
from models.types import utcnow

# 5 failures for one account from one address within 15 minutes locks that pair out
# until the oldest failure leaves the window.
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)
TOKEN_PREFIX = "lw_"


class LoginThrottled(Exception):
    """Too many failed sign-ins for this account from this address."""


def normalise_username(username: str) -> str:
    """Give the account name as stored: trimmed and lower case."""
    return username.strip().lower()


def create_user(*, session: Session, user: UserCreate) -> User:
    """Add an account with a hashed password and give it."""
    row = User(
        username=normalise_username(user.username),
        display_name=user.display_name,
        role=Role(user.role),
        password_hash=generate_password_hash(user.password),
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def get_user(*, session: Session, user_id: int) -> User | None:
    """Give the account with this id, or None."""
    return session.get(User, user_id)


def get_user_by_username(*, session: Session, username: str) -> User | None:
    """Give the account with this name, or None."""
    return session.exec(select(User).where(User.username == normalise_username(username))).first()


def set_password(*, session: Session, user: User, password: str) -> None:
    """Replace an account's password."""
    user.password_hash = generate_password_hash(password)
    session.add(user)
    session.commit()


def failed_logins(*, session: Session, username: str, remote_addr: str, now: datetime | None = None) -> int:
    """Give how many sign-ins failed for this account and address within the window."""
    since = (now or utcnow()) - FAILED_LOGIN_WINDOW
    statement = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == normalise_username(username),
        LoginAttempt.remote_addr == remote_addr,
        LoginAttempt.attempted_at >= since,
    )
    return session.exec(statement).one()


def authenticate(
    *, session: Session, username: str, password: str, remote_addr: str, now: datetime | None = None
) -> User | None:
    """Give the account if the password is right; record failures; raise LoginThrottled when locked out."""
    now = now or utcnow()
    name = normalise_username(username)
    if failed_logins(session=session, username=name, remote_addr=remote_addr, now=now) >= MAX_FAILED_LOGINS:
        raise LoginThrottled(name)
    user = get_user_by_username(session=session, username=name)
    # Check a hash even for unknown names so timing does not reveal which accounts exist.
    password_hash = user.password_hash if user else _DUMMY_HASH
    if check_password_hash(password_hash, password) and user is not None and user.active:
        session.exec(
            delete(LoginAttempt).where(LoginAttempt.username == name, LoginAttempt.remote_addr == remote_addr)
        )
        session.commit()
        return user
    session.add(LoginAttempt(username=name, remote_addr=remote_addr, attempted_at=now))
    session.commit()
    return None


_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def _hash_token(secret: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough to make a stolen table useless.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(*, session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Add a bearer token for the account; give the row and the secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip() or "token", prefix=secret[:10], token_hash=_hash_token(secret))
    session.add(token)
    session.commit()
    session.refresh(token)
    return token, secret


def list_api_tokens(*, session: Session, user: User) -> list[ApiToken]:
    """Give the account's tokens that are not revoked, newest first."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id.desc())
    )
    return list(session.exec(statement))


def revoke_api_token(*, session: Session, user: User, token_id: int) -> bool:
    """Revoke one of the account's tokens; give False if it is not theirs or already revoked."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    session.add(token)
    session.commit()
    return True


def user_for_token(*, session: Session, secret: str) -> User | None:
    """Give the active account a bearer token belongs to, or None; note when it was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.exec(
        select(ApiToken).where(ApiToken.token_hash == _hash_token(secret), ApiToken.revoked_at.is_(None))
    ).first()
    if token is None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    token.last_used_at = utcnow()
    session.add(token)
    session.commit()
    return user
