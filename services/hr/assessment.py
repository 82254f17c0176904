"""What the district's rules say of a request: the facts they judge it by (filed or not yet saved) and the outcome."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from engine.hr.assess import Outcome, RequestFacts, assess
from engine.rules import DistrictRules
from engine.teacher.record import CreditItem
from models import Placement, Teacher
from models.hr import ChangeRequest, EvidenceFile, RequestCredential
from services import ledger
from services.hr.filing import NewCredit


def teacher_of(*, session: Session, change_request: ChangeRequest) -> Teacher:
    return session.get(Teacher, change_request.teacher_id)


def current_placement(*, session: Session, teacher_id: int) -> Placement | None:
    """The teacher's latest placement as HR entered it."""
    return session.exec(select(Placement).where(Placement.teacher_id == teacher_id)
                        .order_by(Placement.school_year.desc())).first()


def filed_on(change_request: ChangeRequest, today: date) -> date:
    """The date the window is judged by: the first submission (a return for evidence keeps it), else today."""
    return change_request.first_submitted_at.date() if change_request.first_submitted_at else today


def _evidence_count(session: Session, request_id: int) -> int:
    """Evidence behind a request: its own files and those of the ledger items it rests on (filed once, counted here)."""
    linked = select(RequestCredential.credential_id).where(RequestCredential.request_id == request_id)
    return session.exec(select(func.count()).select_from(EvidenceFile).where(
        or_(EvidenceFile.request_id == request_id, EvidenceFile.credential_id.in_(linked)))).one()


def request_facts(*, session: Session, rules: DistrictRules, change_request: ChangeRequest,
                  today: date) -> RequestFacts | None:
    """The facts the rules judge a request by, or None when the teacher has no placement: the teacher's record
    without this request, with the credit filed with it as what the decision would grant."""
    teacher = session.get(Teacher, change_request.teacher_id)
    record = ledger.teacher_record(session=session, rules=rules, teacher=teacher, excluding_request=change_request.id,
                                   pending_request=change_request.id)
    if record is None:
        return None
    return RequestFacts(kind=change_request.kind, filed_on=filed_on(change_request, today), record=record,
                        target_lane=change_request.target_lane, role=change_request.role,
                        window_id=change_request.window_id, evidence_files=_evidence_count(session, change_request.id),
                        request_id=change_request.id)


def preview_facts(*, session: Session, rules: DistrictRules, teacher: Teacher, kind: str, today: date,
                  target_lane: str | None = None, role: str | None = None, window_id: str | None = None,
                  credential_ids: list[int] = (), new_credits: list[NewCredit] = (),
                  evidence_files: int = 0) -> RequestFacts | None:
    """The facts of a request not yet saved: what the teacher sees before filing."""
    record = ledger.teacher_record(session=session, rules=rules, teacher=teacher)
    if record is None:
        return None
    chosen = set(credential_ids)
    credits = [replace(c, pending=c.id in chosen and c.status == "submitted") for c in record.credits]
    for number, credit in enumerate(new_credits, start=1):
        credits.append(CreditItem(-number, credit.kind, credit.amount, "submitted",
                                  ledger.school_year_of(rules, credit.earned_on or today), credit.earned_on,
                                  credit.title, pending=True))
    own = chosen & {c.id for c in record.credits}  # only the teacher's own ledger items (never another's id)
    on_ledger = session.exec(select(func.count()).select_from(EvidenceFile).where(
        EvidenceFile.credential_id.in_(own))).one() if own else 0
    return RequestFacts(kind=kind, filed_on=today, record=replace(record, credits=tuple(credits)),
                        target_lane=target_lane or None, role=role or None, window_id=window_id or None,
                        evidence_files=evidence_files + on_ledger)


def assess_request(*, session: Session, rules: DistrictRules, change_request: ChangeRequest, today: date) -> Outcome | None:
    """What the district's rules say the request gives, or None without a placement."""
    facts = request_facts(session=session, rules=rules, change_request=change_request, today=today)
    return assess(rules, facts) if facts else None
