"""The credit ledger in the database: recording credit, HR's decisions on it, the credit approvals use
(and reversals give back), and each teacher's record as the engine reads it.

Every function takes the session explicitly. `teacher_record` is the one place a teacher's
placements, ledger, approved changes and ratings become the engine's `TeacherRecord`: every
page, the API, HR's decisions and payroll read a teacher through it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, select

from engine.hr.workflow import State
from engine.pay.windows import month_day
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.record import ApprovedChange, CreditItem, PlacementRecord, TeacherRecord
from models import CredentialKind, CredentialStatus, EarnedCredential, Evaluation, Placement, Teacher, User
from models.hr import ChangeRequest, CredentialUse, RequestCredential
from models.teachers import CreditEvent
from models.types import moment

ZERO = Decimal(0)


class CreditConflict(RuntimeError):
    """Credit an approval meant to use was used by another approval a moment ago."""


class CreditRefused(ValueError):
    """A ledger entry or decision the rules or the ledger do not allow."""


def school_year_of(rules: DistrictRules, day: date) -> str:
    """The label of the district's school year a date falls in."""
    return SchoolYear.containing(day, *month_day(rules.district.school_year_starts)).label


def _event(session: Session, credential: EarnedCredential, action: str, actor: User | None, *,
           amount: Decimal | None = None, request_id: int | None = None, reason: str | None = None,
           on: date | None = None) -> None:
    session.add(CreditEvent(credential_id=credential.id, teacher_id=credential.teacher_id, action=action, amount=amount,
                            request_id=request_id, actor_id=actor.id if actor else None,
                            actor_role=str(actor.role) if actor else "system", reason=reason, at=moment(on)))


def record_credit(*, session: Session, rules: DistrictRules, teacher: Teacher, actor: User | None, kind: str,
                  amount: Decimal, today: date, title: str = "", earned_on: date | None = None,
                  status: CredentialStatus = CredentialStatus.submitted, achievement_id: str | None = None,
                  issuer: str | None = None, credential_key: str | None = None, commit: bool = True) -> EarnedCredential:
    """Add an item to a teacher's ledger (submitted for HR unless told otherwise); it counts for the school year it
    was earned in. Credit earned in the future, or before the district's first schedule, is refused."""
    if amount <= 0:
        raise CreditRefused("the amount must be more than 0")
    if kind == CredentialKind.micro_credential and amount != amount.to_integral_value():
        raise CreditRefused("micro-credentials are counted whole")
    if earned_on is not None and earned_on > today:
        raise CreditRefused(f"the date earned ({earned_on}) is after today ({today})")
    earliest = min(rules.schedules)
    if earned_on is not None and earned_on < date(earliest.year - 60, 1, 1):
        raise CreditRefused(f"the date earned ({earned_on}) is not plausible")
    row = EarnedCredential(teacher_id=teacher.id, kind=CredentialKind(kind), title=title[:200], amount=amount,
                           earned_on=earned_on, school_year=school_year_of(rules, earned_on or today), status=status,
                           submitted_on=today, achievement_id=achievement_id, issuer=issuer,
                           credential_key=credential_key)
    if status != CredentialStatus.submitted:
        row.decided_on = today
        row.decided_by = actor.id if actor and str(actor.role) == "hr" else None
    session.add(row)
    session.flush()
    _event(session, row, "recorded" if status == CredentialStatus.submitted else str(status), actor, amount=amount,
           on=today)
    if commit:
        session.commit()
        session.refresh(row)
    return row


