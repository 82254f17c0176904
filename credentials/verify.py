"""Offline verification of OB 2.0, OB 3.0 and CLR 2.0 credentials, one check at a time."""

import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jws import JWSRegistry
from jsonschema import Draft202012Validator
from pyld.jsonld import JsonLdError

from credentials.catalog import TrustedIssuer
from credentials.dataintegrity import is_eddsa_proof, verify_eddsa_proof
from credentials.jsonld import unknown_contexts
from credentials.keys import (
    IssuerKey,
    UnresolvableKey,
    from_jwk,
    from_pem,
    resolve_verification_method,
    trusted_issuer,
    trusted_keys,
)
from credentials.limits import TooComplex, budget, current_budget
from credentials.reader import Credential, UnreadableCredential, from_token

SCHEMAS_DIR = Path(__file__).parent / "schemas"
REQUIRED_CHECKS = ("signature", "issuer_key", "dates", "shape")
# VC-JWT headers carry whole JWKs; joserfc's default 512-byte header limit refuses real ones.
MAX_JWS_HEADER = 16384


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


@dataclass
class _ProofOutcome:
    """What verifying the proofs of one credential found."""

    signature: Check
    issuer_key: Check
    trusted: bool


def _key_check(key: IssuerKey, entry: TrustedIssuer | None) -> tuple[Check, bool]:
    """How far a key that verified the signature speaks for the issuer, and whether the district trusts it."""
    if entry is not None:
        if key.fingerprint in {k.fingerprint for k in trusted_keys(entry)}:
            return Check("issuer_key", True, f"key listed for trusted issuer {entry.name}"), True
        return Check("issuer_key", False,
                     f"signed with a key the district does not list for {entry.name} ({key.source})"), False
    if key.bound_to_issuer:
        message = f"{key.source}: the issuer id is the key; issuer not on the trusted list"
        return Check("issuer_key", True, message), False
    return Check("issuer_key", True,
                 f"{key.source}: self-asserted, consistent but not proof of identity; issuer not trusted"), False


def _candidate_keys(method: str | None, issuer_id: str | None, entry: TrustedIssuer | None) -> list[IssuerKey]:
    """Keys to try for a signature: the one the method names, else the district's keys for the issuer."""
    try:
        if isinstance(method, str) and method:
            return [resolve_verification_method(method, issuer_id)]
    except UnresolvableKey:
        if entry is None:
            raise
    if entry is None:
        raise UnresolvableKey(f"no key for {issuer_id}: nothing embedded and the issuer is not on the trusted list")
    return trusted_keys(entry)


def _embedded_proof(credential: Credential, trusted: list[TrustedIssuer]) -> _ProofOutcome:
    """Verify Data Integrity proofs (eddsa-rdfc-2022 and its legacy names)."""
    document = credential.document
    issuer_id = _issuer(document)[0]
    entry = trusted_issuer(issuer_id, trusted)
    proofs = _as_list(document.get("proof"))
    supported = [p for p in proofs if isinstance(p, dict) and is_eddsa_proof(p)]
    skipped = [f"{p.get('type')}/{p.get('cryptosuite')}" if p.get("cryptosuite") else str(p.get("type"))
               for p in proofs if isinstance(p, dict) and not is_eddsa_proof(p)]
    note = f"; skipped unsupported proof {', '.join(skipped)}" if skipped else ""
    if not supported:
        reason = f"no supported proof (found {', '.join(skipped)})" if skipped else "no proof: not verifiable"
        return _ProofOutcome(Check("signature", False, reason),
                             Check("issuer_key", None, "not checked (no proof)"), False)
    if unknown := unknown_contexts(document):
        return _ProofOutcome(
            Check("signature", False, f"context {unknown[0]} is not frozen: cannot canonicalize offline"),
            Check("issuer_key", None, "not checked (signature not checkable)"), False)
    signatures, key_checks, trust = [], [], []
    for proof in supported:
        try:
            candidates = _candidate_keys(proof.get("verificationMethod"), issuer_id, entry)
            verified = next(
                (k for k in candidates if k.is_ed25519 and verify_eddsa_proof(document, proof, k.raw_ed25519)), None)
        except UnresolvableKey as exc:
            signatures.append(Check("signature", None, "not checked (no key)"))
            key_checks.append(Check("issuer_key", False, str(exc)))
            continue
        except (JsonLdError, ValueError) as exc:
            suite = proof.get("cryptosuite") or proof["type"]
            signatures.append(Check("signature", False, f"cannot verify {suite}: {exc}"))
            key_checks.append(Check("issuer_key", None, "not checked (signature not checkable)"))
            continue
        suite = proof.get("cryptosuite") or proof["type"]
        if verified is None:
            signatures.append(Check("signature", False, f"{suite} signature does not verify"))
            key_checks.append(Check("issuer_key", None, "not checked (signature does not verify)"))
            continue
        legacy = "" if suite == "eddsa-rdfc-2022" else " (legacy suite name, eddsa-rdfc-2022 recipe)"
        signatures.append(Check("signature", True, f"Ed25519 {suite} signature verified{legacy}"))
        key_check, is_trusted = _key_check(verified, entry)
        key_checks.append(key_check)
        trust.append(is_trusted)
    return _ProofOutcome(_combine(signatures, note), _combine(key_checks, ""),
                         len(trust) == len(supported) and all(trust))


