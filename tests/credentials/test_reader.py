"""Reading credentials from JSON, JWT and baked PNG/SVG badges; OB 2.0 hosted assertions need the network."""

import json
import struct
import zlib
from datetime import UTC, datetime

import pytest

from credentials import UnreadableCredential, read_credentials, verify_credential
from credentials.reader import PNG_SIGNATURE

HOSTED = {
    "@context": "https://w3id.org/openbadges/v2",
    "type": "Assertion",
    "id": "https://badges.example.org/assertions/1",
    "recipient": {"type": "email", "hashed": False, "identity": "teacher@example.org"},
    "badge": "https://badges.example.org/badges/reading",
    "verification": {"type": "hosted"},
    "issuedOn": "2025-06-01T00:00:00Z",
}


def _chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def baked_png(text: str, compressed: bool = False) -> bytes:
    """A 1x1 PNG carrying an `openbadges` iTXt chunk."""
    payload = zlib.compress(text.encode()) if compressed else text.encode()
    itxt = b"openbadges\x00" + bytes([int(compressed), 0]) + b"\x00\x00" + payload
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"iTXt", itxt)
            + _chunk(b"IDAT", zlib.compress(b"\x00\x00")) + _chunk(b"IEND", b""))


@pytest.mark.parametrize("compressed", [False, True])
def test_png_itxt(obdata, compressed):
    """A baked PNG yields the credential in its openbadges chunk, compressed or not."""
    text = (obdata / "real/1edtech-validator/ob30/simple.json").read_text(encoding="utf-8")
    (found,) = read_credentials(baked_png(text, compressed), "badge.png")
    assert found.type_name == "OpenBadgeCredential" and found.source == "badge.png"


def test_png_with_jwt(obdata):
    """A PNG can carry a VC-JWT."""
    token = (obdata / "real/1edtech-validator/ob30/simple-jwt.svg.extracted.jwt").read_text(encoding="utf-8")
    (found,) = read_credentials(baked_png(token))
    assert found.token == token.strip()


def test_svg_jwt_matches_extracted(obdata):
    """The SVG's verify attribute is the same JWT the manifest extracted."""
    folder = obdata / "real/1edtech-validator/ob30"
    (found,) = read_credentials((folder / "simple-jwt.svg").read_bytes())
    assert found.token == (folder / "simple-jwt.svg.extracted.jwt").read_text(encoding="utf-8").strip()


def test_svg_ob2_assertion_json():
    """An OB 2.0 SVG carries the assertion JSON as element text."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
           f"<openbadges:assertion><![CDATA[{json.dumps(HOSTED)}]]></openbadges:assertion></svg>").encode()
    (found,) = read_credentials(svg)
    assert found.family == "ob2" and found.document["id"] == HOSTED["id"]


def test_hosted_assertion_needs_the_network():
    """A hosted OB 2.0 assertion is never valid offline."""
    (found,) = read_credentials(json.dumps(HOSTED).encode())
    result = verify_credential(found, now=datetime(2026, 1, 1, tzinfo=UTC), recipient="teacher@example.org")
    assert result.check("signature").passed is None
    assert "needs the network" in result.check("signature").message
    assert result.check("recipient").passed is True
    assert not result.valid


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"<svg></svg>", b"hello", b"[1, 2]", b"\xff\xfe\x00"])
def test_unreadable(data):
    """Bytes without a credential raise UnreadableCredential."""
    with pytest.raises(UnreadableCredential):
        read_credentials(data)
