"""The roster: teachers, placements, evaluations and earned credentials."""

from collections import defaultdict
from decimal import Decimal

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
