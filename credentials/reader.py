"""Reading credentials from JSON, compact JWT/JWS, and baked PNG or SVG badges."""

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from xml.etree import ElementTree

from credentials.limits import MAX_BAKED_BYTES, MAX_CREDENTIALS_PER_FILE, MAX_JSON_DEPTH
from safe.parsing import Refused, inflate, json_loads

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
SVG_ELEMENTS = {
    "{https://purl.imsglobal.org/ob/v3p0}credential",
    "{http://openbadges.org}assertion",
}


class UnreadableCredential(ValueError):
    """Bytes that hold no credential this reader understands."""


@dataclass(frozen=True)
class Credential:
    """One credential as found: the JSON document, plus the compact token when it came signed as a JWT/JWS."""

    document: dict
    source: str | None = None
    token: str | None = None
    header: dict | None = None
    claims: dict | None = None

    @property
    def types(self) -> list[str]:
        """The credential's type values."""
        value = self.document.get("type")
        if isinstance(value, str):
            return [value]
        return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []

    @property
    def family(self) -> str:
        """'clr', 'ob3' or 'ob2'."""
        if "ClrCredential" in self.types:
            return "clr"
        return "ob3" if "VerifiableCredential" in self.types else "ob2"

    @property
    def type_name(self) -> str:
        """The most specific type, e.g. OpenBadgeCredential or Assertion."""
        specific = [t for t in self.types if t != "VerifiableCredential"]
        return specific[0] if specific else (self.types[0] if self.types else "unknown")


def b64url_json(segment: str) -> dict:
    """Decode one base64url JSON segment of a compact token."""
    try:
        value = json_loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)), max_depth=MAX_JSON_DEPTH)
    except (binascii.Error, ValueError) as exc:  # Refused (too deep) is a ValueError too
        raise UnreadableCredential(f"not a JWT: {exc}") from exc
    if not isinstance(value, dict):
        raise UnreadableCredential("JWT segment is not a JSON object")
    return value


def from_token(token: str, source: str | None = None) -> Credential:
    """A credential from a compact VC-JWT (VC 2.0 flat or VC 1.1 `vc` claim) or an OB 2.0 signed JWS."""
    header, claims = (b64url_json(segment) for segment in token.split(".")[:2])
    document = claims["vc"] if isinstance(claims.get("vc"), dict) else claims
    return Credential(document, source, token, header, claims)


def _from_text(text: str, source: str | None) -> Credential:
    """A credential from JSON text or a compact token."""
    text = text.strip()
    if COMPACT_JWS.match(text):
        return from_token(text, source)
    try:
        document = json_loads(text, max_depth=MAX_JSON_DEPTH)
    except Refused as exc:
        raise UnreadableCredential(f"{source or 'input'}: {exc}") from exc
    except ValueError as exc:
        raise UnreadableCredential(f"{source or 'input'}: neither JSON nor a compact JWT") from exc
    if not isinstance(document, dict):
        raise UnreadableCredential(f"{source or 'input'}: JSON is not an object")
    return Credential(document, source)


def _png_text(data: bytes) -> str:
    """The `openbadges` iTXt (or tEXt) chunk of a baked PNG."""
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        keyword, _, rest = body.partition(b"\x00")
        if keyword != b"openbadges":
            continue
        if kind == b"tEXt":
            return rest.decode("latin-1")
        if kind == b"iTXt":
            compressed, _method, rest = rest[0], rest[1], rest[2:]
            _language, _, rest = rest.partition(b"\x00")
            _translated, _, text = rest.partition(b"\x00")
            try:
                return (inflate(text, MAX_BAKED_BYTES) if compressed else text).decode("utf-8")
            except Refused as exc:  # a decompression bomb is refused before it is inflated
                raise UnreadableCredential(f"PNG openbadges chunk: {exc}") from exc
            except UnicodeDecodeError as exc:
                raise UnreadableCredential(f"PNG openbadges chunk is not UTF-8: {exc}") from exc
    raise UnreadableCredential("PNG has no openbadges chunk")


def _svg_texts(data: bytes) -> list[str]:
    """The credentials baked into an SVG: the `verify` attribute (JWT) or the element text (JSON)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise UnreadableCredential(f"unreadable SVG: {exc}") from exc
    found = [el.get("verify") or (el.text or "") for el in root.iter() if el.tag in SVG_ELEMENTS]
    if not found:
        raise UnreadableCredential("SVG has no openbadges:credential or openbadges:assertion element")
    if len(found) > MAX_CREDENTIALS_PER_FILE:
        raise UnreadableCredential(f"SVG bakes {len(found)} credentials; the limit is {MAX_CREDENTIALS_PER_FILE}")
    return found


def read_credentials(data: bytes, filename: str | None = None) -> list[Credential]:
    """Every credential held in a file's bytes: JSON, JWT, baked PNG or baked SVG."""
    if data.startswith(PNG_SIGNATURE):
        return [_from_text(_png_text(data), filename)]
    head = data[:2048].lstrip().lower()
    if head.startswith(b"<") and b"<svg" in data[:4096].lower():
        return [_from_text(text, filename) for text in _svg_texts(data)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableCredential(f"{filename or 'input'}: not text, PNG or SVG") from exc
    return [_from_text(text, filename)]
