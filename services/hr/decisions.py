"""Deciding requests: one workflow transition at a time with an optimistic version check (approval places the
teacher and works out the retroactive pay), the reviews where several are needed, and bulk approval."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from engine.hr.assess import assess, change_retro
from engine.hr.retro import RetroPay
from engine.hr.workflow import Action, IllegalTransition, apply
from engine.rules import DistrictRules
from models import CredentialStatus, Teacher, User
from models.hr import ChangeRequest, RequestReview
from models.types import utcnow
from services import ledger
from services.hr.assessment import request_facts
from services.hr.errors import NotAllowed, StaleRequest
from services.hr.filing import _audit, request_credentials


@dataclass
class Decision:
    """The result of a transition: the request as it now stands, and the retroactive pay when approved."""

    change_request: ChangeRequest
    retro: RetroPay | None = None
    notes: list[str] = field(default_factory=list)


def _owner_user_id(session: Session, change_request: ChangeRequest) -> int | None:
    teacher = session.get(Teacher, change_request.teacher_id)
    return teacher.user_id if teacher else None


def transition(*, session: Session, rules: DistrictRules, request_id: int, expected_version: int, action: str,
               actor: User, reason: str | None = None, today: date | None = None,
               now: datetime | None = None) -> Decision:
    """Apply one workflow action, if legal and the request is still at `expected_version`; record it in the audit log.

    The write is `UPDATE ... WHERE id = ? AND version = ?`: when two HR users act at once,
    exactly one update matches and the other gets StaleRequest. Where the district's rules
    need more than one reviewer, each approval before the last is recorded as a review.
    """
    if now is None:
        now = utcnow() if today is None else datetime.combine(today, utcnow().time(), tzinfo=UTC)
    today = today or now.date()
    change_request = session.get(ChangeRequest, request_id)
    if change_request is None:
        raise LookupError(f"no request #{request_id}")
    session.refresh(change_request)
    if change_request.version != expected_version:
        raise StaleRequest(f"request #{request_id} changed since you opened it (now {change_request.status}); reload it")
    role = str(actor.role)
    if role == "teacher" and _owner_user_id(session, change_request) != actor.id:
        raise NotAllowed("only the teacher who filed a request may act on it")
    if role == "hr" and rules.id != change_request.district_id:
        raise NotAllowed("these rules are not the request's district's")
    move = apply(change_request.status, action, actor_role=role, actor_id=actor.id, at=now, reason=reason,
                 requires_pre_approval=rules.counting.requires_pre_approval)
    values: dict = {"status": move.to_state.value, "version": ChangeRequest.version + 1}
    decision = Decision(change_request)
    if move.action == Action.submit:
        values["submitted_at"] = now
        if change_request.first_submitted_at is None:
            values["first_submitted_at"] = now
        values["reason"] = None
    elif move.action in (Action.deny, Action.return_, Action.pre_approve):
        values.update(decided_at=now, decided_by=actor.id, reason=move.reason)
    elif move.action == Action.withdraw:
        values["reason"] = move.reason
    outcome = facts = None
    if move.action in (Action.approve, Action.pre_approve):
        facts = request_facts(session=session, rules=rules, change_request=change_request, today=today)
        outcome = assess(rules, facts) if facts else None
        if outcome is None or not outcome.passes:
            problems = "; ".join(outcome.missing) if outcome else "the teacher has no placement"
            raise IllegalTransition(f"the request does not meet the district's rules: {problems}")
    if move.action == Action.approve and _reviews_short(session, rules, change_request, actor, now, decision):
        values = {"version": ChangeRequest.version + 1}
        move = replace(move, to_state=move.from_state)
    elif move.action == Action.approve:
        change = outcome.change(request_id)
        retro = change_retro(rules, facts.record, change, today)
        decision.retro = retro
        values.update(
            decided_at=now, decided_by=actor.id, reason=move.reason, school_year=outcome.school_year,
            effective_date=outcome.effective, share_of_year=str(outcome.share_of_year), old_step=outcome.old_step,
            old_lane=outcome.old_lane, new_lane=outcome.new_lane, old_growth_steps=outcome.old_growth_steps,
            new_growth_steps=outcome.new_growth_steps,
            new_micro_credential_growth_steps=outcome.new_micro_credential_growth_steps,
            old_annual=outcome.old_annual, new_annual=outcome.new_annual, retro_amount=retro.amount,
            recovered_amount=None,
            retro_explanation=json.dumps({"lines": [line.to_json() for line in retro.lines],
                                          "assessment": outcome.explanation}))
    if move.action == Action.reverse:
        teacher = session.get(Teacher, change_request.teacher_id)
        record = ledger.teacher_record(session=session, rules=rules, teacher=teacher, excluding_request=request_id)
        recovered = change_retro(rules, record, ledger.change_of(change_request), today, reverse=True)
        values.update(decided_at=now, decided_by=actor.id, reason=move.reason, recovered_amount=recovered.amount)
        decision.retro = recovered
    result = session.execute(update(ChangeRequest)
                             .where(ChangeRequest.id == request_id, ChangeRequest.version == expected_version)
                             .values(**values))
    if result.rowcount != 1:
        session.rollback()
        raise StaleRequest(f"request #{request_id} was changed by someone else a moment ago; reload it")
    action_name = "review" if move.action == Action.approve and move.to_state == move.from_state else move.action.value
    _audit(session, request_id, action_name, move.from_state.value, move.to_state.value, actor, now, move.reason)
    try:
        if action_name == Action.approve.value:
            for credential in request_credentials(session=session, request_id=request_id):
                if credential.status == CredentialStatus.submitted:
                    ledger.decide_credit(session=session, credential_id=credential.id, actor=actor, grant=True,
                                         today=today, reason=f"granted with request #{request_id}", commit=False)
            if rules.counting.credit_used_once:
                ledger.use_credit(session=session, request_id=request_id, uses=outcome.uses, actor=actor, on=today)
        if move.action == Action.reverse:
            ledger.release_credit(session=session, request_id=request_id, actor=actor, on=today)
            session.execute(delete(RequestReview).where(RequestReview.request_id == request_id))
        session.commit()
    except (ledger.CreditConflict, IntegrityError):
        session.rollback()
        raise StaleRequest("some of this request's credit was used by another approval a moment ago; reload it") from None
    session.refresh(change_request)
    return decision


def _reviews_short(session: Session, rules: DistrictRules, change_request: ChangeRequest, actor: User, now: datetime,
                   decision: Decision) -> bool:
    """Record this reviewer's approval where the rules need several; True while more reviewers are still needed."""
    needed = rules.review.needed(change_request.kind)
    if needed <= 1:
        return False
    reviewers = set(session.exec(select(RequestReview.reviewer_id).where(
        RequestReview.request_id == change_request.id)))
    if actor.id in reviewers:
        raise NotAllowed(f"you have already approved this request; {rules.district.name} needs {needed} "
                         f"different reviewers for a {change_request.kind.replace('_', ' ')}")
    session.add(RequestReview(request_id=change_request.id, reviewer_id=actor.id, at=now))
    if len(reviewers) + 1 >= needed:
        return False
    decision.notes.append(f"approval {len(reviewers) + 1} of {needed}: another reviewer must approve it too")
    return True


