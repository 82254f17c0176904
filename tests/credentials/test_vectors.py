"""1EdTech's eddsa-rdfc-2022 test vectors: canonical N-Quads, every intermediate hash, the signature."""

import hashlib
import json

import base58
import pytest
from nacl.signing import SigningKey
from pyld.jsonld import JsonLdError

from credentials.dataintegrity import hash_data, proof_configuration, unsecured_document
from credentials.jsonld import UnknownContext, canonize, frozen_loader

VECTORS = ["ob3/obv3p0", "ob3/clrv2p0"]


def _load(folder, name):
    """One JSON file of a vector."""
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("vector", VECTORS)
def test_canonical_nquads(obdata, vector):
    """Document and proof options canonicalize to the published N-Quads."""
    folder = obdata / vector
    unsigned = _load(folder, "credential-unsigned.json")
    assert canonize(unsecured_document(unsigned)) == (folder / "document-canon.txt").read_text(encoding="utf-8")
    proof = proof_configuration(unsigned, _load(folder, "proof-options.json"))
    assert canonize(proof) == (folder / "proof-canon.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("vector", VECTORS)
def test_intermediate_hashes_and_signature(obdata, vector):
    """proofHash, documentHash, the data to sign, and the signature made with the published test key."""
    folder = obdata / vector
    expected = _load(folder, "expected-intermediates.json")
    unsigned = _load(folder, "credential-unsigned.json")
    options = _load(folder, "proof-options.json")
    data = hash_data(unsigned, options)
    assert data[:32].hex() == expected["proofHashHex"]
    assert data[32:].hex() == expected["documentHashHex"]
    assert data.hex() == expected["dataToSignHex"]
    assert hashlib.sha256(canonize(unsecured_document(unsigned)).encode()).hexdigest() == expected["documentHashHex"]
    keypair = _load(folder, "keypair.json")
    seed = bytes.fromhex(keypair["privateKeyHex_ed25519_seed_plus_pub"])[:32]
    signature = SigningKey(seed).sign(data).signature
    assert signature.hex() == expected["signatureHex"]
    assert "z" + base58.b58encode(signature).decode() == expected["proofValue_multibase"]
    proofs = _load(folder, "credential-signed.json")["proof"]
    proofs = proofs if isinstance(proofs, list) else [proofs]
    assert proofs[-1]["proofValue"] == expected["proofValue_multibase"]


def test_loader_refuses_other_urls():
    """The frozen loader serves shipped contexts only: no network, ever."""
    assert frozen_loader("https://www.w3.org/ns/credentials/v2")["document"]["@context"]
    with pytest.raises(UnknownContext):
        frozen_loader("https://example.org/some-context.jsonld")
    with pytest.raises(JsonLdError):
        canonize({"@context": "https://example.org/some-context.jsonld", "name": "x"})


def test_pinned_ob_303_context_is_the_spec_repositorys():
    """Trap 1: 3.0.3 is pinned to the 1EdTech spec repository's file (no jti/endorsementJwt terms)."""
    context = frozen_loader("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")["document"]["@context"]
    assert "endorsementJwt" not in context and "jti" not in context
