"""Accounts: creating users, checking passwords with throttling, sign-ins (one per browser), and API bearer tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import case, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, LoginAttempt, Role, SignIn, User, UserCreate, UserDistrict
from models.types import utcnow

# 5 tries for one account from one address within 15 minutes of the first locks that pair out
# until the 15 minutes have passed; a right password clears the count.
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


def names(*, session: Session, user_ids) -> dict[int, str]:
    """Give each account's name as people read it (its display name, else its account name), by id."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.display_name, User.username).where(User.id.in_(wanted)))
    return {user_id: display or username for user_id, display, username in rows}


def get_user_by_username(*, session: Session, username: str) -> User | None:
    """Give the account with this name, or None."""
    return session.exec(select(User).where(User.username == normalise_username(username))).first()


def user_districts(*, session: Session, user_id: int) -> list[str]:
    """Give the districts an HR or finance account works for, by id (none until an administrator assigns them)."""
    return list(session.exec(select(UserDistrict.district_id).where(UserDistrict.user_id == user_id)
                             .order_by(UserDistrict.district_id)))


def districts_by_user(*, session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    """Give each listed account's districts, by id (accounts without any are left out)."""
    found: dict[int, list[str]] = {}
    if user_ids:
        for user_id, district_id in session.exec(select(UserDistrict.user_id, UserDistrict.district_id)
                                                 .where(UserDistrict.user_id.in_(user_ids))
                                                 .order_by(UserDistrict.user_id, UserDistrict.district_id)):
            found.setdefault(user_id, []).append(district_id)
    return found


def set_user_districts(*, session: Session, user: User, district_ids: list[str], commit: bool = True) -> list[str]:
    """Make an account's districts exactly these (the demo's seeding and `flask create-user`; administrators use
    `services.admin.set_districts`, which records the change); give them sorted."""
    wanted = sorted(set(district_ids))
    session.exec(delete(UserDistrict).where(UserDistrict.user_id == user.id))
    session.add_all(UserDistrict(user_id=user.id, district_id=district_id) for district_id in wanted)
    if commit:
        session.commit()
    return wanted


def set_password(*, session: Session, user: User, password: str) -> None:
    """Replace an account's password (the demo's seeding; people change theirs with `change_own_password`)."""
    user.password_hash = generate_password_hash(password)
    session.add(user)
    session.commit()


def change_own_password(*, session: Session, user: User, password: str, keep_sign_in: str | None) -> None:
    """Replace one's own password; end every other sign-in (remember-me cookies with them) and revoke API tokens.

    Whoever changes a password because it leaked expects whoever holds it to be out everywhere
    else; the browser making the change (`keep_sign_in`, its sign-in secret) stays signed in.
    """
    user.password_hash = generate_password_hash(password)
    session.add(user)
    others = update(SignIn).where(SignIn.user_id == user.id, SignIn.ended_at.is_(None))
    if keep_sign_in:
        others = others.where(SignIn.token_hash != _hash_token(keep_sign_in))
    session.exec(others.values(ended_at=utcnow()))
    revoke_api_tokens(session=session, user=user)
    session.commit()


def _reserve_try(session: Session, name: str, remote_addr: str, now: datetime) -> bool:
    """Count one sign-in try for the pair; give False when the pair has used its tries in this window.

    One conditional UPDATE counts the try, so concurrent tries from many workers serialize on
    the pair's row (PostgreSQL re-checks the condition after waiting for the row): at most
    MAX_FAILED_LOGINS of them pass. The row is created first if the pair has none.
    """
    stale = LoginAttempt.window_started_at < now - FAILED_LOGIN_WINDOW
    pair = (LoginAttempt.username == name, LoginAttempt.remote_addr == remote_addr)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for _ in range(2):  # a prune elsewhere may delete an idle row between the insert and the update: try again
        session.exec(dialect.insert(LoginAttempt).values(username=name, remote_addr=remote_addr, tries=0,
                                                         window_started_at=now, attempted_at=now)
                     .on_conflict_do_nothing(index_elements=["username", "remote_addr"]))
        counted = session.exec(
            update(LoginAttempt).where(*pair, or_(LoginAttempt.tries < MAX_FAILED_LOGINS, stale))
            .values(tries=case((stale, 1), else_=LoginAttempt.tries + 1),
                    window_started_at=case((stale, now), else_=LoginAttempt.window_started_at),
                    attempted_at=now)).rowcount
        session.commit()
        if counted == 1:
            return True
        if session.exec(select(LoginAttempt.id).where(*pair)).first() is not None:
            return False
    return False


def prune_login_attempts(*, session: Session, now: datetime | None = None) -> int:
    """Delete the try counts of pairs idle for a whole window (they lock nothing any more); give how many."""
    cutoff = (now or utcnow()) - FAILED_LOGIN_WINDOW
    removed = session.exec(delete(LoginAttempt).where(LoginAttempt.attempted_at < cutoff)).rowcount
    session.commit()
    return removed


def authenticate(
    *, session: Session, username: str, password: str, remote_addr: str, now: datetime | None = None
) -> User | None:
    """Give the account if the password is right; count every try; raise LoginThrottled when locked out."""
    now = now or utcnow()
    name = normalise_username(username)
    prune_login_attempts(session=session, now=now)
    if not _reserve_try(session, name, remote_addr, now):
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
    return None


# --- sign-ins: one per browser, named by a secret in its session and remember-me cookies -------------------


def start_sign_in(*, session: Session, user: User, remember: bool, lifetime: timedelta,
                  now: datetime | None = None) -> str:
    """Record a browser's sign-in lasting `lifetime`; give its secret (for the cookies; only a hash is stored).

    Sign-ins that have ended or expired are deleted on the way, so the table holds open ones.
    """
    now = now or utcnow()
    session.exec(delete(SignIn).where(or_(SignIn.expires_at < now, SignIn.ended_at.is_not(None))))
    secret = secrets.token_urlsafe(32)
    session.add(SignIn(user_id=user.id, token_hash=_hash_token(secret), remember=remember, created_at=now,
                       expires_at=now + lifetime))
    session.commit()
    return secret


def user_for_sign_in(*, session: Session, cookie_id: str, now: datetime | None = None) -> User | None:
    """Give the account a session or remember-me cookie stands for ("<id>.<version>.<secret>"), or None.

    None unless the sign-in is open and unexpired, the account active, and its session version
    unchanged (a deactivation or password reset ends every sign-in made before it).
    """
    number, version, secret = (cookie_id.split(".", 2) + ["", ""])[:3]
    if not (number.isdigit() and version.isdigit() and secret) or len(number) > 10:
        return None
    sign_in = session.exec(select(SignIn).where(SignIn.token_hash == _hash_token(secret))).first()
    if (sign_in is None or sign_in.user_id != int(number) or sign_in.ended_at is not None
            or sign_in.expires_at <= (now or utcnow())):
        return None
    user = session.get(User, sign_in.user_id)
    if user is None or not user.active or user.session_version != int(version):
        return None
    user._sign_in_secret = secret
    return user


def sign_in_secret(cookie_id: str | None) -> str | None:
    """The sign-in secret inside a session's user id, if it has one."""
    parts = (cookie_id or "").split(".", 2)
    return parts[2] if len(parts) == 3 and parts[2] else None


def end_sign_in(*, session: Session, secret: str | None) -> None:
    """End one browser's sign-in: its session and remember-me cookies stop working, saved copies too."""
    if not secret:
        return
    session.exec(update(SignIn).where(SignIn.token_hash == _hash_token(secret), SignIn.ended_at.is_(None))
                 .values(ended_at=utcnow()))
    session.commit()


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


def revoke_api_tokens(*, session: Session, user: User) -> int:
    """Revoke every token of the account (the caller commits); give how many were revoked."""
    return session.exec(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                        .values(revoked_at=utcnow())).rowcount


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
