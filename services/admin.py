"""The admin area: accounts (create, role, deactivate, reset password, roster link), their record, and rule-file checks."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, or_
from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from engine.rules.load import parse_rules
from engine.rules.reader import RuleFileError
from models import Role, Teacher, User, UserCreate
from models.accounts import DISTRICT_ROLES
from models.admin import AdminAction, AdminEvent
from services.accounts import (
    districts_by_user,
    get_user_by_username,
    normalise_username,
    revoke_api_tokens,
    set_user_districts,
    user_districts,
)

# Generated passwords: 12 random bytes, 16 URL-safe characters, easy to paste, hard to guess.
GENERATED_PASSWORD_BYTES = 12
RECENT_EVENTS = 50


class AdminRefused(ValueError):
    """An administrator action that must not happen; the message says why, for the page."""


def generate_password() -> str:
    """Give a new random password, to be shown once and never stored in the clear."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


# --- reading accounts ------------------------------------------------------------------------


def account_districts(*, session: Session, users: list[User]) -> dict[int, list[str]]:
    """Give the districts of each listed account that has some (the account list shows them)."""
    return districts_by_user(session=session, user_ids=[user.id for user in users])


def list_users(*, session: Session, role: Role | None = None, search: str | None = None) -> list[tuple[User, Teacher | None]]:
    """Give accounts with their roster record, by account name; filter by role and by part of the name."""
    statement = select(User, Teacher).join(Teacher, Teacher.user_id == User.id, isouter=True).order_by(User.username)
    if role is not None:
        statement = statement.where(User.role == Role(role).value)
    if search and search.strip():
        needle = f"%{search.strip().lower()}%"
        statement = statement.where(or_(func.lower(User.username).like(needle),
                                        func.lower(User.display_name).like(needle)))
    return list(session.exec(statement))


def count_users_by_role(*, session: Session) -> dict[Role, int]:
    """Give how many active accounts each role has."""
    rows = session.exec(select(User.role, func.count()).where(User.active).group_by(User.role))
    counts = {role: 0 for role in Role}
    counts.update({Role(role): count for role, count in rows})
    return counts


def teacher_record(*, session: Session, user: User) -> Teacher | None:
    """Give the roster record linked to an account, or None."""
    return session.exec(select(Teacher).where(Teacher.user_id == user.id)).first()


def roster_districts(*, session: Session) -> list[str]:
    """Give the districts that have teachers on the roster (where a teacher account can be linked)."""
    return list(session.exec(select(Teacher.district_id).distinct().order_by(Teacher.district_id)))


def recent_events(*, session: Session, target: User | None = None, limit: int = RECENT_EVENTS) -> list[AdminEvent]:
    """Give the newest administrator actions first, optionally those on one account."""
    statement = select(AdminEvent).order_by(AdminEvent.at.desc(), AdminEvent.id.desc()).limit(limit)
    if target is not None:
        statement = statement.where(AdminEvent.target_user_id == target.id)
    return list(session.exec(statement))


# --- changing accounts: each change and its record are one transaction -----------------------


def _record(session: Session, *, actor: User, action: AdminAction, target: User, detail: str = "") -> None:
    session.add(AdminEvent(actor_id=actor.id, actor_username=actor.username, action=action,
                           target_user_id=target.id, target_username=target.username, detail=detail))


def record_rule_file(*, session: Session, actor: User, file: str, detail: str) -> None:
    """Keep, in the admin record, that an administrator wrote a rule file from the grid import page."""
    session.add(AdminEvent(actor_id=actor.id, actor_username=actor.username, action=AdminAction.rule_file_written,
                           target_user_id=None, target_username=file[:80], detail=detail[:300]))
    session.commit()


def _roster_teacher(session: Session, *, user: User | None, district_id: str, employee_id: str) -> Teacher:
    # The roster record an account may be linked to: it exists and no other account holds it.
    teacher = session.exec(select(Teacher).where(Teacher.district_id == district_id,
                                                 Teacher.employee_id == employee_id.strip())).first()
    if teacher is None:
        raise AdminRefused(f"No teacher with employee id {employee_id.strip()!r} on the {district_id} roster.")
    if teacher.user_id is not None and (user is None or teacher.user_id != user.id):
        holder = session.get(User, teacher.user_id)
        raise AdminRefused(f"{teacher.name} ({district_id} {teacher.employee_id}) is already linked to the account "
                           f"{holder.username if holder else teacher.user_id}.")
    return teacher


def create_user(*, session: Session, actor: User, user: UserCreate, district_id: str | None = None,
                employee_id: str | None = None, district_ids: list[str] = ()) -> User:
    """Add an account (linked to a roster record when a teacher's is named; an HR or finance account with the
    districts it works for), record it, and give it.

    Raises AdminRefused for a name in use, a roster record that is missing, taken, or given for a non-teacher,
    or districts given for a role that has none.
    """
    username = normalise_username(user.username)
    if get_user_by_username(session=session, username=username) is not None:
        raise AdminRefused(f"The account name {username!r} is taken.")
    if district_ids and Role(user.role) not in DISTRICT_ROLES:
        raise AdminRefused(_NO_DISTRICTS)
    teacher = None
    if employee_id and employee_id.strip():
        if Role(user.role) != Role.teacher:
            raise AdminRefused("Only teacher accounts are linked to a roster record.")
        teacher = _roster_teacher(session, user=None, district_id=district_id or "", employee_id=employee_id)
    row = User(username=username, display_name=user.display_name.strip(), role=Role(user.role),
               password_hash=generate_password_hash(user.password))
    session.add(row)
    session.flush()  # the id, for the link and the record
    detail = f"role {row.role}"
    if teacher is not None:
        teacher.user_id = row.id
        session.add(teacher)
        detail += f"; roster {teacher.district_id} {teacher.employee_id}"
    if district_ids:
        detail += f"; districts {', '.join(set_user_districts(session=session, user=row, district_ids=district_ids, commit=False))}"
    _record(session, actor=actor, action=AdminAction.user_created, target=row, detail=detail[:300])
    session.commit()
    session.refresh(row)
    return row


