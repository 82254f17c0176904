"""Item 7: evidence up to 10 MB is accepted (CSRF used to read the form under the app's 2 MB cap first), and
item 14: a failed upload leaves no file in the evidence folder."""

import pytest

from models.hr import EvidenceFile
from services import hr
from services.hr import evidence
from tests.security.conftest import upload_evidence

PDF_HEAD = b"%PDF-1.4\n"


def stored_files(evidence_root):
    folder = evidence_root / "evidence"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def evidence_rows(session, request_id):
    return session.exec(EvidenceFile.__table__.select().where(EvidenceFile.request_id == request_id)).all()


def test_evidence_of_three_megabytes_is_accepted(teacher_request, client, session, evidence_root):
    _, _, change_request = teacher_request
    response = upload_evidence(client, change_request.id, "transcript.pdf", PDF_HEAD + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 302
    [row] = evidence_rows(session, change_request.id)
    assert row.size > 3 * 1024 * 1024
    assert len(stored_files(evidence_root)) == 1


def test_evidence_over_ten_megabytes_is_refused(teacher_request, client, session, evidence_root):
    _, _, change_request = teacher_request
    response = upload_evidence(client, change_request.id, "transcript.pdf", PDF_HEAD + b"0" * hr.MAX_EVIDENCE_BYTES)
    assert response.status_code == 302
    assert "the limit is 10 MB" in client.get(f"/requests/{change_request.id}").get_data(as_text=True)
    response = upload_evidence(client, change_request.id, "transcript.pdf", PDF_HEAD + b"0" * (11 * 1024 * 1024))
    assert response.status_code == 413
    assert evidence_rows(session, change_request.id) == []
    assert stored_files(evidence_root) == []


def test_the_app_cap_still_holds_elsewhere(client, login_as):
    login_as("teacher")
    response = client.post("/teacher/what-if", data={"note": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_a_refused_upload_leaves_no_file(teacher_request, client, session, evidence_root):
    _, _, change_request = teacher_request
    response = upload_evidence(client, change_request.id, "transcript.pdf", b"not a pdf")
    assert response.status_code == 302
    assert evidence_rows(session, change_request.id) == []
    assert stored_files(evidence_root) == []


def test_an_upload_failing_while_it_is_saved_leaves_no_file(teacher_request, session, evidence_root, districts,
                                                             monkeypatch):
    user, _, change_request = teacher_request

    def database_down(**_):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(evidence, "record_verified_badges", database_down)  # where add_evidence() calls it
    with pytest.raises(RuntimeError):
        hr.add_evidence(session=session, change_request=change_request, actor=user, filename="badge.json",
                        data=b'{"type": ["VerifiableCredential"]}', instance_path=evidence_root,
                        rules=districts["cedar-valley"])
    assert evidence_rows(session, change_request.id) == []
    assert stored_files(evidence_root) == []