def decide_credit(*, session: Session, credential_id: int, actor: User, grant: bool, today: date,
                  reason: str | None = None, district_ids: set[str] | None = None,
                  commit: bool = True) -> EarnedCredential:
    """HR grants or denies a ledger item (a denial needs a reason); credit an approval already used stays granted."""
    row = session.get(EarnedCredential, credential_id)
    if row is None:
        raise LookupError(f"no credit #{credential_id}")
    if district_ids is not None:
        teacher = session.get(Teacher, row.teacher_id)
        if teacher is None or teacher.district_id not in district_ids:
            raise LookupError(f"no credit #{credential_id}")
    if not grant and not (reason or "").strip():
        raise CreditRefused("a denial needs a reason")
    if not grant and row.used_amount > 0:
        raise CreditRefused("an approved request has used this credit; reverse that approval first")
    row.status = CredentialStatus.granted if grant else CredentialStatus.denied
    row.decided_on = today
    row.decided_by = actor.id
    row.decision_reason = (reason or "").strip() or None
    session.add(row)
    _event(session, row, str(row.status), actor, reason=row.decision_reason, on=today)
    if commit:
        session.commit()
        session.refresh(row)
    return row


def ledger(*, session: Session, teacher_id: int) -> list[EarnedCredential]:
    """A teacher's ledger, by the school year each item counts for."""
    return list(session.exec(select(EarnedCredential).where(EarnedCredential.teacher_id == teacher_id)
                             .order_by(EarnedCredential.school_year, EarnedCredential.earned_on, EarnedCredential.id)))


def credit_history(*, session: Session, teacher_id: int) -> list[CreditEvent]:
    """Every move of a teacher's ledger items, oldest first."""
    return list(session.exec(select(CreditEvent).where(CreditEvent.teacher_id == teacher_id).order_by(CreditEvent.id)))


def use_credit(*, session: Session, request_id: int, uses: dict[int, Decimal], actor: User | None,
               on: date | None = None) -> None:
    """Mark the credit an approval uses; if another approval used it first, nothing is marked and CreditConflict."""
    for credential_id, amount in sorted(uses.items()):
        if amount <= 0:
            continue
        done = session.execute(update(EarnedCredential)
                               .where(EarnedCredential.id == credential_id,
                                      EarnedCredential.used_amount + amount <= EarnedCredential.amount)
                               .values(used_amount=EarnedCredential.used_amount + amount))
        if done.rowcount != 1:
            raise CreditConflict("some of this request's credit was used by another approval a moment ago; reload it")
        session.add(CredentialUse(credential_id=credential_id, request_id=request_id, amount=amount))
        row = session.get(EarnedCredential, credential_id)
        _event(session, row, "used", actor, amount=amount, request_id=request_id, on=on)
    session.flush()


def release_credit(*, session: Session, request_id: int, actor: User | None, on: date | None = None) -> None:
    """Give back the credit a reversed approval used."""
    for use in session.exec(select(CredentialUse).where(CredentialUse.request_id == request_id)).all():
        session.execute(update(EarnedCredential).where(EarnedCredential.id == use.credential_id)
                        .values(used_amount=EarnedCredential.used_amount - use.amount))
        row = session.get(EarnedCredential, use.credential_id)
        _event(session, row, "released", actor, amount=use.amount, request_id=request_id, on=on)
        session.delete(use)
    session.flush()


def approved_changes(*, session: Session, teacher_id: int, excluding: int | None = None) -> list[ChangeRequest]:
    """A teacher's approved changes, by effective date."""
    statement = select(ChangeRequest).where(ChangeRequest.teacher_id == teacher_id,
                                            ChangeRequest.status == State.approved)
    if excluding is not None:
        statement = statement.where(ChangeRequest.id != excluding)
    return list(session.exec(statement.order_by(ChangeRequest.effective_date, ChangeRequest.id)))


def change_of(row: ChangeRequest) -> ApprovedChange:
    """An approved request as the engine applies it."""
    return ApprovedChange(
        row.id, row.kind, row.effective_date, Decimal(row.share_of_year or "1"),
        new_lane=row.new_lane if row.new_lane and row.new_lane != row.old_lane else None,
        new_growth_steps=row.new_growth_steps if row.new_growth_steps != row.old_growth_steps else None,
        new_micro_credential_growth_steps=row.new_micro_credential_growth_steps,
        role=row.role if row.kind == "role" else None)


