"""Evidence files: which uploads are accepted, storing them outside the web root under a random name (with a
request, or behind credit on the teacher's ledger), and finding them again. Badges are read in `badges`."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from engine.hr.workflow import State
from engine.rules import DistrictRules
from models import EarnedCredential, Teacher, User
from models.hr import ChangeRequest, EvidenceFile
from models.types import moment, utcnow
from services import ledger
from services.hr.badges import record_verified_badges, teacher_identities, verify_badge
from services.hr.errors import EvidenceRefused

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
