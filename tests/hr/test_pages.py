"""The request pages: filing with a preview, who may see and decide what, and the audit log out of reach of every route."""
import io
import re
from datetime import date

import pytest
from sqlmodel import select

from models.hr import ChangeRequest, EvidenceFile, RequestAudit
from tests.conftest import PASSWORD
from tests.hr.conftest import PDF


@pytest.fixture
def sign_in(app):
    """Give a function that returns a test client signed in as a user (CSRF checked elsewhere)."""
    app.config["WTF_CSRF_ENABLED"] = False

    def sign(user):
        client = app.test_client()
        response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return sign


@pytest.fixture
def teacher_client(make_user, make_teacher, sign_in, app):
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley")
    return user, teacher, sign_in(user)


def file_request(client, hours="15", evidence=True, do="save"):
    data = {"kind": "lane_change", "target_lane": "", "role": "", "window": "", "credit_kind": "graduate_credit",
            "credit_amount": hours, "credit_title": "Reading courses", "credit_earned_on": "2026-06-01", "note": "",
            "do": do}
    if evidence:
        data["evidence"] = (io.BytesIO(PDF), "transcript.pdf")
    return client.post("/requests/new", data=data, content_type="multipart/form-data")


def test_preview_shows_what_the_request_would_give_before_filing(teacher_client, session):
    _, _, client = teacher_client
    page = file_request(client, do="preview").get_data(as_text=True)
    assert "Meets every rule." in page and "2026-07-01" in page and "BA+15" in page and "$51,300.00" in page
    assert session.exec(select(ChangeRequest)).all() == []
    short = file_request(client, hours="9", do="preview").get_data(as_text=True)
    assert "Does not meet the rules yet." in short and "BA+15 needs 15 credit hours" in short


def test_teacher_files_and_submits_and_sees_the_status(teacher_client, session):
    _, _, client = teacher_client
    response = file_request(client)
    assert response.status_code == 302
    request_id = int(re.search(r"/requests/(\d+)", response.headers["Location"]).group(1))
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Draft" in page and "transcript.pdf" in page
    row = session.get(ChangeRequest, request_id)
    response = client.post(f"/requests/{request_id}/submit", data={"version": row.version}, follow_redirects=True)
    assert "Submitted to HR." in response.get_data(as_text=True)
    assert "Submitted" in client.get("/requests/").get_data(as_text=True)


def test_refused_upload_says_why(teacher_client, session):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    page = client.post(f"/requests/{request_id}/evidence", content_type="multipart/form-data",
                       data={"evidence": (io.BytesIO(b"MZ\x90"), "tool.exe")}, follow_redirects=True)
    assert "The file was not accepted: accepted files: PDF, PNG, JPEG, SVG, JSON or JWT" in page.get_data(as_text=True)
    big = client.post(f"/requests/{request_id}/evidence", content_type="multipart/form-data",
                      data={"evidence": (io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024)), "big.pdf")},
                      follow_redirects=True)
    assert "the limit is 10 MB" in big.get_data(as_text=True)
    assert len(session.exec(select(EvidenceFile)).all()) == 1


def test_badge_upload_shows_each_check_at_once(teacher_client):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    badge = b'{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:1"}'
    page = client.post(f"/requests/{request_id}/evidence", content_type="multipart/form-data",
                       data={"evidence": (io.BytesIO(badge), "badge.json")}, follow_redirects=True).get_data(as_text=True)
    assert "Assertion" in page and "not verified" in page and "failed" in page


def test_a_teacher_cannot_see_another_teachers_request_or_evidence(teacher_client, make_user, make_teacher, sign_in, session):
    _, _, owner = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(owner).headers["Location"]).group(1))
    evidence = session.exec(select(EvidenceFile)).one()
    other = make_user("teacher")
    make_teacher(user=other, district_id="cedar-valley")
    stranger = sign_in(other)
    assert stranger.get(f"/requests/{request_id}").status_code == 404
    assert stranger.get(f"/requests/evidence/{evidence.id}").status_code == 404
    assert stranger.post(f"/requests/{request_id}/withdraw", data={"version": 1}).status_code == 404
    assert "#%d" % request_id not in stranger.get("/requests/").get_data(as_text=True)
    assert stranger.get(f"/hr/evidence/{evidence.id}").status_code == 403
    with owner.get(f"/requests/evidence/{evidence.id}") as download:
        assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
        assert "sandbox" in download.headers["Content-Security-Policy"]


