"""HR's lane-change workflow in the database: filing, evidence, transitions with an optimistic
version check, approval (placement, retroactive pay), the queue, history and the payroll export.

Every function takes the session explicitly; the rules come from the caller. The engine
(`engine.hr.workflow`, `engine.hr.assess`, `engine.hr.retro`) decides; this module stores.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, delete, func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from engine.hr.assess import CreditFact, Outcome, RequestFacts, assess, step_in_year
from engine.hr.retro import RetroPay, YearChange, retroactive_pay, reversal
from engine.hr.workflow import Action, IllegalTransition, State, apply
from engine.money import ONE, ZERO, money_str
from engine.pay.cells import cell_amount, lines_round
from engine.pay.credit import converted_credit
from engine.pay.windows import month_day
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from models import (
    CredentialKind,
    CredentialStatus,
    EarnedCredential,
    Evaluation,
    Placement,
    Teacher,
    User,
)
from models.hr import (
    ChangeRequest,
    CredentialUse,
    EvidenceFile,
    RequestAudit,
    RequestCredential,
)
from models.types import utcnow

# The queue's (scale, issue 14): its default view read through the waiting requests' partial index.
import time  # noqa: E402,I001
from sqlalchemy import text  # noqa: E402
from models.hr import WAITING  # noqa: E402

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Allowed evidence by extension: the type it is served as, and a check of its first bytes.
EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "svg": "image/svg+xml",
    "json": "application/json",
    "jwt": "application/jwt",
}
BADGE_TYPES = {"png", "svg", "json", "jwt"}
_JWT = re.compile(rb"^\s*[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\s*$")
QUEUE_STATES = (State.submitted, State.pre_approved, State.returned, State.approved, State.denied, State.withdrawn)
OPEN_STATES = (State.submitted, State.pre_approved)


class StaleRequest(RuntimeError):
    """The request changed since it was read (another HR user acted on it first)."""


class NotAllowed(PermissionError):
    """The user may not act on this request."""


class EvidenceRefused(ValueError):
    """An upload that is too large, of a type not accepted, or not what its name says."""


# --- filing ------------------------------------------------------------------------------------


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


def create_request(*, session: Session, teacher: Teacher, actor: User, kind: str, target_lane: str | None = None,
                   role: str | None = None, window_id: str | None = None, note: str = "",
                   credential_ids: list[int] = (), new_credits: list[NewCredit] = ()) -> ChangeRequest:
    """Open a draft request for a teacher, with the credentials it rests on; give it."""
    row = ChangeRequest(teacher_id=teacher.id, district_id=teacher.district_id, school=teacher.school, kind=kind,
                        target_lane=target_lane or None, role=role or None, window_id=window_id or None, note=note)
    session.add(row)
    session.flush()
    attach_credentials(session=session, change_request=row, credential_ids=credential_ids, new_credits=new_credits,
                       commit=False)
    _audit(session, row.id, "create", None, State.draft, actor, row.created_at)
    session.commit()
    session.refresh(row)
    return row


def attach_credentials(*, session: Session, change_request: ChangeRequest, credential_ids: list[int] = (),
                       new_credits: list[NewCredit] = (), commit: bool = True) -> None:
    """Link a teacher's own credentials to a request, recording newly declared credit as submitted."""
    own = {c.id for c in session.exec(select(EarnedCredential).where(
        EarnedCredential.teacher_id == change_request.teacher_id))}
    linked = set(session.exec(select(RequestCredential.credential_id).where(
        RequestCredential.request_id == change_request.id)))
    for credential_id in credential_ids:
        if credential_id not in own:
            raise NotAllowed(f"credential {credential_id} is not this teacher's")
        if credential_id not in linked:
            session.add(RequestCredential(request_id=change_request.id, credential_id=credential_id))
            linked.add(credential_id)
    school_year = None
    for credit in new_credits:
        if credit.earned_on:
            school_year = SchoolYear.containing(credit.earned_on).label
        row = EarnedCredential(teacher_id=change_request.teacher_id, kind=CredentialKind(credit.kind),
                               title=credit.title, amount=credit.amount, earned_on=credit.earned_on,
                               school_year=school_year, status=CredentialStatus.submitted, submitted_on=credit.earned_on)
        session.add(row)
        session.flush()
        session.add(RequestCredential(request_id=change_request.id, credential_id=row.id))
    if commit:
        session.commit()


