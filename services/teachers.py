"""The roster: teachers, placements, evaluations and earned credentials."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models import (
    CredentialKind,
    CredentialStatus,
    EarnedCredential,
    EarnedCredentialCreate,
    Evaluation,
    Placement,
    PlacementCreate,
    Teacher,
    TeacherCreate,
)
from models.teachers import PlacementBase, TeacherEvent
from models.types import moment


def create_teacher(*, session: Session, teacher: TeacherCreate) -> Teacher:
    """Add a teacher to a district's roster and give it."""
    row = Teacher.model_validate(teacher)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def get_teacher(*, session: Session, teacher_id: int) -> Teacher | None:
    """Give the teacher with this id, or None."""
    return session.get(Teacher, teacher_id)


def get_teacher_by_employee_id(*, session: Session, district_id: str, employee_id: str) -> Teacher | None:
    """Give the district's teacher with this employee id, or None."""
    statement = select(Teacher).where(Teacher.district_id == district_id, Teacher.employee_id == employee_id)
    return session.exec(statement).first()


def teacher_for_user(*, session: Session, user_id: int) -> Teacher | None:
    """Give the roster entry linked to a login account, or None."""
    return session.exec(select(Teacher).where(Teacher.user_id == user_id)).first()


def list_teachers(*, session: Session, district_id: str | None = None) -> list[Teacher]:
    """Give the roster, optionally of one district, by name."""
    statement = select(Teacher).order_by(Teacher.district_id, Teacher.name)
    if district_id is not None:
        statement = statement.where(Teacher.district_id == district_id)
    return list(session.exec(statement))


def set_placement(*, session: Session, placement: PlacementCreate) -> Placement:
    """Place a teacher for a school year, replacing any placement they had for that year."""
    row = session.exec(
        select(Placement).where(
            Placement.teacher_id == placement.teacher_id, Placement.school_year == placement.school_year
        )
    ).first()
    if row is None:
        row = Placement.model_validate(placement)
    else:
        for key, value in placement.model_dump().items():
            setattr(row, key, value)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def placements(*, session: Session, teacher_id: int) -> list[Placement]:
    """Give a teacher's placements, earliest school year first."""
    statement = select(Placement).where(Placement.teacher_id == teacher_id).order_by(Placement.school_year)
    return list(session.exec(statement))


def placement_for(*, session: Session, teacher_id: int, school_year: str | None = None) -> Placement | None:
    """Give the placement for a school year, or the latest one when no year is given."""
    statement = select(Placement).where(Placement.teacher_id == teacher_id)
    if school_year is not None:
        statement = statement.where(Placement.school_year == school_year)
    return session.exec(statement.order_by(Placement.school_year.desc())).first()


def set_evaluation(*, session: Session, teacher_id: int, school_year: str, rating: str) -> Evaluation:
    """Record a teacher's evaluation rating for a school year, replacing any earlier one."""
    row = session.exec(
        select(Evaluation).where(Evaluation.teacher_id == teacher_id, Evaluation.school_year == school_year)
    ).first() or Evaluation(teacher_id=teacher_id, school_year=school_year, rating=rating)
    row.rating = rating
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def evaluations(*, session: Session, teacher_id: int) -> dict[str, str]:
    """Give a teacher's ratings by school year."""
    statement = select(Evaluation).where(Evaluation.teacher_id == teacher_id).order_by(Evaluation.school_year)
    return {row.school_year: row.rating for row in session.exec(statement)}


def add_credential(
    *, session: Session, credential: EarnedCredentialCreate, status: CredentialStatus = CredentialStatus.submitted
) -> EarnedCredential:
    """Record an earned credential (submitted unless told otherwise) and give it."""
    row = EarnedCredential.model_validate(credential, update={"status": status})
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def credentials(*, session: Session, teacher_id: int) -> list[EarnedCredential]:
    """Give a teacher's earned credentials, oldest first."""
    statement = (
        select(EarnedCredential)
        .where(EarnedCredential.teacher_id == teacher_id)
        .order_by(EarnedCredential.earned_on, EarnedCredential.id)
    )
    return list(session.exec(statement))


def credentials_by_status(*, session: Session, teacher_id: int) -> dict[CredentialStatus, list[EarnedCredential]]:
    """Give a teacher's credentials grouped as submitted, granted and denied (every key present)."""
    grouped: dict[CredentialStatus, list[EarnedCredential]] = {status: [] for status in CredentialStatus}
    for row in credentials(session=session, teacher_id=teacher_id):
        grouped[CredentialStatus(row.status)].append(row)
    return grouped


def granted_totals(*, session: Session, teacher_id: int) -> dict[CredentialKind, Decimal]:
    """Give the granted amount of each kind of credential (micro-credentials count one each)."""
    totals: dict[CredentialKind, Decimal] = defaultdict(Decimal)
    for row in credentials(session=session, teacher_id=teacher_id):
        if row.status == CredentialStatus.granted:
            totals[CredentialKind(row.kind)] += row.amount
    return {kind: totals[kind] for kind in CredentialKind}


