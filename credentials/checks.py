"""Verification result types and the checks every credential family shares: dates, recipient, shape."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from credentials.reader import Credential

SCHEMAS_DIR = Path(__file__).parent / "schemas"
REQUIRED_CHECKS = ("signature", "issuer_key", "dates", "shape")


@dataclass(frozen=True)
class Check:
    """One verification check: passed is True, False, or None when it could not be checked."""

    name: str
    passed: bool | None
    message: str

    def as_json(self) -> dict:
        """JSON-ready form."""
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass
class VerificationResult:
    """Every check on one credential, plus the nested credentials of a CLR."""

    credential: Credential
    checks: list[Check]
    trusted: bool
    issuer_id: str | None
    issuer_name: str | None
    achievement: dict | None
    nested: list["VerificationResult"] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Signature, issuer key, dates and shape pass, no check fails, and every nested credential is valid."""
        return (
            all(self.check(name).passed is True for name in REQUIRED_CHECKS)
            and all(c.passed is not False for c in self.checks)
            and all(n.valid for n in self.nested)
        )

    def check(self, name: str) -> Check:
        """The check of that name."""
        return next(c for c in self.checks if c.name == name)

    def as_json(self) -> dict:
        """JSON-ready form: file, type, issuer, achievement, valid, trusted, checks, nested."""
        return {
            "file": self.credential.source,
            "type": self.credential.type_name,
            "issuer": {"id": self.issuer_id, "name": self.issuer_name},
            "achievement": self.achievement,
            "valid": self.valid,
            "trusted": self.trusted,
            "checks": [c.as_json() for c in self.checks],
            "nested": [n.as_json() for n in self.nested],
        }


@cache
def _validator(schema_file: str) -> Draft202012Validator:
    """A JSON Schema validator for one file in credentials/schemas."""
    return Draft202012Validator(json.loads((SCHEMAS_DIR / schema_file).read_text(encoding="utf-8")))


def _parse_time(value) -> datetime:
    """A timezone-aware datetime from an ISO 8601 string or a JWT NumericDate."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError) as error:  # e.g. nbf: 1e300, past year 9999
            raise ValueError(f"NumericDate {value!r} is out of range") from error
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _dates_check(document: dict, claims: dict | None, now: datetime, starts: tuple, ends: tuple) -> Check:
    """The credential is inside its validity window at `now`."""
    sources = [document, claims or {}]
    try:
        begin = [(n, _parse_time(s[n])) for s in sources for n in starts if s.get(n) is not None]
        finish = [(n, _parse_time(s[n])) for s in sources for n in ends if s.get(n) is not None]
    except ValueError as exc:
        return Check("dates", False, f"unreadable date: {exc}")
    if not begin:
        return Check("dates", False, f"no {' or '.join(starts)}")
    for name, moment in begin:
        if moment > now:
            return Check("dates", False, f"not yet valid: {name} {moment.isoformat()}")
    for name, moment in finish:
        if moment <= now:
            return Check("dates", False, f"expired: {name} {moment.isoformat()}")
    until = f"until {min(m for _, m in finish).isoformat()}" if finish else "with no end date"
    return Check("dates", True, f"valid from {max(m for _, m in begin).isoformat()} {until}")


def _identity_matches(expected: str, identity, hashed: bool, salt) -> bool:
    """Whether an (optionally salted and hashed) identity is the expected one."""
    if not isinstance(identity, str) or not isinstance(salt, str | None):
        return False
    if not hashed:
        return identity == expected
    algorithm, _, digest = identity.partition("$")
    if algorithm.lower() not in ("sha256", "md5"):
        return False
    return hashlib.new(algorithm.lower(), (expected + (salt or "")).encode()).hexdigest() == digest.lower()


def _recipient_check(credential: Credential, expected: str | None) -> Check:
    """The credential names the expected recipient (id, email, or hashed identity)."""
    if expected is None:
        return Check("recipient", None, "not checked (no expected recipient given)")
    document = credential.document
    if credential.family == "ob2":
        r = document.get("recipient") if isinstance(document.get("recipient"), dict) else {}
        identities = [(r.get("identity", ""), bool(r.get("hashed")), r.get("salt"))]
    else:
        subject = _subject(document)
        identities = [(subject.get("id", ""), False, None)] + [
            (i.get("identityHash", ""), bool(i.get("hashed")), i.get("salt"))
            for i in _as_list(subject.get("identifier")) if isinstance(i, dict)
        ]
    if any(identity and _identity_matches(expected, identity, hashed, salt) for identity, hashed, salt in identities):
        return Check("recipient", True, f"issued to {expected}")
    return Check("recipient", False, f"not issued to {expected}")


def recipient_check(credential: Credential, identities: list[str]) -> Check:
    """Whether the credential is made out to any of a person's identities (email, DID); not checked with none."""
    if not identities:
        return Check("recipient", None, "not checked: no email or DID on the roster to compare with")
    found = [_recipient_check(credential, identity) for identity in identities]
    return next((check for check in found if check.passed), found[0])


def _as_list(value) -> list:
    """A JSON value as a list: lists as they are, one value wrapped, absent as empty."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _subject(document: dict) -> dict:
    """The (first) credentialSubject."""
    subject = document.get("credentialSubject") or {}
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    return subject if isinstance(subject, dict) else {}


def _issuer(document: dict) -> tuple[str | None, str | None]:
    """Issuer id and name of a VC."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        return issuer.get("id"), issuer.get("name")
    return issuer, None


def _jwt_claim_problems(credential: Credential) -> list[str]:
    """JWT registered claims that contradict the credential they carry."""
    claims, document = credential.claims or {}, credential.document
    pairs = [("iss", _issuer(document)[0]), ("jti", document.get("id"))]
    if "vc" in claims:
        pairs.append(("sub", _subject(document).get("id")))
    return [f"JWT {claim} {claims[claim]!r} is not {value!r}"
            for claim, value in pairs if claim in claims and value is not None and claims[claim] != value]


def _shape_check(credential: Credential) -> Check:
    """The credential has the fields its type requires (JSON Schema in credentials/schemas)."""
    if credential.family == "ob2":
        schema = "ob_v2p0_assertion.json"
    elif credential.family == "clr":
        schema = "clr_v2p0_clrcredential.json"
    elif "EndorsementCredential" in credential.types:
        schema = "ob_v3p0_endorsementcredential.json"
    else:
        schema = "ob_v3p0_achievementcredential.json"
    validator = _validator(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in validator.iter_errors(credential.document)]
    problems += _jwt_claim_problems(credential)
    if problems:
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        return Check("shape", False, "; ".join(problems[:3]) + more)
    return Check("shape", True, f"conforms to {validator.schema['title']}")