def request_credentials(*, session: Session, request_id: int) -> list[EarnedCredential]:
    """The credentials a request rests on."""
    statement = (select(EarnedCredential).join(RequestCredential, RequestCredential.credential_id == EarnedCredential.id)
                 .where(RequestCredential.request_id == request_id).order_by(EarnedCredential.id))
    return list(session.exec(statement))


# --- evidence ------------------------------------------------------------------------------------


def evidence_folder(instance_path: str | Path) -> Path:
    """Where evidence files live: the instance folder, outside the web root."""
    folder = Path(instance_path) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_evidence(filename: str, data: bytes) -> tuple[str, str]:
    """The extension and content type of an acceptable evidence file, or EvidenceRefused saying why."""
    if len(data) == 0:
        raise EvidenceRefused("the file is empty")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused(f"the file is {len(data) / 1048576:.1f} MB; the limit is 10 MB")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EVIDENCE_TYPES:
        raise EvidenceRefused("accepted files: PDF, PNG, JPEG, SVG, JSON or JWT")
    head = data[:4096]
    looks_right = {
        "pdf": head.startswith(b"%PDF-"),
        "png": head.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": head.startswith(b"\xff\xd8\xff"),
        "jpeg": head.startswith(b"\xff\xd8\xff"),
        "svg": b"<svg" in head.lower(),
        "json": _is_json(data),
        "jwt": bool(_JWT.match(data[:200000])),
    }[extension]
    if not looks_right:
        raise EvidenceRefused(f"the file's content is not {extension.upper()}")
    return extension, EVIDENCE_TYPES[extension]


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def verify_badge(data: bytes, filename: str, rules: DistrictRules | None) -> dict:
    """Open Badge verification of an evidence file, offline, as JSON: per credential, each check and the catalog value."""
    from credentials import (
        UnreadableCredential,
        map_to_catalog,
        read_credentials,
        verify_credential,
    )

    try:
        found = read_credentials(data, filename)
    except UnreadableCredential as error:
        return {"readable": False, "message": str(error), "credentials": []}
    def described(result) -> dict:
        match = map_to_catalog(result, rules.credential_catalog) if rules else None
        entry = result.as_json()
        entry["catalog"] = match.as_json() if match else None
        entry["earned_on"] = _earned_on(result.credential.document)
        entry["nested"] = [described(n) for n in result.nested]
        return entry

    results = [described(verify_credential(c, trusted_issuers=rules.trusted_issuers if rules else []))
               for c in found]
    return {"readable": True, "message": "", "credentials": results}


def _earned_on(document: dict) -> str | None:
    """The date a credential was issued (OB 3.0 validFrom or issuanceDate, OB 2.0 issuedOn), ISO, if it says."""
    for key in ("validFrom", "issuanceDate", "awardedDate", "issuedOn"):
        value = document.get(key)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                continue
    return None


def record_verified_badges(*, session: Session, change_request: ChangeRequest, verification: dict,
                           rules: DistrictRules) -> list[EarnedCredential]:
    """Each valid badge from a trusted issuer that the district's catalog values becomes the teacher's granted
    credit, attached to the request; an achievement the teacher already holds is not counted twice."""
    month, day = month_day(rules.district.school_year_starts)
    held = {(c.achievement_id, c.issuer) for c in session.exec(
        select(EarnedCredential).where(EarnedCredential.teacher_id == change_request.teacher_id))}
    added = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            walk(entry.get("nested") or [])
            match, achievement = entry.get("catalog"), entry.get("achievement") or {}
            key = (achievement.get("id"), (entry.get("issuer") or {}).get("id"))
            if not match or key in held:
                continue
            held.add(key)
            earned = date.fromisoformat(entry["earned_on"]) if entry.get("earned_on") else None
            kind, amount = ((CredentialKind.micro_credential, Decimal(match["micro_credentials"]))
                            if match["micro_credentials"] else (CredentialKind.graduate_credit, Decimal(match["credit_hours"])))
            row = EarnedCredential(
                teacher_id=change_request.teacher_id, kind=kind, amount=amount, status=CredentialStatus.granted,
                title=(achievement.get("name") or "Verified badge")[:200], achievement_id=key[0], issuer=key[1],
                earned_on=earned, school_year=SchoolYear.containing(earned, month, day).label if earned else None)
            session.add(row)
            session.flush()
            session.add(RequestCredential(request_id=change_request.id, credential_id=row.id))
            added.append(row)

    walk(verification.get("credentials") or [])
    return added


