"""Fixtures for the hostile-input tests: a signed-in teacher with a draft request, and evidence kept per test."""

import re
from datetime import date

import pytest
from nacl.signing import SigningKey

from services import hr
from tests.hr.conftest import evidence_root  # noqa: F401  (autouse: evidence files stay in each test's folder)


@pytest.fixture
def key() -> SigningKey:
    """An issuer's fresh Ed25519 key."""
    return SigningKey.generate()


@pytest.fixture
def teacher_request(app, client, session, login_as, make_user, make_teacher, districts):
    """Sign `client` in as a Cedar Valley teacher with a draft lane-change request; give (user, teacher, request)."""
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley")
    user._teacher = teacher
    login_as("teacher", user=user)
    change_request = hr.create_request(session=session, rules=districts["cedar-valley"], teacher=teacher, actor=user,
                                       kind="lane_change", today=date(2026, 9, 15))
    return user, teacher, change_request


def page_csrf(client, path: str) -> str:
    """The CSRF token of the form on a page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def upload_evidence(client, request_id: int, filename: str, data: bytes):
    """Post one evidence file to a teacher's request, as the request page does.

    The body is encoded in memory: the test client would spool a large one to a temporary file
    that nothing closes when the app refuses it unread (a ResourceWarning).
    """
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    token = page_csrf(client, f"/requests/{request_id}")
    boundary, body = encode_multipart({"csrf_token": token, "evidence": FileStorage(io.BytesIO(data), filename)})
    return client.post(f"/requests/{request_id}/evidence", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
