"""Reading what happened: a request's audit log, a teacher's requests, approved changes and placements over the years."""

from __future__ import annotations

from sqlmodel import Session, select

from models import Placement
from models.hr import ChangeRequest, RequestAudit
from services import ledger

# --- reading -------------------------------------------------------------------------------------


def audit_log(*, session: Session, request_id: int) -> list[RequestAudit]:
    """Every move of a request, in order."""
    return list(session.exec(select(RequestAudit).where(RequestAudit.request_id == request_id).order_by(RequestAudit.id)))


def requests_of_teacher(*, session: Session, teacher_id: int) -> list[ChangeRequest]:
    """A teacher's requests, newest first."""
    return list(session.exec(select(ChangeRequest).where(ChangeRequest.teacher_id == teacher_id)
                             .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc())))


# --- history -------------------------------------------------------------------------------------


def approved_changes(*, session: Session, teacher_id: int) -> list[ChangeRequest]:
    """A teacher's approved changes, by effective date: what the dashboard shows as "lane X from date Y"."""
    return ledger.approved_changes(session=session, teacher_id=teacher_id)


def teacher_history(*, session: Session, teacher_id: int) -> dict:
    """Every placement and request of a teacher over the years."""
    placements = list(session.exec(select(Placement).where(Placement.teacher_id == teacher_id)
                                   .order_by(Placement.school_year)))
    return {"placements": placements, "requests": requests_of_teacher(session=session, teacher_id=teacher_id)}