def add_evidence(*, session: Session, change_request: ChangeRequest, actor: User, filename: str, data: bytes,
                 instance_path: str | Path, rules: DistrictRules | None) -> EvidenceFile:
    """Store an evidence file under a random name, verify it if it may be an Open Badge, and give its record."""
    if change_request.status not in (State.draft, State.returned, State.submitted):
        raise EvidenceRefused("evidence can be added only while the request is a draft, submitted or returned")
    extension, content_type = check_evidence(filename, data)
    stored = secrets.token_hex(20)
    (evidence_folder(instance_path) / stored).write_bytes(data)
    checked = verify_badge(data, filename, rules) if extension in BADGE_TYPES else None
    verification = json.dumps(checked) if checked is not None else None
    safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(filename).name)[:200] or f"evidence.{extension}"
    row = EvidenceFile(request_id=change_request.id, stored_name=stored, original_name=safe_name,
                       content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                       uploaded_by=actor.id, verification=verification)
    session.add(row)
    if checked is not None and rules is not None:
        record_verified_badges(session=session, change_request=change_request, verification=checked, rules=rules)
    session.commit()
    session.refresh(row)
    return row


def evidence_files(*, session: Session, request_id: int) -> list[EvidenceFile]:
    """A request's evidence files, oldest first."""
    return list(session.exec(select(EvidenceFile).where(EvidenceFile.request_id == request_id).order_by(EvidenceFile.id)))


def evidence_path(evidence: EvidenceFile, instance_path: str | Path) -> Path:
    """Where an evidence file's bytes are stored."""
    return evidence_folder(instance_path) / evidence.stored_name


# --- what the rules say --------------------------------------------------------------------------


def teacher_of(*, session: Session, change_request: ChangeRequest) -> Teacher:
    return session.get(Teacher, change_request.teacher_id)


def current_placement(*, session: Session, teacher_id: int) -> Placement | None:
    """The teacher's latest placement."""
    return session.exec(select(Placement).where(Placement.teacher_id == teacher_id)
                        .order_by(Placement.school_year.desc())).first()


def unused_granted_credit(*, session: Session, rules: DistrictRules, teacher_id: int,
                          school_year: str) -> tuple[int, Decimal]:
    """Micro-credentials and semester hours granted for a school year that no approved request has used yet."""
    used = select(RequestCredential.credential_id).join(
        ChangeRequest, ChangeRequest.id == RequestCredential.request_id).where(
        ChangeRequest.teacher_id == teacher_id, ChangeRequest.status == State.approved)
    rows = session.exec(select(EarnedCredential).where(
        EarnedCredential.teacher_id == teacher_id, EarnedCredential.status == CredentialStatus.granted,
        EarnedCredential.school_year == school_year, EarnedCredential.id.not_in(used)))
    micro_credentials, hours = 0, ZERO
    for row in rows:
        if row.kind == CredentialKind.micro_credential:
            micro_credentials += int(row.amount)
        else:
            hours += converted_credit(rules, str(row.kind), row.amount)
    return micro_credentials, hours


