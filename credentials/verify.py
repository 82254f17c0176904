"""Offline verification of OB 2.0, OB 3.0 and CLR 2.0 credentials, one check at a time.

The public face: `verify_credential` and `load_documents`. The result types and shared checks live in
credentials/checks.py, the OB 3.0 / CLR 2.0 proofs in credentials/proofs.py, OB 2.0 assertions in
credentials/ob2.py; the names callers import from here are re-exported.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from credentials.catalog import TrustedIssuer
from credentials.checks import (
    REQUIRED_CHECKS,
    SCHEMAS_DIR,
    Check,
    VerificationResult,
    _as_list,
    _dates_check,
    _issuer,
    _recipient_check,
    _shape_check,
    _subject,
    recipient_check,
)
from credentials.limits import TooComplex, budget, current_budget
from credentials.ob2 import _verify_ob2
from credentials.proofs import MAX_JWS_HEADER, _embedded_proof, _jwt_proof
from credentials.reader import Credential, UnreadableCredential, from_token

__all__ = [
    "MAX_JWS_HEADER",
    "REQUIRED_CHECKS",
    "SCHEMAS_DIR",
    "Check",
    "VerificationResult",
    "load_documents",
    "recipient_check",
    "verify_credential",
]


def _nested_credentials(credential: Credential) -> list[Credential]:
    """The credentials a CLR bundles, each to be verified on its own."""
    nested = []
    items = _as_list(_subject(credential.document).get("verifiableCredential"))
    current_budget().take_nested(len(items))
    for i, item in enumerate(items):
        source = f"{credential.source or 'clr'}#verifiableCredential/{i}"
        if isinstance(item, str):
            nested.append(from_token(item, source))
        elif isinstance(item, dict):
            nested.append(Credential(item, source))
    return nested


def _achievement_summary(document: dict) -> dict | None:
    """The achievement's id, name, type and creditsAvailable."""
    achievement = _subject(document).get("achievement")
    if not isinstance(achievement, dict):
        return None
    keys = ("id", "name", "achievementType", "creditsAvailable")
    return {k: achievement[k] for k in keys if k in achievement}


def _verify_vc(credential: Credential, trusted: list[TrustedIssuer], documents: dict[str, dict],
               recipient: str | None, now: datetime) -> VerificationResult:
    """OB 3.0 or CLR 2.0, as Data Integrity JSON or VC-JWT."""
    document = credential.document
    proof = _jwt_proof(credential, trusted) if credential.token else _embedded_proof(credential, trusted)
    status = ("not checked (no status list supplied)" if document.get("credentialStatus")
              else "not checked (the credential names no status list)")
    checks = [
        proof.signature,
        proof.issuer_key,
        _dates_check(document, credential.claims, now, ("validFrom", "issuanceDate", "nbf"),
                     ("validUntil", "expirationDate", "exp")),
        _recipient_check(credential, recipient),
        _shape_check(credential),
        Check("revocation", None, status),
    ]
    nested = []
    if credential.family == "clr":
        try:
            nested = [verify_credential(c, trusted_issuers=trusted, documents=documents, recipient=recipient, now=now)
                      for c in _nested_credentials(credential)]
        except (UnreadableCredential, TooComplex) as exc:
            checks.append(Check("nested", False, f"unreadable nested credential: {exc}"))
    issuer_id, issuer_name = _issuer(document)
    return VerificationResult(credential, checks, proof.trusted, issuer_id, issuer_name,
                              None if credential.family == "clr" else _achievement_summary(document), nested)


def verify_credential(
    credential: Credential,
    *,
    trusted_issuers: Sequence[TrustedIssuer] = (),
    documents: dict[str, dict] | None = None,
    recipient: str | None = None,
    now: datetime | None = None,
) -> VerificationResult:
    """Verify one credential offline; documents are OB 2.0 linked documents by URL, now defaults to the clock."""
    now = now or datetime.now(UTC)
    verify = _verify_ob2 if credential.family == "ob2" else _verify_vc
    # One budget of work and time for the credential and all it nests (credentials/limits.py).
    with budget():
        return verify(credential, list(trusted_issuers), documents or {}, recipient, now)


def load_documents(folder: Path) -> dict[str, dict]:
    """OB 2.0 linked documents (keys, issuers, badges, revocation lists) from a folder of JSON files, by id."""
    documents = {}
    for path in sorted(Path(folder).glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and isinstance(document.get("id"), str):
            documents[document["id"]] = document
    return documents
