"""Every credential in tests/data/obdata gets the outcome its manifest states, with no network."""

from pathlib import Path

import pytest

from credentials import TrustedIssuer, read_credentials, verify_credential

V = "real/1edtech-validator"

# file -> (valid, {check: expected passed}, manifest's words). Trust is always False here: no district list given,
# and every key below is self-asserted (URL fragment, embedded JWK, unbound did:key, issuer-hosted key document).
OUTCOMES = {
    "ob3/obv3p0/credential-signed.json": (True, {"signature": True, "issuer_key": True}, "signed vector: valid"),
    "ob3/clrv2p0/credential-signed.json": (True, {"signature": True, "issuer_key": True}, "CLR vector, nested proof: valid"),
    "ob3/spec-examples/fullOpenBadge.json": (False, {"signature": False}, "placeholder proof: not verifiable"),
    "ob3/spec-examples/getting-started-signed-example.json": (False, {"signature": False}, "eddsa-rdf-2022: not verifiable"),
    f"{V}/ob30/simple.json": (True, {"signature": True, "issuer_key": True}, "valid"),
    f"{V}/ob30/simple-did-key-method.json": (True, {"signature": True, "issuer_key": True}, "valid (did:key)"),
    f"{V}/ob30/simple-multiple-proofs.json": (True, {"signature": True}, "valid proof, unknown proof type skipped"),
    f"{V}/ob30/complete.json": (True, {"signature": True, "shape": True},
                                "signature valid; V's invalid is a network 404 on credentialSchema"),
    f"{V}/ob30/endorsement-valid.json": (True, {"signature": True}, "valid"),
    f"{V}/ob30/simple-eddsa-2022.json": (True, {"signature": True}, "warning: legacy eddsa-2022, sig OK"),
    f"{V}/ob30/simple_v1.json": (True, {"signature": True}, "warning: Ed25519Signature2020, sig OK"),
    f"{V}/ob30/simple-err-proof-value.json": (False, {"signature": False}, "invalid: signature fails"),
    f"{V}/ob30/simple-err-proof-method.json": (False, {"issuer_key": False, "signature": None},
                                               "invalid: verificationMethod unresolvable"),
    f"{V}/ob30/simple-err-expired.json": (False, {"signature": True, "dates": False}, "invalid: expired"),
    f"{V}/ob30/simple-err-issued.json": (False, {"signature": True, "dates": False}, "invalid: not yet valid"),
    f"{V}/ob30/simple.jwt": (False, {"issuer_key": False, "signature": None}, "no key: must fail"),
    f"{V}/ob30/simple-jwt.svg": (True, {"signature": True, "issuer_key": True}, "valid (embedded jwk)"),
    f"{V}/ob30/simple-jwt.svg.extracted.jwt": (True, {"signature": True, "issuer_key": True}, "valid, VC 2.0 flat JWT"),
    f"{V}/clr20/simple.json": (True, {"signature": True}, "valid, outer and nested sig OK"),
    f"{V}/clr20/simple.jwt": (True, {"signature": True}, "valid (embedded jwk)"),
    f"{V}/ob20/simple.jwt": (True, {"signature": True, "issuer_key": True, "revocation": True}, "valid"),
    f"{V}/ob20/simple-not-revoked.jwt": (True, {"signature": True, "revocation": True}, "valid, not revoked"),
    f"{V}/ob20/simple-revoked.jwt": (False, {"signature": True, "revocation": False}, "invalid: revoked"),
}
NOT_CREDENTIALS = {"credential-unsigned.json", "keypair.json", "proof-options.json", "verification-method.json",
                   "expected-intermediates.json"}


def _verify(obdata: Path, relative: str, documents: dict, now, **kwargs):
    """Every credential read from one obdata file, verified."""
    path = obdata / relative
    return [verify_credential(c, documents=documents, now=now, **kwargs)
            for c in read_credentials(path.read_bytes(), relative)]


def test_table_covers_every_credential_file(obdata):
    """A credential added to obdata must be added to the table."""
    found = {
        str(p.relative_to(obdata)) for p in obdata.rglob("*")
        if p.suffix in (".json", ".jwt", ".svg") and p.name not in NOT_CREDENTIALS
        and not {"contexts", "assets"} & set(p.parts)
    }
    assert found == set(OUTCOMES)