def growth_steps_held(*, session: Session, teacher_id: int, excluding: int | None = None,
                      effective_before: date | None = None) -> int:
    """Growth steps the teacher holds from approved growth-step requests (in effect before a date, if given)."""
    statement = select(func.max(ChangeRequest.new_growth_steps)).where(
        ChangeRequest.teacher_id == teacher_id, ChangeRequest.status == State.approved,
        ChangeRequest.kind == "growth_step")
    if excluding is not None:
        statement = statement.where(ChangeRequest.id != excluding)
    if effective_before is not None:
        statement = statement.where(ChangeRequest.effective_date < effective_before)
    return session.exec(statement).one() or 0


def filed_on(change_request: ChangeRequest, today: date) -> date:
    """The date the window is judged by: the first submission (a return for evidence keeps it), else today."""
    return change_request.first_submitted_at.date() if change_request.first_submitted_at else today


def request_facts(*, session: Session, change_request: ChangeRequest, today: date) -> RequestFacts | None:
    """The facts the rules judge a request by, or None when the teacher has no placement."""
    evidence = session.exec(select(func.count()).select_from(EvidenceFile).where(
        EvidenceFile.request_id == change_request.id)).one()
    return _facts(session, change_request.teacher_id, kind=change_request.kind,
                  filed=filed_on(change_request, today), target_lane=change_request.target_lane,
                  role=change_request.role, window_id=change_request.window_id,
                  credentials=request_credentials(session=session, request_id=change_request.id),
                  evidence=evidence, excluding=change_request.id)


def preview_facts(*, session: Session, teacher: Teacher, kind: str, today: date, target_lane: str | None = None,
                  role: str | None = None, window_id: str | None = None, credential_ids: list[int] = (),
                  new_credits: list[NewCredit] = (), evidence_files: int = 0) -> RequestFacts | None:
    """The facts of a request not yet saved: what the teacher sees before filing."""
    own = [c for c in session.exec(select(EarnedCredential).where(EarnedCredential.teacher_id == teacher.id))
           if c.id in set(credential_ids)]
    declared = [EarnedCredential(teacher_id=teacher.id, kind=CredentialKind(c.kind), title=c.title, amount=c.amount,
                                 earned_on=c.earned_on, status=CredentialStatus.submitted) for c in new_credits]
    return _facts(session, teacher.id, kind=kind, filed=today, target_lane=target_lane or None, role=role or None,
                  window_id=window_id or None, credentials=own + declared, evidence=evidence_files, excluding=None)


def _facts(session: Session, teacher_id: int, *, kind: str, filed: date, target_lane, role, window_id,
           credentials: list[EarnedCredential], evidence: int, excluding: int | None) -> RequestFacts | None:
    placement = current_placement(session=session, teacher_id=teacher_id)
    if placement is None:
        return None
    others = [ChangeRequest.teacher_id == teacher_id, ChangeRequest.status == State.approved]
    if excluding is not None:
        others.append(ChangeRequest.id != excluding)
    used = {}
    for credential_id, request_id in session.exec(
            select(RequestCredential.credential_id, RequestCredential.request_id)
            .join(ChangeRequest, ChangeRequest.id == RequestCredential.request_id).where(*others)):
        used[credential_id] = request_id
    credits = tuple(CreditFact(c.id, str(c.kind), c.amount, str(c.status), c.earned_on, c.school_year, c.title,
                               used.get(c.id) if c.id is not None else None)
                    for c in credentials)
    lane_changes = tuple(session.exec(select(ChangeRequest.effective_date).where(
        *others, ChangeRequest.kind == "lane_change")))
    ratings = tuple(session.exec(select(Evaluation.school_year, Evaluation.rating).where(
        Evaluation.teacher_id == teacher_id)))
    granted_mcs = session.exec(select(func.count()).select_from(EarnedCredential).where(
        EarnedCredential.teacher_id == teacher_id, EarnedCredential.status == CredentialStatus.granted,
        EarnedCredential.kind == CredentialKind.micro_credential)).one()
    return RequestFacts(
        kind=kind, filed_on=filed, placement_year=placement.school_year,
        step=placement.step, lane=placement.lane, degree=placement.degree, fte=placement.fte,
        growth_steps=growth_steps_held(session=session, teacher_id=teacher_id, excluding=excluding),
        years_of_service=placement.years_of_service, ratings=tuple(tuple(r) for r in ratings),
        micro_credentials_held=granted_mcs, credits=credits, target_lane=target_lane,
        role=role, window_id=window_id, evidence_files=evidence,
        lane_changes_effective=tuple(d for d in lane_changes if d is not None))