# --- HR keeps the records: every change is a line in teacher_events -------------------------------

PROFILE_FIELDS = ("name", "school", "hire_date", "email", "did", "subjects", "certifications", "certified")
PLACEMENT_FIELDS = ("step", "lane", "fte", "degree", "band", "years_of_service")


def _event(session: Session, teacher_id: int, action: str, detail: str, actor, on: date | None = None) -> None:
    session.add(TeacherEvent(teacher_id=teacher_id, action=action, detail=detail, actor_id=actor.id if actor else None,
                             actor_username=actor.username if actor else "system", at=moment(on)))


def _changes(before: dict, after: dict) -> str:
    return "; ".join(f"{key.replace('_', ' ')} {before.get(key) if before.get(key) not in (None, '') else '—'} -> "
                     f"{value if value not in (None, '') else '—'}"
                     for key, value in after.items() if before.get(key) != value)


def hire(*, session: Session, teacher: TeacherCreate, placement: PlacementBase, actor, on: date | None = None) -> Teacher:
    """Add a new hire to the roster with their first placement, recorded in the teacher's log."""
    row = Teacher.model_validate(teacher)
    session.add(row)
    session.flush()
    placed = Placement.model_validate(placement, update={"teacher_id": row.id})
    session.add(placed)
    _event(session, row.id, "hired", f"added to the roster: {row.name} ({row.employee_id}), {placed.school_year} "
                                     f"step {placed.step}, lane {placed.lane}, FTE {placed.fte}", actor, on)
    session.commit()
    session.refresh(row)
    return row


def update_profile(*, session: Session, teacher: Teacher, changes: dict, actor, reason: str = "",
                   on: date | None = None) -> str:
    """Change a teacher's profile (name, school, hire date, identity, subjects, certification); give what changed."""
    before = {key: getattr(teacher, key) for key in PROFILE_FIELDS}
    after = {key: value for key, value in changes.items() if key in PROFILE_FIELDS}
    detail = _changes(before, after)
    if not detail:
        return ""
    for key, value in after.items():
        setattr(teacher, key, value)
    session.add(teacher)
    _event(session, teacher.id, "profile", detail + (f" ({reason})" if reason else ""), actor, on)
    session.commit()
    return detail


def place(*, session: Session, teacher: Teacher, school_year: str, values: dict, actor, reason: str = "",
          on: date | None = None) -> str:
    """Set a teacher's placement for a school year (step, lane, FTE, degree, band, years of service); give what changed."""
    row = session.exec(select(Placement).where(Placement.teacher_id == teacher.id,
                                               Placement.school_year == school_year)).first()
    before = {key: getattr(row, key) for key in PLACEMENT_FIELDS} if row else {}
    after = {key: values.get(key) for key in PLACEMENT_FIELDS}
    detail = _changes(before, after)
    if not detail:
        return ""
    row = row or Placement(teacher_id=teacher.id, school_year=school_year, step=after["step"], lane=after["lane"])
    for key, value in after.items():
        setattr(row, key, value)
    session.add(row)
    _event(session, teacher.id, "placement", f"{school_year}: {detail}" + (f" ({reason})" if reason else ""), actor, on)
    session.commit()
    return detail


def rate(*, session: Session, teacher: Teacher, school_year: str, rating: str, actor, on: date | None = None) -> None:
    """Record a teacher's evaluation rating for a school year, in the teacher's log."""
    before = evaluations(session=session, teacher_id=teacher.id).get(school_year)
    set_evaluation(session=session, teacher_id=teacher.id, school_year=school_year, rating=rating)
    _event(session, teacher.id, "rating", f"{school_year}: rating {before or '—'} -> {rating}", actor, on)
    session.commit()


def link_account(*, session: Session, teacher: Teacher, user, actor, on: date | None = None) -> None:
    """Link a teacher account to a roster record (one account, one record)."""
    teacher.user_id = user.id
    session.add(teacher)
    _event(session, teacher.id, "linked", f"linked to account {user.username}", actor, on)
    session.commit()


def teacher_events(*, session: Session, teacher_id: int) -> list[TeacherEvent]:
    """Every change HR made to a teacher's record, oldest first."""
    return list(session.exec(select(TeacherEvent).where(TeacherEvent.teacher_id == teacher_id).order_by(TeacherEvent.id)))


def search(*, session: Session, district_ids: list[str] | None = None, text: str = "", limit: int = 100) -> list[Teacher]:
    """Teachers by name, employee id or school, in the given districts, by name."""
    statement = select(Teacher).order_by(Teacher.name, Teacher.id).limit(limit)
    if district_ids is not None:
        statement = statement.where(Teacher.district_id.in_(district_ids))
    if text:
        like = f"%{text.lower()}%"
        statement = statement.where(or_(func.lower(Teacher.name).like(like), func.lower(Teacher.employee_id).like(like),
                                        func.lower(Teacher.school).like(like)))
    return list(session.exec(statement))