def link_teacher(*, session: Session, actor: User, user: User, district_id: str, employee_id: str) -> Teacher:
    """Link a teacher account to its roster record (replacing any earlier link), record it, and give the record."""
    if Role(user.role) != Role.teacher:
        raise AdminRefused("Only teacher accounts are linked to a roster record.")
    teacher = _roster_teacher(session, user=user, district_id=district_id, employee_id=employee_id)
    previous = teacher_record(session=session, user=user)
    if previous is not None and previous.id != teacher.id:
        previous.user_id = None
        session.add(previous)
        session.flush()  # the link is unique: free it before giving it to the new record
    teacher.user_id = user.id
    session.add(teacher)
    _record(session, actor=actor, action=AdminAction.teacher_linked, target=user,
            detail=f"roster {teacher.district_id} {teacher.employee_id}")
    session.commit()
    session.refresh(teacher)
    return teacher


_NO_DISTRICTS = "Only HR and finance accounts belong to districts (administrators see every district)."


def set_districts(*, session: Session, actor: User, user: User, district_ids: list[str]) -> list[str]:
    """Make an HR or finance account's districts exactly these, record the change, and give them.

    What the account's pages, queries and exports show follows at its next request. Raises AdminRefused for
    another role.
    """
    if Role(user.role) not in DISTRICT_ROLES:
        raise AdminRefused(_NO_DISTRICTS)
    before = user_districts(session=session, user_id=user.id)
    after = sorted(set(district_ids))
    if before == after:
        return after
    set_user_districts(session=session, user=user, district_ids=after, commit=False)
    _record(session, actor=actor, action=AdminAction.districts_changed, target=user,
            detail=f"{', '.join(before) or 'none'} → {', '.join(after) or 'none'}"[:300])
    session.commit()
    return after


def change_role(*, session: Session, actor: User, user: User, role: Role) -> User:
    """Give an account another role and record it; an administrator may not demote themself."""
    role = Role(role)
    if user.id == actor.id and role != Role.admin:
        raise AdminRefused("You cannot take the admin role from your own account; ask another administrator.")
    previous = Role(user.role)
    if previous == role:
        return user
    user.role = role
    session.add(user)
    _record(session, actor=actor, action=AdminAction.role_changed, target=user, detail=f"{previous} → {role}")
    session.commit()
    return user


def set_active(*, session: Session, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account and record it; an administrator may not deactivate themself.

    Deactivating also revokes the account's API tokens, so reactivating it does not bring old tokens back.
    (Sign-in, sessions and tokens already refuse inactive accounts: see `authenticate`, `load_user`, `user_for_token`.)
    """
    if user.id == actor.id and not active:
        raise AdminRefused("You cannot deactivate your own account; ask another administrator.")
    if user.active == active:
        return user
    user.active = active
    session.add(user)
    detail = ""
    if not active:
        user.session_version += 1  # open sessions end, and do not come back on reactivation
        revoked = revoke_api_tokens(session=session, user=user)
        detail = f"{revoked} API token(s) revoked" if revoked else ""
    _record(session, actor=actor, action=AdminAction.reactivated if active else AdminAction.deactivated,
            target=user, detail=detail)
    session.commit()
    return user


def reset_password(*, session: Session, actor: User, user: User) -> str:
    """Give an account a new generated password, record it, and give the password (shown once)."""
    password = generate_password()
    user.password_hash = generate_password_hash(password)
    user.session_version += 1  # whoever held the old password is signed out
    session.add(user)
    revoked = revoke_api_tokens(session=session, user=user)  # and their API tokens stop working
    _record(session, actor=actor, action=AdminAction.password_reset, target=user,
            detail=f"{revoked} API token(s) revoked" if revoked else "")
    session.commit()
    return password


# --- district rule files -----------------------------------------------------------------------


@dataclass
class RuleFileCheck:
    """One rule file as the districts page shows it: its errors, or what it holds."""

    file: str
    errors: list[str] = field(default_factory=list)
    district_id: str | None = None
    name: str | None = None
    school_years: list[str] = field(default_factory=list)
    illustrative: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def check_rule_files(path: str | Path) -> list[RuleFileCheck]:
    """Give a check of every rule file in a folder, each on its own so one broken file hides no other."""
    checks = []
    for rule_file in sorted(Path(path).glob("*.yaml")):
        check = RuleFileCheck(file=rule_file.name)
        try:
            rules = parse_rules(rule_file)
        except RuleFileError as error:
            check.errors = [str(problem) for problem in error.errors]
        except (OSError, UnicodeDecodeError) as error:
            check.errors = [f"{rule_file}: cannot be read: {error}"]
        else:
            check.district_id = rules.id
            check.name = rules.district.name
            check.school_years = rules.school_years()
            check.illustrative = rules.district.illustrative
        checks.append(check)
    return checks