def assess_request(*, session: Session, rules: DistrictRules, change_request: ChangeRequest, today: date) -> Outcome | None:
    """What the district's rules say the request gives, or None without a placement."""
    facts = request_facts(session=session, change_request=change_request, today=today)
    return assess(rules, facts) if facts else None


def year_changes(rules: DistrictRules, outcome: Outcome, facts: RequestFacts, until: date) -> list[YearChange]:
    """The change year by year, from its effective date to the school year `until` falls in."""
    first = outcome.window.school_year
    last = SchoolYear.containing(until - timedelta(days=1), first.start.month, first.start.day)
    changes = []
    year = first
    placement_year = rules.year(facts.placement_year)
    while year <= last:
        if year == first:
            old, new = outcome.old_annual, outcome.new_annual
            effective, share = outcome.effective, outcome.share_of_year
        else:
            step = step_in_year(rules, facts.step, placement_year, year) if year >= placement_year else facts.step
            old = lines_round(rules, cell_amount(rules, year, step, outcome.old_lane, outcome.old_growth_steps).amount * facts.fte)
            if outcome.kind == "role":
                new = old + (outcome.new_annual - outcome.old_annual)  # the role supplement on top
            else:
                new = lines_round(rules, cell_amount(rules, year, step, outcome.new_lane,
                                                     outcome.new_growth_steps).amount * facts.fte)
            effective, share = year.start, ONE
        changes.append(YearChange(year, old, new, effective, share))
        year = year.plus(1)
    return changes


