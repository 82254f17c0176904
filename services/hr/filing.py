"""Filing a request: the credit a teacher declares, opening a draft, and linking the ledger items it rests on.

`_audit` writes one line of a request's audit log; the transitions (`decisions`) write theirs with it too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from engine.hr.workflow import State
from engine.rules import DistrictRules
from models import CredentialStatus, EarnedCredential, Teacher, User
from models.hr import ChangeRequest, RequestAudit, RequestCredential
from models.types import moment
from services import ledger
from services.hr.errors import NotAllowed


@dataclass
class NewCredit:
    """Credit a teacher declares while filing (a transcript's hours, PD hours, a micro-credential)."""

    kind: str
    amount: Decimal
    title: str = ""
    earned_on: date | None = None


def _audit(session: Session, request_id: int, action: str, from_status: str | None, to_status: str,
           actor: User | None, at: datetime, reason: str | None = None) -> None:
    session.add(RequestAudit(request_id=request_id, action=action, from_status=from_status, to_status=to_status,
                             actor_id=actor.id if actor else None, actor_role=str(actor.role) if actor else "system",
                             at=at, reason=reason))


def open_credit(*, session: Session, teacher_id: int) -> list[EarnedCredential]:
    """A teacher's credit still awaiting HR's decision: what a new request rests on unless the teacher says otherwise."""
    return list(session.exec(select(EarnedCredential).where(
        EarnedCredential.teacher_id == teacher_id, EarnedCredential.status == CredentialStatus.submitted)
        .order_by(EarnedCredential.school_year, EarnedCredential.id)))


def create_request(*, session: Session, rules: DistrictRules, teacher: Teacher, actor: User, kind: str, today: date,
                   target_lane: str | None = None, role: str | None = None, window_id: str | None = None,
                   note: str = "", credential_ids: list[int] = (), new_credits: list[NewCredit] = ()) -> ChangeRequest:
    """Open a draft request for a teacher, with the credit it rests on; give it."""
    row = ChangeRequest(teacher_id=teacher.id, district_id=teacher.district_id, school=teacher.school, kind=kind,
                        target_lane=target_lane or None, role=role or None, window_id=window_id or None, note=note,
                        created_at=moment(today))
    session.add(row)
    session.flush()
    attach_credentials(session=session, rules=rules, change_request=row, actor=actor, today=today,
                       credential_ids=credential_ids, new_credits=new_credits, commit=False)
    _audit(session, row.id, "create", None, State.draft, actor, row.created_at)
    session.commit()
    session.refresh(row)
    return row


def attach_credentials(*, session: Session, rules: DistrictRules, change_request: ChangeRequest, actor: User | None,
                       today: date, credential_ids: list[int] = (), new_credits: list[NewCredit] = (),
                       commit: bool = True) -> None:
    """Link a teacher's own ledger items to a request, recording newly declared credit in the ledger as submitted."""
    own = {c.id for c in session.exec(select(EarnedCredential).where(
        EarnedCredential.teacher_id == change_request.teacher_id))}
    linked = set(session.exec(select(RequestCredential.credential_id).where(
        RequestCredential.request_id == change_request.id)))
    for credential_id in credential_ids:
        if credential_id not in own:
            raise NotAllowed(f"credit #{credential_id} is not on this teacher's ledger")
        if credential_id not in linked:
            session.add(RequestCredential(request_id=change_request.id, credential_id=credential_id))
            linked.add(credential_id)
    teacher = session.get(Teacher, change_request.teacher_id)
    for credit in new_credits:
        try:
            row = ledger.record_credit(session=session, rules=rules, teacher=teacher, actor=actor, kind=credit.kind,
                                       amount=credit.amount, today=today, title=credit.title,
                                       earned_on=credit.earned_on, commit=False)
        except ledger.CreditRefused as error:
            raise NotAllowed(str(error)) from None
        session.add(RequestCredential(request_id=change_request.id, credential_id=row.id))
    if commit:
        session.commit()


def request_credentials(*, session: Session, request_id: int) -> list[EarnedCredential]:
    """The credentials a request rests on."""
    statement = (select(EarnedCredential).join(RequestCredential, RequestCredential.credential_id == EarnedCredential.id)
                 .where(RequestCredential.request_id == request_id).order_by(EarnedCredential.id))
    return list(session.exec(statement))
