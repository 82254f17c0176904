"""Where the shared Open Badges test data lives, and the instant its validity windows were checked."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credentials import load_documents


def obdata_dir() -> Path:
    """LANEWISE_OBDATA, else tests/data/obdata (a copy of the shared Open Badges test data)."""
    default = Path(__file__).resolve().parents[1] / "data" / "obdata"
    return Path(os.environ.get("LANEWISE_OBDATA", default))


@pytest.fixture(scope="session")
def obdata() -> Path:
    """The obdata folder, or skip."""
    folder = obdata_dir()
    if not (folder / "MANIFEST.md").is_file():
        pytest.skip(f"Open Badges test data not found at {folder} (set LANEWISE_OBDATA)")
    return folder


@pytest.fixture(scope="session")
def ob20_documents(obdata: Path) -> dict[str, dict]:
    """The OB 2.0 key, issuer, badge and revocation-list documents the signed assertions point to."""
    return load_documents(obdata / "real" / "1edtech-validator" / "ob20" / "assets")


@pytest.fixture(scope="session")
def manifest_day() -> datetime:
    """The day the manifest's validity windows were checked."""
    return datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: verification is offline."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("credentials tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