@pytest.mark.parametrize("relative", sorted(OUTCOMES))
def test_manifest_outcome(obdata, ob20_documents, manifest_day, relative):
    """Valid/invalid and the named checks as the manifest states; never trusted without a district list."""
    valid, expected_checks, _words = OUTCOMES[relative]
    (result,) = _verify(obdata, relative, ob20_documents, manifest_day)
    assert result.valid is valid, [c for c in result.checks]
    assert result.trusted is False
    for name, passed in expected_checks.items():
        assert result.check(name).passed is passed, result.check(name)
    assert {c.name for c in result.checks} == {"signature", "issuer_key", "dates", "recipient", "shape", "revocation"}


@pytest.mark.parametrize("relative", [f"{V}/clr20/simple.json", f"{V}/clr20/simple.jwt", "ob3/clrv2p0/credential-signed.json"])
def test_clr_nested_credentials_are_each_verified(obdata, manifest_day, relative):
    """A CLR reports each nested credential with its own checks."""
    (result,) = _verify(obdata, relative, {}, manifest_day)
    assert len(result.nested) == 1
    assert result.nested[0].check("signature").passed is True
    assert result.nested[0].valid


def test_fragment_key_is_self_asserted(obdata, manifest_day):
    """Trap 3: a key in the URL fragment proves consistency, not identity."""
    (result,) = _verify(obdata, f"{V}/ob30/simple.json", {}, manifest_day)
    assert result.valid and not result.trusted
    assert "not proof of identity" in result.check("issuer_key").message


def test_district_list_makes_the_issuer_trusted(obdata, manifest_day):
    """The same credential is trusted once the district lists the issuer with that key."""
    listed = TrustedIssuer(id="https://example.com/issuers/876543", name="Example Corp",
                           keys=["z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"])
    (result,) = _verify(obdata, f"{V}/ob30/simple.json", {}, manifest_day, trusted_issuers=[listed])
    assert result.valid and result.trusted


def test_issuer_listed_with_another_key_fails_issuer_key(obdata, manifest_day):
    """A credential claiming a trusted issuer but signed with an unlisted key is refused on issuer_key."""
    listed = TrustedIssuer(id="https://example.com/issuers/876543", name="Example Corp",
                           keys=["z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x"])
    (result,) = _verify(obdata, f"{V}/ob30/simple.json", {}, manifest_day, trusted_issuers=[listed])
    assert result.check("signature").passed is True
    assert result.check("issuer_key").passed is False
    assert not result.valid and not result.trusted


def test_jwt_issuer_on_list_with_pem_key(obdata, manifest_day, ob20_documents):
    """An OB 2.0 issuer listed with its PEM key is trusted."""
    pem = ob20_documents["http://example.org/key1.json"]["publicKeyPem"]
    listed = TrustedIssuer(id="https://example.org/organization.json", name="Example issuer", keys=[pem])
    (result,) = _verify(obdata, f"{V}/ob20/simple.jwt", ob20_documents, manifest_day, trusted_issuers=[listed])
    assert result.valid and result.trusted


def test_ob2_without_documents_needs_them(obdata, manifest_day):
    """Without the linked documents an OB 2.0 signed assertion cannot be checked offline."""
    (result,) = _verify(obdata, f"{V}/ob20/simple.jwt", {}, manifest_day)
    assert result.check("issuer_key").passed is False
    assert "not supplied" in result.check("issuer_key").message
    assert not result.valid


def test_ob2_hashed_recipient_mismatch(obdata, ob20_documents, manifest_day):
    """The hashed email is compared with salt; a wrong email fails the recipient check only."""
    (result,) = _verify(obdata, f"{V}/ob20/simple.jwt", ob20_documents, manifest_day, recipient="someone@example.org")
    assert result.check("recipient").passed is False
    assert result.check("signature").passed is True
    assert not result.valid


def test_ob3_status_is_not_checked_offline(obdata, manifest_day):
    """Trap 6: OB 3.0 status lists live online."""
    (result,) = _verify(obdata, f"{V}/ob30/complete.json", {}, manifest_day)
    assert result.check("revocation").passed is None
    assert "not checked" in result.check("revocation").message
