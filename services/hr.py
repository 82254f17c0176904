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
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from engine.hr.assess import Outcome, RequestFacts, assess, change_retro
from engine.hr.retro import RetroPay
from engine.hr.workflow import Action, IllegalTransition, State, apply
from engine.money import ZERO, money_str
from engine.rules import DistrictRules
from engine.teacher.record import CreditItem
from models import CredentialKind, CredentialStatus, EarnedCredential, Placement, Teacher, User
from models.hr import ChangeRequest, EvidenceFile, RequestAudit, RequestCredential, RequestReview
from models.types import moment, utcnow
from safe.spreadsheet import csv_cell, xlsx_append
from services import ledger

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
    from credentials.limits import MAX_JSON_DEPTH
    from safe.parsing import json_loads

    try:
        json_loads(data, max_depth=MAX_JSON_DEPTH)  # deeper JSON ends Python's parser in RecursionError
    except ValueError:
        return False
    return True


def verify_badge(data: bytes, filename: str, rules: DistrictRules | None, identities: list[str] = ()) -> dict:
    """Open Badge verification of an evidence file, offline, as JSON: per credential, each check, whether it is made
    out to one of `identities` (the teacher's email or DID), and the catalog value."""
    from credentials import UnreadableCredential, map_to_catalog, read_credentials, verify_credential
    from credentials.verify import recipient_check

    try:
        found = read_credentials(data, filename)
    except UnreadableCredential as error:
        return {"readable": False, "message": str(error), "credentials": []}
    def described(result) -> dict:
        match = map_to_catalog(result, rules.credential_catalog) if rules else None
        entry = result.as_json()
        entry["catalog"] = match.as_json() if match else None
        entry["earned_on"] = _earned_on(result.credential.document)
        entry["credential_key"] = credential_key(result.credential.document)
        check = recipient_check(result.credential, identities)
        entry["recipient_matches"] = check.passed
        entry["recipient"] = check.message
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


def teacher_identities(teacher: Teacher) -> list[str]:
    """Who a badge must be made out to for this teacher: the email and DID on the roster."""
    return [value for value in (teacher.email, teacher.did) if value]


def credential_key(document: dict) -> str:
    """A credential's identity: its `id`, or the SHA-256 of its content when it has none."""
    ident = document.get("id") if isinstance(document.get("id"), str) else None
    if ident:
        return ident[:128]
    return "sha256:" + hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def record_verified_badges(*, session: Session, teacher: Teacher, verification: dict, rules: DistrictRules,
                           actor: User | None, today: date, change_request: ChangeRequest | None = None
                           ) -> list[EarnedCredential]:
    """Each valid badge the district's catalog values goes on the teacher's ledger, once for all teachers (held by
    a unique key). It is granted by itself only where the rule file says so and only when it is made out to this
    teacher and its issuer is trusted; otherwise it is submitted, and its checks inform HR's decision."""
    added = []

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            walk(entry.get("nested") or [])
            match, achievement = entry.get("catalog"), entry.get("achievement") or {}
            if not match or not entry.get("valid"):
                continue
            key = entry.get("credential_key")
            if key and session.exec(select(EarnedCredential.id).where(EarnedCredential.credential_key == key)).first():
                entry["ledger"] = "already on a ledger: a credential counts once"
                continue
            to_teacher = entry.get("recipient_matches") is True
            grant = rules.review.verified_badges_grant and entry.get("trusted") and to_teacher
            earned = date.fromisoformat(entry["earned_on"]) if entry.get("earned_on") else None
            kind, amount = ((CredentialKind.micro_credential, Decimal(match["micro_credentials"]))
                            if match["micro_credentials"] else (CredentialKind.graduate_credit, Decimal(match["credit_hours"])))
            try:
                with session.begin_nested():
                    row = ledger.record_credit(
                        session=session, rules=rules, teacher=teacher, actor=actor, kind=kind, amount=amount,
                        today=today, title=(achievement.get("name") or "Verified badge"), earned_on=earned,
                        status=CredentialStatus.granted if grant else CredentialStatus.submitted,
                        achievement_id=achievement.get("id"), issuer=(entry.get("issuer") or {}).get("id"),
                        credential_key=key, commit=False)
            except IntegrityError:
                entry["ledger"] = "already on a ledger: a credential counts once"
                continue
            except ledger.CreditRefused as error:
                entry["ledger"] = f"not recorded: {error}"
                continue
            entry["ledger"] = ("granted: verified, trusted issuer, made out to this teacher" if grant else
                               "submitted for HR's decision" + ("" if to_teacher else
                                                                " (not shown to be made out to this teacher)"))
            if change_request is not None:
                session.add(RequestCredential(request_id=change_request.id, credential_id=row.id))
            added.append(row)

    walk(verification.get("credentials") or [])
    return added