# --- transitions ---------------------------------------------------------------------------------


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
    exactly one update matches and the other gets StaleRequest.
    """
    now = now or utcnow()
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
    workflow_role = "hr" if role in ("hr",) else "teacher" if role == "teacher" else role
    move = apply(change_request.status, action, actor_role=workflow_role, actor_id=actor.id, at=now, reason=reason,
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
    facts = outcome = None
    if move.action in (Action.approve, Action.pre_approve):
        facts = request_facts(session=session, change_request=change_request, today=today)
        outcome = assess(rules, facts) if facts else None
        if outcome is None or not outcome.passes:
            problems = "; ".join(outcome.missing) if outcome else "the teacher has no placement"
            raise IllegalTransition(f"the request does not meet the district's rules: {problems}")
    if move.action == Action.approve:
        new_rate_from = max(today, outcome.effective)
        changes = year_changes(rules, outcome, facts, new_rate_from)
        retro = retroactive_pay(rules, changes, new_rate_from, facts.fte)
        decision.retro = retro
        values.update(
            decided_at=now, decided_by=actor.id, reason=move.reason, school_year=outcome.school_year,
            effective_date=outcome.effective, share_of_year=str(outcome.share_of_year), old_step=outcome.old_step,
            old_lane=outcome.old_lane, new_lane=outcome.new_lane, old_growth_steps=outcome.old_growth_steps,
            new_growth_steps=outcome.new_growth_steps, old_annual=outcome.old_annual, new_annual=outcome.new_annual,
            retro_amount=retro.amount,
            retro_explanation=json.dumps({"lines": [line.to_json() for line in retro.lines],
                                          "assessment": outcome.explanation}))
    if move.action == Action.reverse:
        recovered = _reversal_amount(rules, change_request, today)
        values.update(decided_at=now, decided_by=actor.id, reason=move.reason, recovered_amount=recovered.amount)
        decision.retro = recovered
    result = session.execute(update(ChangeRequest)
                             .where(ChangeRequest.id == request_id, ChangeRequest.version == expected_version)
                             .values(**values))
    if result.rowcount != 1:
        session.rollback()
        raise StaleRequest(f"request #{request_id} was changed by someone else a moment ago; reload it")
    _audit(session, request_id, move.action.value, move.from_state.value, move.to_state.value, actor, now, move.reason)
    if move.action == Action.approve:
        _grant_credentials(session, request_id, today)
        _apply_placement(session, rules, change_request.teacher_id, outcome, facts)
        if rules.counting.credit_used_once:
            _use_credentials(session, request_id, [credential_id for credential_id, _ in outcome.counted])
    if move.action == Action.reverse:
        _undo_placement(session, change_request)
        session.execute(delete(CredentialUse).where(CredentialUse.request_id == request_id))
    session.commit()
    session.refresh(change_request)
    return decision


def _reversal_amount(rules: DistrictRules, change_request: ChangeRequest, today: date) -> RetroPay:
    """The overpayment to recover when an approved move is reversed: what was paid above the old rate."""
    effective = change_request.effective_date
    year = rules.year(change_request.school_year)
    changes = [YearChange(year, change_request.old_annual, change_request.new_annual, effective,
                          Decimal(change_request.share_of_year or "1"))]
    # Later school years at the same difference: the reversal recovers each year's payments.
    nxt = year.plus(1)
    while nxt.start < today:
        changes.append(YearChange(nxt, change_request.old_annual, change_request.new_annual, nxt.start, ONE))
        nxt = nxt.plus(1)
    return retroactive_pay(rules, reversal(changes), max(today, effective))


def _use_credentials(session: Session, request_id: int, credential_ids: list[int | None]) -> None:
    """Mark the credit an approval counted as used; another approval using it first makes this one stale."""
    rows = [{"credential_id": i, "request_id": request_id} for i in credential_ids if i is not None]
    if not rows:
        return
    try:
        session.execute(insert(CredentialUse), rows)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise StaleRequest("some of this request's credit was used by another approval a moment ago; reload it") from None


def _grant_credentials(session: Session, request_id: int, today: date) -> None:
    # HR's approval is the decision on transcript credit and hours filed with the request.
    for credential in request_credentials(session=session, request_id=request_id):
        if credential.status == CredentialStatus.submitted and credential.kind != CredentialKind.micro_credential:
            credential.status = CredentialStatus.granted
            credential.decided_on = today
            session.add(credential)


def _apply_placement(session: Session, rules: DistrictRules, teacher_id: int, outcome: Outcome,
                     facts: RequestFacts) -> None:
    """Write the new lane into the placement of the effective school year and every later one.

    A growth step changes no lane, but still opens the effective year's placement, so the
    teacher's pages show the year from which it pays."""
    if outcome.new_lane == outcome.old_lane and outcome.new_growth_steps == outcome.old_growth_steps:
        return
    rows = list(session.exec(select(Placement).where(Placement.teacher_id == teacher_id)))
    year_label = outcome.school_year
    target = next((p for p in rows if p.school_year == year_label), None)
    if target is None:
        latest = max(rows, key=lambda p: p.school_year)
        years = rules.year(year_label).start.year - rules.year(latest.school_year).start.year
        target = Placement(teacher_id=teacher_id, school_year=year_label, step=outcome.old_step, lane=outcome.new_lane,
                           fte=latest.fte, degree=latest.degree, band=latest.band,
                           years_of_service=None if latest.years_of_service is None else latest.years_of_service + years)
        session.add(target)
    for row in rows + [target]:
        if row.school_year >= year_label:
            row.lane = outcome.new_lane
            session.add(row)


def _undo_placement(session: Session, change_request: ChangeRequest) -> None:
    if change_request.new_lane == change_request.old_lane:
        return
    for row in session.exec(select(Placement).where(Placement.teacher_id == change_request.teacher_id,
                                                    Placement.school_year >= change_request.school_year,
                                                    Placement.lane == change_request.new_lane)):
        row.lane = change_request.old_lane
        session.add(row)


@dataclass
class BulkResult:
    """What bulk approval did with each request."""

    approved: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def bulk_approve(*, session: Session, rules_by_district: dict[str, DistrictRules], request_ids: list[int],
                 versions: dict[int, int], actor: User, today: date | None = None) -> BulkResult:
    """Approve each request that passes every rule; skip (with why) any that does not, or that changed meanwhile."""
    result = BulkResult()
    for request_id in request_ids:
        row = session.get(ChangeRequest, request_id)
        if row is None:
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


