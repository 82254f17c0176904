"""Item 2: compressed input is inflated with a cap: a baked PNG's iTXt chunk, and an XLSX roster (a ZIP).

Unbounded, a 498 KiB PNG inflated to 500 MiB and 1.15 GB of worker memory. Here a 64 KiB
chunk that would inflate to 64 MiB is refused after 1 MiB; the roster's ZIP by its declared sizes.
"""

import io
import struct
import zipfile
import zlib

import pytest

from credentials import UnreadableCredential, read_credentials
from credentials.limits import MAX_BAKED_BYTES
from engine.budget import roster_file
from engine.budget.roster_file import read_table
from models.hr import EvidenceFile
from safe.parsing import Refused, check_zip, inflate
from tests.security.conftest import upload_evidence

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def baked_png(text: bytes, compressed: bool) -> bytes:
    """A PNG whose iTXt `openbadges` chunk holds `text`, deflated when asked."""
    body = b"openbadges\x00" + bytes([1 if compressed else 0, 0]) + b"\x00\x00" + (zlib.compress(text, 9) if compressed else text)
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    return PNG_SIGNATURE + header + png_chunk(b"iTXt", body) + png_chunk(b"IEND", b"")


BOMB = baked_png(b" " * (64 * 1024 * 1024), compressed=True)


def test_the_bomb_is_small():
    assert len(BOMB) < 100 * 1024


def test_a_png_bomb_is_refused_before_it_is_inflated():
    with pytest.raises(UnreadableCredential, match=f"inflates to more than {MAX_BAKED_BYTES:,} bytes"):
        read_credentials(BOMB, "bomb.png")


def test_a_compressed_badge_under_the_cap_is_read():
    [found] = read_credentials(baked_png(b'{"type": ["VerifiableCredential"], "name": "small"}', compressed=True))
    assert found.document["name"] == "small"


def test_inflate_gives_at_most_its_limit():
    assert inflate(zlib.compress(b"x" * 1000), 1000) == b"x" * 1000
    with pytest.raises(Refused, match="more than 999 bytes"):
        inflate(zlib.compress(b"x" * 1000), 999)


def test_an_uploaded_png_bomb_is_reported_unreadable(teacher_request, client, session):
    _, _, change_request = teacher_request
    response = upload_evidence(client, change_request.id, "badge.png", BOMB)
    assert response.status_code == 302
    [evidence] = session.exec(EvidenceFile.__table__.select().where(EvidenceFile.request_id == change_request.id)).all()
    assert '"readable": false' in evidence.verification
    assert "inflates to more than" in evidence.verification


def zip_bomb(inflated: int) -> bytes:
    """An XLSX-shaped ZIP whose one sheet inflates to `inflated` bytes of XML whitespace."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(inflated // len(block)):
                sheet.write(block)
    return out.getvalue()


ZIP_BOMB = zip_bomb(16 * 1024 * 1024)


def test_a_zip_is_refused_by_its_declared_size():
    assert len(ZIP_BOMB) < 100 * 1024
    with pytest.raises(Refused, match="inflates to 16.0 MB; the limit is 8 MB"):
        check_zip(ZIP_BOMB, max_total=8 * 1024 * 1024)


def test_an_xlsx_roster_bomb_is_refused_before_openpyxl_reads_it(monkeypatch):
    """The roster reader applies the cap (lowered here so the bomb stays small)."""
    monkeypatch.setattr(roster_file, "MAX_XLSX_UNPACKED", 8 * 1024 * 1024)
    with pytest.raises(roster_file.RosterFileError, match="unpacks to 16 MiB; at most 8 MiB"):
        read_table(ZIP_BOMB, "roster.xlsx")