def add_evidence(*, session: Session, change_request: ChangeRequest, actor: User, filename: str, data: bytes,
                 instance_path: str | Path, rules: DistrictRules | None, today: date | None = None) -> EvidenceFile:
    """Store an evidence file under a random name, verify it if it may be an Open Badge, and give its record."""
    if change_request.status not in (State.draft, State.returned, State.submitted):
        raise EvidenceRefused("evidence can be added only while the request is a draft, submitted or returned")
    extension, content_type = check_evidence(filename, data)
    teacher = session.get(Teacher, change_request.teacher_id)
    checked = verify_badge(data, filename, rules, teacher_identities(teacher)) if extension in BADGE_TYPES else None
    safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(filename).name)[:200] or f"evidence.{extension}"
    stored = secrets.token_hex(20)
    path = evidence_folder(instance_path) / stored
    # The file is written once it is checked, and removed again if its record is not saved: a failed upload
    # leaves nothing in the evidence folder.
    path.write_bytes(data)
    try:
        row = EvidenceFile(request_id=change_request.id, stored_name=stored, original_name=safe_name,
                           content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                           uploaded_by=actor.id, uploaded_at=moment(today))
        session.add(row)
        if checked is not None and rules is not None:
            record_verified_badges(session=session, teacher=teacher, verification=checked, rules=rules, actor=actor,
                                   today=today or utcnow().date(), change_request=change_request)
        row.verification = json.dumps(checked) if checked is not None else None
        session.commit()
    except BaseException:
        session.rollback()
        path.unlink(missing_ok=True)
        raise
    session.refresh(row)
    return row


def record_credit_with_evidence(*, session: Session, rules: DistrictRules, teacher: Teacher, actor: User, today: date,
                                instance_path: str | Path, filename: str, data: bytes, kind: str | None = None,
                                amount: Decimal | None = None, title: str = "",
                                earned_on: date | None = None) -> tuple[list[EarnedCredential], EvidenceFile]:
    """Put credit on a teacher's ledger with its evidence: a badge the district's catalog values becomes its own
    entry (see `record_verified_badges`); any other file backs the credit the teacher declares. HR decides."""
    extension, content_type = check_evidence(filename, data)
    checked = verify_badge(data, filename, rules, teacher_identities(teacher)) if extension in BADGE_TYPES else None
    rows = []
    if checked is not None:
        rows = record_verified_badges(session=session, teacher=teacher, verification=checked, rules=rules,
                                      actor=actor, today=today)
    if not rows:
        if not kind or not amount:
            why = "; ".join(c.get("ledger", "") for c in (checked or {}).get("credentials", []) if c.get("ledger"))
            raise EvidenceRefused(why or "say what credit this file shows: its kind and amount")
        try:
            rows = [ledger.record_credit(session=session, rules=rules, teacher=teacher, actor=actor, kind=kind,
                                         amount=amount, today=today, title=title, earned_on=earned_on, commit=False)]
        except ledger.CreditRefused as error:
            raise EvidenceRefused(str(error)) from None
    stored = secrets.token_hex(20)
    (evidence_folder(instance_path) / stored).write_bytes(data)
    safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(filename).name)[:200] or f"evidence.{extension}"
    evidence = EvidenceFile(credential_id=rows[0].id, stored_name=stored, original_name=safe_name,
                            content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                            uploaded_by=actor.id, uploaded_at=moment(today),
                            verification=json.dumps(checked) if checked is not None else None)
    session.add(evidence)
    try:
        session.commit()
    except Exception:
        session.rollback()
        (evidence_folder(instance_path) / stored).unlink(missing_ok=True)
        raise
    for row in rows:
        session.refresh(row)
    return rows, evidence


