"""HR fixtures: a teacher with a request, HR users, and a fixed calendar."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services import hr

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SEPT_15 = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)
OCT_15 = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def evidence_root(request, tmp_path):
    """Keep evidence files written by tests in the test's own folder."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["LANEWISE_EVIDENCE_ROOT"] = str(tmp_path / "instance")
    return tmp_path / "instance"


@pytest.fixture
def cedar(districts):
    return districts["cedar-valley"]


@pytest.fixture
def filing(session, make_user, make_teacher, app, cedar, evidence_root):
    """Give a function that files a Cedar Valley lane change for a new teacher: -> (teacher_user, teacher, request)."""

    def file(hours="15", submit=True, evidence=True, earned_on=date(2026, 6, 1), credential_ids=None, user=None,
             teacher=None):
        if user is None:
            user = make_user("teacher")
            teacher = make_teacher(user=user, district_id="cedar-valley")
        new = [] if credential_ids else [hr.NewCredit("graduate_credit", Decimal(hours), "Reading M.Ed. courses", earned_on)]
        request = hr.create_request(session=session, rules=cedar, teacher=teacher, actor=user, kind="lane_change",
                                    today=SEPT_15.date(), credential_ids=credential_ids or [], new_credits=new)
        if evidence:
            hr.add_evidence(session=session, change_request=request, actor=user, filename="transcript.pdf", data=PDF,
                            instance_path=evidence_root, rules=None)
        if submit:
            from services.hr import transition

            transition(session=session, rules=cedar, request_id=request.id, expected_version=request.version,
                       action="submit", actor=user, now=SEPT_15)
            session.refresh(request)
        return user, teacher, request

    return file
