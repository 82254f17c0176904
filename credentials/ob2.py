"""Open Badges 2.0 assertions: hosted (needs the network) or signed (checked offline against supplied documents)."""

from datetime import datetime

from credentials.catalog import TrustedIssuer
from credentials.checks import Check, VerificationResult, _dates_check, _recipient_check, _shape_check
from credentials.keys import IssuerKey, UnresolvableKey, from_pem, trusted_issuer
from credentials.proofs import _key_check, _verify_jws
from credentials.reader import Credential


def _linked(value, documents: dict) -> dict | None:
    """An OB 2.0 linked document: embedded, or looked up by URL among the supplied documents."""
    if isinstance(value, dict):
        return value
    return documents.get(value) if isinstance(value, str) else None


def _revocation_check(assertion: dict, issuer: dict | None, documents: dict) -> Check:
    """An OB 2.0 signed assertion is not in its issuer's revocation list."""
    if issuer is None:
        return Check("revocation", None, "not checked (issuer profile not supplied)")
    url = issuer.get("revocationList")
    if not url:
        return Check("revocation", True, "issuer publishes no revocation list")
    revocations = _linked(url, documents)
    if revocations is None:
        return Check("revocation", None, f"not checked (revocation list {url} not supplied)")
    for item in revocations.get("revokedAssertions", []):
        revoked_id = item.get("id") if isinstance(item, dict) else item
        if revoked_id == assertion.get("id"):
            reason = item.get("revocationReason") if isinstance(item, dict) else None
            return Check("revocation", False, "revoked" + (f": {reason}" if reason else ""))
    return Check("revocation", True, "not in the issuer's revocation list")


def _ob2_key(creator: str | None, documents: dict[str, dict]) -> tuple[IssuerKey, str | None]:
    """The CryptographicKey an OB 2.0 signed assertion names, and its owner, from the supplied documents."""
    key_document = _linked(creator, documents)
    if key_document is None or "publicKeyPem" not in key_document:
        raise UnresolvableKey(f"key document {creator} not supplied (needs the network)")
    key = IssuerKey(from_pem(key_document["publicKeyPem"]), f"OB 2.0 key document {creator}")
    return key, key_document.get("owner")


def _verify_ob2(credential: Credential, trusted: list[TrustedIssuer], documents: dict[str, dict],
                recipient: str | None, now: datetime) -> VerificationResult:
    """OB 2.0 assertion: signed (JWS) is checked offline against supplied documents; hosted needs the network."""
    assertion = credential.document
    verification = assertion.get("verification") if isinstance(assertion.get("verification"), dict) else {}
    badge = _linked(assertion.get("badge"), documents)
    issuer = _linked(badge.get("issuer"), documents) if badge else None
    issuer_id = issuer.get("id") if issuer else (badge or {}).get("issuer")
    entry = trusted_issuer(issuer_id, trusted)
    kind = str(verification.get("type", "")).lower()
    trusted_flag = False
    if kind in ("hosted", "hostedbadge"):
        signature = Check("signature", None, "hosted assertion: needs the network to verify")
        key_check = Check("issuer_key", None, "not checked (hosted assertion)")
    elif not credential.token:
        signature = Check("signature", False, "signed assertion given without its JWS")
        key_check = Check("issuer_key", None, "not checked (no JWS)")
    else:
        creator = verification.get("creator")
        try:
            key, owner = _ob2_key(creator, documents)
        except UnresolvableKey as exc:
            signature = Check("signature", None, "not checked (no key)")
            key_check = Check("issuer_key", False, str(exc))
        else:
            signature = _verify_jws(credential, key)
            if not signature.passed:
                key_check = Check("issuer_key", None, "not checked (signature does not verify)")
            elif issuer_id is None:
                key_check = Check("issuer_key", False, f"issuer unknown: badge class {assertion.get('badge')} not supplied")
            elif owner != issuer_id:
                key_check = Check("issuer_key", False, f"key owner {owner} is not the issuer {issuer_id}")
            else:
                key_check, trusted_flag = _key_check(key, entry)
    checks = [
        signature,
        key_check,
        _dates_check(assertion, None, now, ("issuedOn",), ("expires",)),
        _recipient_check(credential, recipient),
        _shape_check(credential),
        _revocation_check(assertion, issuer, documents) if credential.token
        else Check("revocation", None, "not checked (not a signed assertion)"),
    ]
    achievement = {k: badge[k] for k in ("id", "name") if k in badge} if badge else None
    return VerificationResult(credential, checks, trusted_flag, issuer_id, (issuer or {}).get("name"), achievement)
