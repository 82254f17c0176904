"""Credentials issued here with fresh Ed25519 keys (Data Integrity and VC-JWT): each fault fails its own check."""

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

import base58
import pytest
from nacl.signing import SigningKey

from credentials import (
    CatalogEntry,
    TrustedIssuer,
    map_to_catalog,
    read_credentials,
    verify_credential,
)
from credentials.dataintegrity import hash_data

ISSUER = "https://pd.example-district.org/issuers/1"
EARNER = "did:example:teacher-42"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
CATALOG = [CatalogEntry(achievement_id="https://pd.example-district.org/achievements/reading-k3",
                        credit_hours=Decimal("1.5"), cpe_hours=Decimal("15"))]


def multikey(key: SigningKey) -> str:
    """The base58btc ed25519-pub Multikey of a signing key."""
    return "z" + base58.b58encode(b"\xed\x01" + bytes(key.verify_key)).decode()


def credential(issuer: str = ISSUER, **changes) -> dict:
    """An unsigned OB 3.0 OpenBadgeCredential for a micro-credential."""
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b7c9b7e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example District PD"},
        "validFrom": "2026-01-15T00:00:00Z",
        "name": "Early Reading K-3",
        "credentialSubject": {
            "id": EARNER,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://pd.example-district.org/achievements/reading-k3",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Early Reading K-3",
                "description": "Evidence-based early reading instruction.",
                "criteria": {"narrative": "Portfolio reviewed by two assessors."},
                "creditsAvailable": 2,
            },
        },
    }
    document.update(changes)
    return document


def sign_data_integrity(document: dict, key: SigningKey, method: str) -> dict:
    """Add an eddsa-rdfc-2022 proof."""
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-15T00:00:00Z",
             "verificationMethod": method, "proofPurpose": "assertionMethod"}
    signature = key.sign(hash_data(document, proof)).signature
    return {**document, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}


def _b64(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_jwt(payload: dict, key: SigningKey, alg: str = "EdDSA", embed: bool = True) -> str:
    """A compact Ed25519 JWS, the public key embedded as a JWK when asked."""
    header = {"alg": alg, "typ": "vc+jwt"}
    if embed:
        header["jwk"] = {"kty": "OKP", "crv": "Ed25519", "x": _b64(bytes(key.verify_key))}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(key.sign(signing_input.encode()).signature)}"


def vc2_jwt_payload(document: dict) -> dict:
    """VC 2.0 flat JWT payload."""
    return {**document, "iss": document["issuer"]["id"], "jti": document["id"], "nbf": 1768435200}


def vc11_jwt_payload(document: dict) -> dict:
    """VC 1.1 JWT payload: the credential in the `vc` claim."""
    return {"vc": document, "iss": document["issuer"]["id"], "sub": EARNER, "jti": document["id"], "nbf": 1768435200}


@pytest.fixture
def key() -> SigningKey:
    """The issuer's fresh key."""
    return SigningKey.generate()


@pytest.fixture
def district(key) -> list[TrustedIssuer]:
    """A trusted-issuer list holding the issuer and its key."""
    return [TrustedIssuer(id=ISSUER, name="Example District PD", keys=[multikey(key)])]


def verify_bytes(data: bytes, **kwargs):
    """Read and verify one credential."""
    (found,) = read_credentials(data)
    return verify_credential(found, now=NOW, recipient=EARNER, **kwargs)


def data_integrity(key: SigningKey, document: dict | None = None) -> bytes:
    """A signed Data Integrity credential as file bytes."""
    document = document or credential()
    return json.dumps(sign_data_integrity(document, key, f"{ISSUER}#{multikey(key)}")).encode()


def passes(result, *names):
    """Whether the named checks all passed."""
    return all(result.check(n).passed is True for n in names)


ISSUED = {
    "data-integrity": lambda key, doc=None: data_integrity(key, doc),
    "vc-jwt-2.0": lambda key, doc=None: sign_jwt(vc2_jwt_payload(doc or credential()), key).encode(),
    "vc-jwt-1.1": lambda key, doc=None: sign_jwt(vc11_jwt_payload(doc or credential()), key).encode(),
}


@pytest.mark.parametrize("form", sorted(ISSUED))
def test_issued_credential_verifies_and_maps(form, key, district):
    """Fresh credential, trusted issuer: valid, trusted, and worth its catalog entry."""
    result = verify_bytes(ISSUED[form](key), trusted_issuers=district)
    assert result.valid and result.trusted, result.checks
    assert passes(result, "signature", "issuer_key", "dates", "recipient", "shape")
    assert result.check("revocation").passed is None
    match = map_to_catalog(result, CATALOG)
    assert (match.micro_credentials, match.credit_hours, match.cpe_hours) == (1, Decimal("1.5"), Decimal("15"))
    assert match.credits_available == Decimal("2")


@pytest.mark.parametrize("form", sorted(ISSUED))
def test_tampered_field_fails_signature(form, key, district):
    """Changing a signed field after signing fails the signature; the other checks still report."""
    data = ISSUED[form](key)
    if form == "data-integrity":
        document = json.loads(data)
        document["credentialSubject"]["achievement"]["name"] = "Doctorate"
        data = json.dumps(document).encode()
    else:
        header, payload, signature = data.decode().split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        target = claims.get("vc", claims)
        target["credentialSubject"]["achievement"]["name"] = "Doctorate"
        data = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}".encode()
    result = verify_bytes(data, trusted_issuers=district)
    assert result.check("signature").passed is False
    assert passes(result, "dates", "recipient", "shape")
    assert not result.valid and not result.trusted


