"""Signature checks for OB 3.0 / CLR 2.0: embedded Data Integrity proofs, VC-JWT (JWS), and the signing key."""

import warnings
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jws import JWSRegistry
from pyld.jsonld import JsonLdError

from credentials.catalog import TrustedIssuer
from credentials.checks import Check, _as_list, _issuer
from credentials.dataintegrity import is_eddsa_proof, verify_eddsa_proof
from credentials.jsonld import unknown_contexts
from credentials.keys import (
    IssuerKey,
    UnresolvableKey,
    from_jwk,
    resolve_verification_method,
    trusted_issuer,
    trusted_keys,
)
from credentials.reader import Credential

# VC-JWT headers carry whole JWKs; joserfc's default 512-byte header limit refuses real ones.
MAX_JWS_HEADER = 16384


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