# --- reading -------------------------------------------------------------------------------------


def audit_log(*, session: Session, request_id: int) -> list[RequestAudit]:
    """Every move of a request, in order."""
    return list(session.exec(select(RequestAudit).where(RequestAudit.request_id == request_id).order_by(RequestAudit.id)))


def requests_of_teacher(*, session: Session, teacher_id: int) -> list[ChangeRequest]:
    """A teacher's requests, newest first."""
    return list(session.exec(select(ChangeRequest).where(ChangeRequest.teacher_id == teacher_id)
                             .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc())))


@dataclass
class QueuePage:
    """One page of HR's queue and the cursor to the next."""

    rows: list[tuple[ChangeRequest, Teacher]]
    next_cursor: str | None
    total: int


SORTS = {"oldest": False, "newest": True}


def queue(*, session: Session, district: str | None = None, school: str | None = None, status: str | None = None,
          window: str | None = None, older_than_days: int | None = None, sort: str = "oldest",
          cursor: str | None = None, page_size: int = 50, now: datetime | None = None, count: bool = True) -> QueuePage:
    """A page of submitted requests filtered and sorted on indexed columns, keyset-paginated on (submitted_at, id)."""
    now = now or utcnow()
    if status:
        conditions = [ChangeRequest.submitted_at.is_not(None), ChangeRequest.status == status]
    else:
        # Written as the partial index's own SQL (no bound parameters), so both databases read the index in order.
        conditions = [text(f"change_requests.{WAITING.replace(' AND submitted_at', ' AND change_requests.submitted_at')}")]
    if district:
        conditions.append(ChangeRequest.district_id == district)
    if school:
        conditions.append(ChangeRequest.school == school)
    if window:
        conditions.append(ChangeRequest.window_id == window)
    if older_than_days:
        conditions.append(ChangeRequest.submitted_at <= now - timedelta(days=older_than_days))
    descending = SORTS.get(sort, False)
    total = session.exec(select(func.count()).select_from(ChangeRequest).where(*conditions)).one() if count else -1
    statement = select(ChangeRequest, Teacher).join(Teacher, Teacher.id == ChangeRequest.teacher_id).where(*conditions)
    if cursor:
        stamp, _, last_id = cursor.partition("|")
        at = datetime.fromisoformat(stamp)
        last = int(last_id)
        if descending:
            statement = statement.where(or_(ChangeRequest.submitted_at < at,
                                            and_(ChangeRequest.submitted_at == at, ChangeRequest.id < last)))
        else:
            statement = statement.where(or_(ChangeRequest.submitted_at > at,
                                            and_(ChangeRequest.submitted_at == at, ChangeRequest.id > last)))
    if descending:
        statement = statement.order_by(ChangeRequest.submitted_at.desc(), ChangeRequest.id.desc())
    else:
        statement = statement.order_by(ChangeRequest.submitted_at, ChangeRequest.id)
    rows = list(session.exec(statement.limit(page_size + 1)))
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last_request = rows[-1][0]
        next_cursor = f"{last_request.submitted_at.isoformat()}|{last_request.id}"
    return QueuePage([(r, t) for r, t in rows], next_cursor, total)


CHOICES_SECONDS = 30.0
_choices_cache: dict[str, tuple[float, tuple, dict[str, list[str]]]] = {}


def queue_choices(*, session: Session) -> dict[str, list[str]]:
    """The districts, schools and windows HR can filter the queue by.

    Three DISTINCT scans per page view were a third of the queue's time, so the choices are kept per database
    for CHOICES_SECONDS, and at once made anew when a request has been added (its newest id changes)."""
    key = str(session.get_bind().url)
    newest = session.exec(select(func.max(ChangeRequest.id))).one()
    cached = _choices_cache.get(key)
    if cached and cached[1] == (newest,) and cached[0] > time.monotonic():
        return {name: list(values) for name, values in cached[2].items()}

    def distinct(column):
        return [v for v in session.exec(select(column).distinct().order_by(column)) if v]
    choices = {"district": distinct(ChangeRequest.district_id), "school": distinct(ChangeRequest.school),
               "window": distinct(ChangeRequest.window_id)}
    _choices_cache[key] = (time.monotonic() + CHOICES_SECONDS, (newest,), choices)
    return {name: list(values) for name, values in choices.items()}