def credit_evidence(*, session: Session, teacher_id: int) -> dict[int, list[EvidenceFile]]:
    """The evidence files behind each of a teacher's ledger items."""
    found: dict[int, list[EvidenceFile]] = {}
    for evidence in session.exec(select(EvidenceFile).join(EarnedCredential, EarnedCredential.id == EvidenceFile.credential_id)
                                 .where(EarnedCredential.teacher_id == teacher_id).order_by(EvidenceFile.id)):
        found.setdefault(evidence.credential_id, []).append(evidence)
    return found


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
          cursor: str | None = None, page_size: int = 50, now: datetime | None = None, count: bool = True,
          district_ids: Collection[str] | None = None) -> QueuePage:
    """A page of submitted requests filtered and sorted on indexed columns, keyset-paginated on (submitted_at, id).

    `district_ids` limits it to the reviewer's districts (None: every district, for the command line and benches)."""
    now = now or utcnow()
    if status:
        conditions = [ChangeRequest.submitted_at.is_not(None), ChangeRequest.status == status]
    else:
        # Written as the partial index's own SQL (no bound parameters), so both databases read the index in order.
        conditions = [text(f"change_requests.{WAITING.replace(' AND submitted_at', ' AND change_requests.submitted_at')}")]
    if district:
        conditions.append(ChangeRequest.district_id == district)
    if district_ids is not None:
        conditions.append(ChangeRequest.district_id.in_(sorted(district_ids)))
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


def queue_choices(*, session: Session, district_ids: Collection[str] | None = None) -> dict[str, list[str]]:
    """The districts, schools and windows HR can filter the queue by (of the reviewer's districts, when given).

    Three DISTINCT scans per page view were a third of the queue's time, so the choices are kept per database
    and set of districts for CHOICES_SECONDS, and at once made anew when a request has been added (its newest
    id changes)."""
    scope = None if district_ids is None else tuple(sorted(district_ids))
    key = f"{session.get_bind().url}|{scope}"
    newest = session.exec(select(func.max(ChangeRequest.id))).one()
    cached = _choices_cache.get(key)
    if cached and cached[1] == (newest,) and cached[0] > time.monotonic():
        return {name: list(values) for name, values in cached[2].items()}

    def distinct(column):
        statement = select(column).distinct().order_by(column)
        if scope is not None:
            statement = statement.where(ChangeRequest.district_id.in_(scope))
        return [v for v in session.exec(statement) if v]
    choices = {"district": distinct(ChangeRequest.district_id), "school": distinct(ChangeRequest.school),
               "window": distinct(ChangeRequest.window_id)}
    _choices_cache[key] = (time.monotonic() + CHOICES_SECONDS, (newest,), choices)
    return {name: list(values) for name, values in choices.items()}


# --- payroll export ------------------------------------------------------------------------------

PAYROLL_COLUMNS = ["employee_id", "teacher", "district", "request", "change", "decided_on", "effective_date",
                   "old_step", "old_lane", "new_step", "new_lane", "old_growth_steps", "new_growth_steps",
                   "new_annual_salary", "retroactive_amount"]
MONEY_COLUMNS = {"new_annual_salary", "retroactive_amount"}


def payroll_rows(*, session: Session, start: date, end: date, district: str | None = None,
                 district_ids: Collection[str] | None = None) -> list[dict]:
    """Approved changes (and reversals, with the overpayment to recover) decided from `start` to `end` inclusive,
    of one district or of the reviewer's `district_ids` (None: every district)."""
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
    if district_ids is not None:
        statement = statement.where(ChangeRequest.district_id.in_(sorted(district_ids)))
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
    """The payroll export as CSV, money as exact two-decimal strings, text never a live formula (safe/spreadsheet.py)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PAYROLL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(money_str(v) if k in MONEY_COLUMNS else v) for k, v in row.items()})
    return out.getvalue()


def payroll_xlsx(rows: list[dict]) -> bytes:
    """The payroll export as a workbook, money cells as numbers with a two-decimal format."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Approved changes"
    sheet.append(PAYROLL_COLUMNS)
    for row in rows:
        xlsx_append(sheet, [row[k] for k in PAYROLL_COLUMNS])  # text never a live formula (safe/spreadsheet.py)
        for column, key in enumerate(PAYROLL_COLUMNS, start=1):
            if key in MONEY_COLUMNS:
                sheet.cell(row=sheet.max_row, column=column).number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- history -------------------------------------------------------------------------------------


def approved_changes(*, session: Session, teacher_id: int) -> list[ChangeRequest]:
    """A teacher's approved changes, by effective date: what the dashboard shows as "lane X from date Y"."""
    return ledger.approved_changes(session=session, teacher_id=teacher_id)


def teacher_history(*, session: Session, teacher_id: int) -> dict:
    """Every placement and request of a teacher over the years."""
    placements = list(session.exec(select(Placement).where(Placement.teacher_id == teacher_id)
                                   .order_by(Placement.school_year)))
    return {"placements": placements, "requests": requests_of_teacher(session=session, teacher_id=teacher_id)}
