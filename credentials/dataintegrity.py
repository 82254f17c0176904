"""Data Integrity proofs: the eddsa-rdfc-2022 recipe (also legacy eddsa-2022 and Ed25519Signature2020)."""

import hashlib

import base58
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from credentials.jsonld import canonize

EDDSA_SUITES = {("DataIntegrityProof", "eddsa-rdfc-2022"), ("DataIntegrityProof", "eddsa-2022"),
                ("Ed25519Signature2020", None)}


def is_eddsa_proof(proof: dict) -> bool:
    """Whether a proof uses one of the Ed25519 RDFC suites this verifier knows."""
    suite = (proof.get("type"), proof.get("cryptosuite"))
    return all(isinstance(part, str | None) for part in suite) and suite in EDDSA_SUITES


def unsecured_document(document: dict) -> dict:
    """The document without its proof."""
    return {k: v for k, v in document.items() if k != "proof"}


def proof_configuration(document: dict, proof: dict) -> dict:
    """The proof options without proofValue, carrying the document's @context."""
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    return options


def hash_data(document: dict, proof: dict) -> bytes:
    """sha256(canonical proof options) followed by sha256(canonical document)."""
    proof_hash = hashlib.sha256(canonize(proof_configuration(document, proof)).encode()).digest()
    document_hash = hashlib.sha256(canonize(unsecured_document(document)).encode()).digest()
    return proof_hash + document_hash


def decode_proof_value(proof_value) -> bytes:
    """The raw signature of a base58btc multibase proofValue ('z...')."""
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise ValueError("proofValue is not base58btc multibase")
    return base58.b58decode(proof_value[1:])


def verify_eddsa_proof(document: dict, proof: dict, public_key: bytes) -> bool:
    """Whether the Ed25519 signature in the proof covers the document."""
    try:
        VerifyKey(public_key).verify(hash_data(document, proof), decode_proof_value(proof["proofValue"]))
    except BadSignatureError:
        return False
    return True