# --- payroll export ------------------------------------------------------------------------------

PAYROLL_COLUMNS = ["employee_id", "teacher", "district", "request", "change", "decided_on", "effective_date",
                   "old_step", "old_lane", "new_step", "new_lane", "old_growth_steps", "new_growth_steps",
                   "new_annual_salary", "retroactive_amount"]
MONEY_COLUMNS = {"new_annual_salary", "retroactive_amount"}


def payroll_rows(*, session: Session, start: date, end: date, district: str | None = None) -> list[dict]:
    """Approved changes (and reversals, with the overpayment to recover) decided from `start` to `end` inclusive."""
    begin = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    finish = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    statement = (select(RequestAudit, ChangeRequest, Teacher)
                 .join(ChangeRequest, ChangeRequest.id == RequestAudit.request_id)
                 .join(Teacher, Teacher.id == ChangeRequest.teacher_id)
                 .where(RequestAudit.action.in_([Action.approve.value, Action.reverse.value]),
                        RequestAudit.at >= begin, RequestAudit.at < finish)
                 .order_by(RequestAudit.at, RequestAudit.id))
    if district:
        statement = statement.where(ChangeRequest.district_id == district)
    rows = []
    for entry, change, teacher in session.exec(statement):
        reversed_ = entry.action == Action.reverse.value
        rows.append({
            "employee_id": teacher.employee_id, "teacher": teacher.name, "district": change.district_id,
            "request": change.id, "change": f"{change.kind} reversed" if reversed_ else change.kind,
            "decided_on": entry.at.date().isoformat(), "effective_date": change.effective_date.isoformat(),
            "old_step": change.old_step, "old_lane": change.new_lane if reversed_ else change.old_lane,
            "new_step": change.old_step, "new_lane": change.old_lane if reversed_ else change.new_lane,
            "old_growth_steps": change.new_growth_steps if reversed_ else change.old_growth_steps,
            "new_growth_steps": change.old_growth_steps if reversed_ else change.new_growth_steps,
            "new_annual_salary": change.old_annual if reversed_ else change.new_annual,
            "retroactive_amount": (change.recovered_amount if reversed_ else change.retro_amount) or ZERO,
        })
    return rows


def payroll_csv(rows: list[dict]) -> str:
    """The payroll export as CSV, money as exact two-decimal strings."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PAYROLL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: money_str(v) if k in MONEY_COLUMNS else v for k, v in row.items()})
    return out.getvalue()


def payroll_xlsx(rows: list[dict]) -> bytes:
    """The payroll export as a workbook, money cells as numbers with a two-decimal format."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Approved changes"
    sheet.append(PAYROLL_COLUMNS)
    for row in rows:
        sheet.append([row[k] for k in PAYROLL_COLUMNS])
        for column, key in enumerate(PAYROLL_COLUMNS, start=1):
            if key in MONEY_COLUMNS:
                sheet.cell(row=sheet.max_row, column=column).number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- history -------------------------------------------------------------------------------------


def approved_changes(*, session: Session, teacher_id: int) -> list[ChangeRequest]:
    """A teacher's approved changes, by effective date: what the dashboard shows as "lane X from date Y"."""
    return list(session.exec(select(ChangeRequest).where(ChangeRequest.teacher_id == teacher_id,
                                                         ChangeRequest.status == State.approved)
                             .order_by(ChangeRequest.effective_date, ChangeRequest.id)))


def teacher_history(*, session: Session, teacher_id: int) -> dict:
    """Every placement and request of a teacher over the years."""
    placements = list(session.exec(select(Placement).where(Placement.teacher_id == teacher_id)
                                   .order_by(Placement.school_year)))
    return {"placements": placements, "requests": requests_of_teacher(session=session, teacher_id=teacher_id)}