def test_a_teacher_cannot_approve(teacher_client, session):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    client.post(f"/requests/{request_id}/submit", data={"version": 1})
    row = session.get(ChangeRequest, request_id)
    session.refresh(row)
    assert client.post(f"/hr/requests/{request_id}/decide", data={"version": row.version, "action": "approve"}).status_code == 403
    assert client.post("/hr/bulk-approve", data={"request_id": request_id}).status_code == 403
    assert client.post(f"/requests/{request_id}/approve", data={"version": row.version}).status_code in (404, 405)
    session.refresh(row)
    assert row.status == "submitted"


def test_hr_decides_and_a_stale_form_is_told_it_changed(teacher_client, make_user, sign_in, session, app):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    client.post(f"/requests/{request_id}/submit", data={"version": 1})
    first, second = sign_in(make_user("hr")), sign_in(make_user("hr"))
    page = first.get(f"/hr/requests/{request_id}").get_data(as_text=True)
    assert "Meets every rule." in page and "What the district&#39;s rules say" in page
    version = int(re.search(r'name="version"[^>]*value="(\d+)"', page).group(1))
    app.config["LANEWISE_TODAY"] = date(2026, 10, 15)
    done = first.post(f"/hr/requests/{request_id}/decide", data={"version": version, "action": "approve"},
                      follow_redirects=True).get_data(as_text=True)
    assert "is now approved" in done and "696.99" in done
    late = second.post(f"/hr/requests/{request_id}/decide", data={"version": version, "action": "deny", "reason": "no"},
                       follow_redirects=True).get_data(as_text=True)
    assert "changed since you opened it" in late
    assert "Approved" in client.get(f"/requests/{request_id}").get_data(as_text=True)


def test_return_needs_a_reason_on_the_page(teacher_client, make_user, sign_in, session):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    client.post(f"/requests/{request_id}/submit", data={"version": 1})
    officer = sign_in(make_user("hr"))
    page = officer.post(f"/hr/requests/{request_id}/decide", data={"version": 2, "action": "return"},
                        follow_redirects=True).get_data(as_text=True)
    assert "a reason is required to return a request" in page
    officer.post(f"/hr/requests/{request_id}/decide", data={"version": 2, "action": "return", "reason": "Need the official transcript"})
    assert "Need the official transcript" in client.get("/requests/").get_data(as_text=True)


def test_the_decision_form_needs_its_csrf_token(teacher_client, make_user, sign_in, app):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    client.post(f"/requests/{request_id}/submit", data={"version": 1})
    officer = sign_in(make_user("hr"))
    app.config["WTF_CSRF_ENABLED"] = True
    assert officer.post(f"/hr/requests/{request_id}/decide", data={"version": 2, "action": "approve"}).status_code == 400


def test_no_route_alters_the_audit_log(app, teacher_client, make_user, sign_in, session):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    client.post(f"/requests/{request_id}/submit", data={"version": 1})
    before = [(e.id, e.action, e.from_status, e.to_status, e.actor_id, e.at, e.reason)
              for e in session.exec(select(RequestAudit).order_by(RequestAudit.id))]
    assert len(before) == 2
    officer = sign_in(make_user("hr"))
    admin = sign_in(make_user("admin"))
    for rule in app.url_map.iter_rules():
        assert "audit" not in rule.rule
        values = {name: request_id for name in rule.arguments}
        url = rule.rule
        for name, value in values.items():
            url = re.sub(rf"<[^>]*{name}>", str(value), url)
        for user_client in (client, officer, admin):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                user_client.open(url, method=method, data={"version": 2, "action": "deny", "reason": "x", "id": 1}).close()
    after = [(e.id, e.action, e.from_status, e.to_status, e.actor_id, e.at, e.reason)
             for e in session.exec(select(RequestAudit).order_by(RequestAudit.id))]
    assert after[:len(before)] == before  # rows may be appended by legal moves, never changed or removed
    assert not any(m in {"PUT", "PATCH", "DELETE"} for r in app.url_map.iter_rules()
                   if r.endpoint.split(".")[0] in ("hr", "requests") for m in r.methods)


def test_payroll_export_downloads(teacher_client, make_user, sign_in, app):
    _, teacher, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    client.post(f"/requests/{request_id}/submit", data={"version": 1})
    officer = sign_in(make_user("hr"))
    app.config["LANEWISE_TODAY"] = date(2026, 10, 15)
    officer.post(f"/hr/requests/{request_id}/decide", data={"version": 2, "action": "approve"})
    csv_text = officer.get("/hr/payroll.csv?start=2026-10-01&end=2026-10-31").get_data(as_text=True)
    assert f"{teacher.employee_id}," in csv_text and ",51300.00,696.99" in csv_text
    xlsx = officer.get("/hr/payroll.xlsx?start=2026-10-01&end=2026-10-31")
    assert xlsx.data[:2] == b"PK"
    assert client.get("/hr/payroll.csv").status_code == 403
    history = officer.get(f"/hr/teachers/{teacher.id}").get_data(as_text=True)
    assert "BA+15" in history and "$696.99" in history