def reviews(*, session: Session, request_id: int) -> list[RequestReview]:
    """The reviewers who have approved a request that needs several."""
    return list(session.exec(select(RequestReview).where(RequestReview.request_id == request_id)
                             .order_by(RequestReview.at)))


@dataclass
class BulkResult:
    """What bulk approval did with each request."""

    approved: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def bulk_approve(*, session: Session, rules_by_district: dict[str, DistrictRules], request_ids: list[int],
                 versions: dict[int, int], actor: User, today: date | None = None,
                 district_ids: Collection[str] | None = None) -> BulkResult:
    """Approve each request that passes every rule; skip (with why) any that does not, or that changed meanwhile.

    With `district_ids` (the reviewer's districts), another district's request is skipped as not found."""
    result = BulkResult()
    for request_id in request_ids:
        row = session.get(ChangeRequest, request_id)
        if row is None or (district_ids is not None and row.district_id not in district_ids):
            result.skipped.append((request_id, "not found"))
            continue
        rules = rules_by_district.get(row.district_id)
        try:
            transition(session=session, rules=rules, request_id=request_id,
                       expected_version=versions.get(request_id, row.version), action=Action.approve.value,
                       actor=actor, today=today)
        except (IllegalTransition, StaleRequest, NotAllowed) as error:
            session.rollback()
            result.skipped.append((request_id, str(error)))
        else:
            result.approved.append(request_id)
    return result