def _combine(checks: list[Check], note: str) -> Check:
    """One check from several proofs: the first failure, else the first not-checked, else a pass."""
    failed = next((c for c in checks if c.passed is False), None)
    worst = failed or next((c for c in checks if c.passed is None), None)
    chosen = worst or checks[0]
    extra = f" ({len(checks)} proofs)" if len(checks) > 1 and worst is None else ""
    return Check(chosen.name, chosen.passed, chosen.message + extra + note)


def _verify_jws(credential: Credential, key: IssuerKey) -> Check:
    """Verify a compact JWS with the algorithm pinned to the key's type, whatever the header claims."""
    alg = credential.header.get("alg")
    if alg not in key.jose_algorithms:
        allowed = ", ".join(key.jose_algorithms)
        return Check("signature", False, f"header alg {alg!r} is not allowed for this key (allowed: {allowed})")
    registry = JWSRegistry(algorithms=[alg], strict_check_header=False)
    registry.max_header_length = MAX_JWS_HEADER
    try:
        with warnings.catch_warnings():
            # joserfc flags the name "EdDSA" as deprecated by RFC 9864; the key type already pins it to Ed25519.
            warnings.simplefilter("ignore", SecurityWarning)
            jws.deserialize_compact(credential.token, key.jose_key(), registry=registry)
    except (JoseError, ValueError) as exc:
        return Check("signature", False, f"{alg} signature does not verify: {exc}")
    return Check("signature", True, f"{alg} signature verified")


def _jwt_proof(credential: Credential, trusted: list[TrustedIssuer]) -> _ProofOutcome:
    """Verify a VC-JWT: key from the header (jwk or kid) or the district's list, alg pinned to the key."""
    header = credential.header
    issuer_id = _issuer(credential.document)[0] or (credential.claims or {}).get("iss")
    entry = trusted_issuer(issuer_id, trusted)
    try:
        if isinstance(header.get("jwk"), dict):
            candidates = [IssuerKey(from_jwk(header["jwk"]), "key embedded in the JWT header")]
        else:
            candidates = _candidate_keys(header.get("kid"), issuer_id, entry)
    except UnresolvableKey as exc:
        return _ProofOutcome(Check("signature", None, "not checked (no key)"),
                             Check("issuer_key", False, str(exc)), False)
    outcomes = [(k, _verify_jws(credential, k)) for k in candidates]
    key, signature = next(((k, c) for k, c in outcomes if c.passed), outcomes[0])
    if not signature.passed:
        return _ProofOutcome(signature, Check("issuer_key", None, "not checked (signature does not verify)"), False)
    key_check, is_trusted = _key_check(key, entry)
    return _ProofOutcome(signature, key_check, is_trusted)


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
