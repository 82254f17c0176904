"""Open Badges among the evidence: verifying one offline against the district's catalog and trusted issuers,
and putting each valid badge the catalog values on the teacher's ledger, once for all teachers."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from engine.rules import DistrictRules
from models import CredentialKind, CredentialStatus, EarnedCredential, Teacher, User
from models.hr import ChangeRequest, RequestCredential
from services import ledger


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
