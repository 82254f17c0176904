"""Issuer public keys: did:key and multibase Multikeys, JWKs, PEM, and the district's trusted issuers."""

from dataclasses import dataclass

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc.errors import JoseError
from joserfc.jwk import import_key

from credentials.catalog import TrustedIssuer

ED25519_MULTICODEC = b"\xed\x01"

# Key type -> the JOSE algorithms a signature with that key may use; a header's alg outside it is refused.
ALGORITHMS_BY_KEY = {
    rsa.RSAPublicKey: ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    ed25519.Ed25519PublicKey: ("Ed25519", "EdDSA"),
}
EC_ALGORITHMS = {"secp256r1": ("ES256",), "secp384r1": ("ES384",), "secp521r1": ("ES512",)}

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


class UnresolvableKey(ValueError):
    """A key that cannot be decoded or resolved offline."""


@dataclass(frozen=True)
class IssuerKey:
    """A public key and where it came from."""

    public_key: PublicKey
    source: str
    bound_to_issuer: bool = False

    @property
    def fingerprint(self) -> bytes:
        """DER SubjectPublicKeyInfo, to compare keys whatever their encoding."""
        return self.public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def is_ed25519(self) -> bool:
        """Whether this is an Ed25519 key."""
        return isinstance(self.public_key, ed25519.Ed25519PublicKey)

    @property
    def raw_ed25519(self) -> bytes:
        """The 32 raw bytes of an Ed25519 key."""
        return self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def jose_algorithms(self) -> tuple[str, ...]:
        """JOSE algorithms pinned to this key's type."""
        if isinstance(self.public_key, ec.EllipticCurvePublicKey):
            return EC_ALGORITHMS.get(self.public_key.curve.name, ())
        return next((algs for kind, algs in ALGORITHMS_BY_KEY.items() if isinstance(self.public_key, kind)), ())

    def jose_key(self):
        """The key as a joserfc key object."""
        pem = self.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        kty = {rsa.RSAPublicKey: "RSA", ed25519.Ed25519PublicKey: "OKP", ec.EllipticCurvePublicKey: "EC"}
        return import_key(pem, next(v for k, v in kty.items() if isinstance(self.public_key, k)))


def from_multibase(value: str) -> ed25519.Ed25519PublicKey:
    """An Ed25519 key from a base58btc Multikey ('z6Mk...')."""
    if not value.startswith("z"):
        raise UnresolvableKey(f"{value!r} is not a base58btc multibase key")
    try:
        raw = base58.b58decode(value[1:])
    except ValueError as exc:
        raise UnresolvableKey(f"{value!r} is not base58btc") from exc
    if raw[:2] != ED25519_MULTICODEC or len(raw) != 34:
        raise UnresolvableKey(f"{value!r} is not an ed25519-pub multikey")
    return ed25519.Ed25519PublicKey.from_public_bytes(raw[2:])


def from_jwk(jwk: dict) -> PublicKey:
    """A public key from a JWK, refusing private material."""
    if "d" in jwk:
        raise UnresolvableKey("a JWK with private key material")
    try:
        return import_key(jwk).public_key
    except (ValueError, TypeError, JoseError) as exc:
        raise UnresolvableKey(f"unreadable JWK: {exc}") from exc


def from_pem(pem: str) -> PublicKey:
    """A public key from PEM SubjectPublicKeyInfo."""
    try:
        return serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise UnresolvableKey(f"unreadable PEM key: {exc}") from exc


def from_trusted_entry(entry: str | dict) -> PublicKey:
    """A key from a trusted-issuer list entry: JWK, multibase or PEM."""
    if isinstance(entry, dict):
        return from_jwk(entry)
    if entry.startswith("-----BEGIN"):
        return from_pem(entry)
    return from_multibase(entry)


def did_key(did: str) -> ed25519.Ed25519PublicKey:
    """The Ed25519 key a did:key identifier encodes (fragment ignored)."""
    return from_multibase(did.removeprefix("did:key:").split("#", 1)[0])


def trusted_issuer(issuer_id: str | None, trusted: list[TrustedIssuer]) -> TrustedIssuer | None:
    """The district's entry for an issuer id, if any."""
    return next((t for t in trusted if issuer_id is not None and t.id == issuer_id), None)


def trusted_keys(entry: TrustedIssuer) -> list[IssuerKey]:
    """Every key the district lists for a trusted issuer (a did:key id is its own key)."""
    keys = [IssuerKey(from_trusted_entry(k), "district trusted-issuer list", True) for k in entry.keys]
    if entry.id.startswith("did:key:"):
        keys.append(IssuerKey(did_key(entry.id), "district trusted-issuer list (did:key)", True))
    return keys


def resolve_verification_method(method: str, issuer_id: str | None) -> IssuerKey:
    """The key a verification method names by itself: a did:key or a Multikey URL fragment."""
    if method.startswith("did:key:"):
        bound = issuer_id is not None and issuer_id == method.split("#", 1)[0]
        return IssuerKey(did_key(method), "did:key" if bound else "did:key that is not the issuer id", bound)
    controller, _, fragment = method.partition("#")
    if not fragment:
        raise UnresolvableKey(f"verification method {method} cannot be resolved offline")
    key = from_multibase(fragment)
    if controller != issuer_id:
        raise UnresolvableKey(f"verification method controller {controller} is not the issuer {issuer_id}")
    return IssuerKey(key, "verification method URL fragment")