@pytest.mark.parametrize("form", sorted(ISSUED))
def test_swapped_key_fails_issuer_key(form, district):
    """Signed by someone else's key while claiming the trusted issuer: the signature holds, issuer_key fails."""
    result = verify_bytes(ISSUED[form](SigningKey.generate()), trusted_issuers=district)
    assert result.check("signature").passed is True
    assert result.check("issuer_key").passed is False
    assert passes(result, "dates", "recipient", "shape")
    assert not result.valid and not result.trusted
    assert map_to_catalog(result, CATALOG) is None


@pytest.mark.parametrize("form", sorted(ISSUED))
def test_expired_fails_dates(form, key, district):
    """validUntil before now fails dates only."""
    result = verify_bytes(ISSUED[form](key, credential(validUntil="2026-02-01T00:00:00Z")), trusted_issuers=district)
    assert result.check("dates").passed is False
    assert "expired" in result.check("dates").message
    assert passes(result, "signature", "issuer_key", "recipient", "shape")
    assert not result.valid and result.trusted


@pytest.mark.parametrize("form", sorted(ISSUED))
def test_wrong_recipient_fails_recipient(form, key, district):
    """Another teacher's credential fails the recipient check only."""
    (found,) = read_credentials(ISSUED[form](key))
    result = verify_credential(found, now=NOW, recipient="did:example:someone-else", trusted_issuers=district)
    assert result.check("recipient").passed is False
    assert passes(result, "signature", "issuer_key", "dates", "shape")
    assert not result.valid


@pytest.mark.parametrize("form", sorted(ISSUED))
def test_untrusted_issuer_is_valid_but_not_trusted(form, key):
    """Without the district list the signature is valid but the issuer is not trusted, and nothing maps."""
    result = verify_bytes(ISSUED[form](key))
    assert result.valid and not result.trusted
    assert "not proof of identity" in result.check("issuer_key").message
    assert map_to_catalog(result, CATALOG) is None


def test_not_yet_valid_fails_dates(key, district):
    """validFrom after now fails dates."""
    result = verify_bytes(data_integrity(key, credential(validFrom="2027-01-01T00:00:00Z")), trusted_issuers=district)
    assert result.check("dates").passed is False and "not yet valid" in result.check("dates").message


def test_missing_achievement_fails_shape(key, district):
    """A credential without achievement criteria fails the shape check, signature intact."""
    document = credential()
    del document["credentialSubject"]["achievement"]["criteria"]
    result = verify_bytes(data_integrity(key, document), trusted_issuers=district)
    assert result.check("shape").passed is False and "criteria" in result.check("shape").message
    assert passes(result, "signature", "issuer_key", "dates")


def test_did_key_issuer_is_bound_and_trusted_when_listed(key):
    """An issuer whose id is the did:key that signed is bound to the key; listing the DID makes it trusted."""
    did = f"did:key:{multikey(key)}"
    signed = sign_data_integrity(credential(issuer=did), key, f"{did}#{multikey(key)}")
    result = verify_bytes(json.dumps(signed).encode())
    assert result.valid and not result.trusted
    assert "issuer id is the key" in result.check("issuer_key").message
    listed = verify_bytes(json.dumps(signed).encode(), trusted_issuers=[TrustedIssuer(id=did, name="DID issuer")])
    assert listed.valid and listed.trusted


def test_key_from_trusted_list_when_method_is_not_self_describing(key, district):
    """A verification method naming a key by URL is resolved only from the district list."""
    signed = sign_data_integrity(credential(), key, f"{ISSUER}/keys/1")
    result = verify_bytes(json.dumps(signed).encode(), trusted_issuers=district)
    assert result.valid and result.trusted
    unlisted = verify_bytes(json.dumps(signed).encode())
    assert unlisted.check("issuer_key").passed is False and unlisted.check("signature").passed is None


def test_jwt_without_embedded_key_uses_trusted_list(key, district):
    """A VC-JWT with no jwk header is verified with the district's key for its issuer."""
    token = sign_jwt(vc2_jwt_payload(credential()), key, alg="Ed25519", embed=False)
    result = verify_bytes(token.encode(), trusted_issuers=district)
    assert result.valid and result.trusted


@pytest.mark.parametrize("alg", ["RS256", "HS256", "none", "ES256"])
def test_jwt_alg_is_pinned_to_the_key_type(key, district, alg):
    """A header alg that does not fit the key type is refused, whatever the header says."""
    token = sign_jwt(vc2_jwt_payload(credential()), key, alg=alg)
    result = verify_bytes(token.encode(), trusted_issuers=district)
    assert result.check("signature").passed is False
    assert "not allowed" in result.check("signature").message


def test_jwt_claims_must_match_the_credential(key, district):
    """A JWT whose iss contradicts the credential's issuer fails shape."""
    payload = {**vc2_jwt_payload(credential()), "iss": "https://elsewhere.example"}
    result = verify_bytes(sign_jwt(payload, key).encode(), trusted_issuers=district)
    assert result.check("shape").passed is False and "iss" in result.check("shape").message


def test_hashed_email_recipient(key, district):
    """An IdentityObject with a salted sha256 email matches that email only."""
    document = credential()
    digest = hashlib.sha256(b"teacher@example.org" + b"pepper").hexdigest()
    document["credentialSubject"] = {**document["credentialSubject"], "identifier": [
        {"type": "IdentityObject", "hashed": True, "identityHash": f"sha256${digest}",
         "identityType": "emailAddress", "salt": "pepper"}]}
    del document["credentialSubject"]["id"]
    (found,) = read_credentials(data_integrity(key, copy.deepcopy(document)))
    assert verify_credential(found, now=NOW, recipient="teacher@example.org").check("recipient").passed is True
    assert verify_credential(found, now=NOW, recipient="other@example.org").check("recipient").passed is False
    assert verify_credential(found, now=NOW).check("recipient").passed is None