def test_teacher_adds_credit_to_a_returned_request(teacher_client, make_user, sign_in, session):
    _, _, client = teacher_client
    request_id = int(re.search(r"/requests/(\d+)", file_request(client, hours="9").headers["Location"]).group(1))
    assert "BA+15 needs 15 credit hours" in client.get(f"/requests/{request_id}").get_data(as_text=True)
    client.post(f"/requests/{request_id}/submit", data={"version": 1})
    officer = sign_in(make_user("hr"))
    officer.post(f"/hr/requests/{request_id}/decide", data={"version": 2, "action": "return", "reason": "Six hours short"})
    page = client.post(f"/requests/{request_id}/credits", data={
        "credit_kind": "graduate_credit", "credit_amount": "6", "credit_title": "Summer course",
        "credit_earned_on": "2026-08-01"}, follow_redirects=True).get_data(as_text=True)
    assert "Credit added." in page and "Meets every rule." in page
    row = session.get(ChangeRequest, request_id)
    session.refresh(row)
    assert client.post(f"/requests/{request_id}/submit", data={"version": row.version}).status_code == 302
    session.refresh(row)
    assert row.status == "submitted"
    closed = client.post(f"/requests/{request_id}/credits", data={"credit_kind": "graduate_credit", "credit_amount": "3"},
                         follow_redirects=True).get_data(as_text=True)
    assert "only to a draft or a request returned" in closed


def test_bulk_approve_from_the_queue(teacher_client, make_user, make_teacher, sign_in, session, app):
    _, _, client = teacher_client
    good = int(re.search(r"/requests/(\d+)", file_request(client).headers["Location"]).group(1))
    client.post(f"/requests/{good}/submit", data={"version": 1})
    other_user = make_user("teacher")
    make_teacher(user=other_user, district_id="cedar-valley")
    other = sign_in(other_user)
    short = int(re.search(r"/requests/(\d+)", file_request(other, hours="9").headers["Location"]).group(1))
    other.post(f"/requests/{short}/submit", data={"version": 1})
    officer = sign_in(make_user("hr"))
    queue = officer.get("/hr/?district=cedar-valley").get_data(as_text=True)
    assert "2 request(s) match." in queue
    app.config["LANEWISE_TODAY"] = date(2026, 10, 15)
    page = officer.post("/hr/bulk-approve", data={"request_id": [good, short], f"version-{good}": 2,
                                                  f"version-{short}": 2}, follow_redirects=True).get_data(as_text=True)
    assert f"Approved 1 request(s): #{good}" in page and f"#{short} not approved" in page
    assert "1 request(s) match." in page  # only the short one still waits


def test_a_role_request_without_a_role_is_refused_at_the_role_field_and_saves_nothing(make_user, make_teacher, sign_in,
                                                                                     app, session):
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    user = make_user("teacher")
    make_teacher(user=user, district_id="harmony")  # Harmony defines roles (Mentor Teacher...)
    client = sign_in(user)
    response = client.post("/requests/new", data={"kind": "role", "role": "", "window": "", "credit_kind": "",
                                                  "do": "save"}, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(r'<select[^>]*id="role"[^>]*aria-invalid="true"', page) or \
        re.search(r'<select[^>]*aria-invalid="true"[^>]*id="role"', page)
    assert '<ul class="errors" id="role-errors"><li>Choose the role you ask for.</li></ul>' in page
    assert session.exec(select(ChangeRequest)).all() == []


def test_the_kind_fragment_shows_only_the_fields_a_kind_needs(teacher_client):
    _, _, client = teacher_client
    lane = client.get("/requests/new/fields?kind=lane_change").get_data(as_text=True)
    growth = client.get("/requests/new/fields?kind=growth_step").get_data(as_text=True)
    role = client.get("/requests/new/fields?kind=role").get_data(as_text=True)
    assert 'id="target_lane"' in lane and 'id="role"' not in lane
    assert 'id="target_lane"' not in growth and 'id="role"' not in growth
    assert 'id="role"' in role and 'id="target_lane"' not in role
    # The chosen window is spelled out and kept (Cedar Valley's January window pays half the year).
    chosen = client.get("/requests/new/fields?kind=lane_change&window=second-semester").get_data(as_text=True)
    assert '<option selected value="second-semester">' in chosen
    assert "a change takes effect January 1, 2027 (2026-27, this school year), paying the new rate for 0.5 of the year" in chosen