def teacher_record(*, session: Session, rules: DistrictRules, teacher: Teacher, excluding_request: int | None = None,
                   pending_request: int | None = None) -> TeacherRecord | None:
    """The teacher as the engine reads them, or None without a placement: placements, the ledger (credit linked to
    `pending_request` and still submitted is what that decision would grant), approved changes (but
    `excluding_request`), ratings, hire date, subjects and certifications."""
    placements = list(session.exec(select(Placement).where(Placement.teacher_id == teacher.id)
                                   .order_by(Placement.school_year)))
    if not placements:
        return None
    pending: set[int] = set()
    if pending_request is not None:
        pending = set(session.exec(select(RequestCredential.credential_id)
                                   .where(RequestCredential.request_id == pending_request)))
    ratings = session.exec(select(Evaluation.school_year, Evaluation.rating)
                           .where(Evaluation.teacher_id == teacher.id).order_by(Evaluation.school_year))
    return _record(teacher, placements, ledger(session=session, teacher_id=teacher.id),
                   approved_changes(session=session, teacher_id=teacher.id, excluding=excluding_request), ratings, pending)


def teacher_records(*, session: Session, teachers: list[Teacher]) -> dict[int, TeacherRecord | None]:
    """`teacher_record` of many teachers at once (by teacher id), in four queries a thousand teachers, not four a
    teacher: a district's roster is read in seconds, whatever its size."""
    found: dict[int, TeacherRecord | None] = {}
    for at in range(0, len(teachers), 1000):
        chunk = teachers[at:at + 1000]
        ids = [t.id for t in chunk]
        rows = {name: {i: [] for i in ids} for name in ("placements", "ledger", "changes", "ratings")}
        for row in session.exec(select(Placement).where(Placement.teacher_id.in_(ids))
                                .order_by(Placement.teacher_id, Placement.school_year)):
            rows["placements"][row.teacher_id].append(row)
        for row in session.exec(select(EarnedCredential).where(EarnedCredential.teacher_id.in_(ids))
                                .order_by(EarnedCredential.teacher_id, EarnedCredential.school_year,
                                          EarnedCredential.earned_on, EarnedCredential.id)):
            rows["ledger"][row.teacher_id].append(row)
        for row in session.exec(select(ChangeRequest).where(ChangeRequest.teacher_id.in_(ids),
                                                            ChangeRequest.status == State.approved)
                                .order_by(ChangeRequest.teacher_id, ChangeRequest.effective_date, ChangeRequest.id)):
            rows["changes"][row.teacher_id].append(row)
        for teacher_id, school_year, rating in session.exec(
                select(Evaluation.teacher_id, Evaluation.school_year, Evaluation.rating)
                .where(Evaluation.teacher_id.in_(ids)).order_by(Evaluation.teacher_id, Evaluation.school_year)):
            rows["ratings"][teacher_id].append((school_year, rating))
        for teacher in chunk:
            found[teacher.id] = _record(teacher, *(rows[name][teacher.id] for name in
                                                   ("placements", "ledger", "changes", "ratings"))) \
                if rows["placements"][teacher.id] else None
    return found


def _record(teacher: Teacher, placements, credits, changes, ratings, pending: set[int] = frozenset()) -> TeacherRecord:
    """The engine's record from a teacher's rows, each list in the order the engine reads it."""
    return TeacherRecord(
        placements=tuple(PlacementRecord(p.school_year, p.step, p.lane, p.fte, p.degree, p.band, p.years_of_service)
                         for p in placements),
        credits=tuple(CreditItem(c.id, str(c.kind), c.amount, str(c.status), c.school_year or "", c.earned_on, c.title,
                                 used=c.used_amount, achievement_id=c.achievement_id,
                                 pending=c.id in pending and c.status == CredentialStatus.submitted) for c in credits),
        changes=tuple(change_of(row) for row in changes if row.effective_date),
        ratings=tuple(tuple(r) for r in ratings), hire_date=teacher.hire_date, subjects=teacher.subject_list(),
        certifications=teacher.certification_list(), certified=teacher.certified)
