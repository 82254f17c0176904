"""Item 12: input that used to end in a 500 is a 4xx that says what is wrong, and nothing is saved."""

import base64
import json

import pytest
from sqlmodel import select

from credentials import read_credentials, verify_credential
from models import EarnedCredential, EarnedCredentialCreate, CredentialKind, CredentialStatus
from models.hr import ChangeRequest, EvidenceFile
from services import teachers
from tests.conftest import PASSWORD, csrf_token
from tests.security.conftest import upload_evidence

HUGE = 2**64 + 1


@pytest.fixture
def clients(app, make_user, make_teacher):
    """A signed-in test client per role (CSRF off: these requests are about their numbers, not their forms)."""
    app.config["WTF_CSRF_ENABLED"] = False
    by_role = {}
    for role in ("teacher", "hr", "finance", "admin"):
        user = make_user(role)
        if role == "teacher":
            make_teacher(user=user)
        client = app.test_client()
        assert client.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
        by_role[role] = client
    return by_role


def test_integers_above_two_to_the_64_in_any_url_are_not_found(app, clients):
    """Every route with a number in its path, opened by a role that may: 404, never an integer overflow."""
    from tests.web.test_access import expected_access

    checked = 0
    for rule in app.url_map.iter_rules():
        numbers = [name for name, converter in rule._converters.items() if type(converter).__name__ != "UnicodeConverter"
                   and not rule.endpoint.endswith("static")]
        if not numbers:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(HUGE)).replace(f"<{name}>", "sample")
        role = next(iter(sorted(expected_access(rule.endpoint) & set(clients))))
        method = "GET" if "GET" in rule.methods else "POST"
        response = clients[role].open(path, method=method)
        assert response.status_code == 404, (rule.rule, response.status_code)
        checked += 1
    assert checked >= 11


def test_payroll_dates_out_of_range_are_a_400(client, login_as):
    login_as("hr")
    for page in ("/hr/payroll", "/hr/payroll.csv", "/hr/payroll.xlsx"):
        for query in ("end=9999-12-31", "end=0001-01-01", "start=0001-01-01&end=2026-01-01"):
            response = client.get(f"{page}?{query}")
            assert response.status_code == 400, (page, query)
            assert "Dates are from 1900 to 2199" in response.get_data(as_text=True)


def test_queue_filters_out_of_range_are_a_400(client, login_as):
    login_as("hr")
    assert client.get("/hr/?older_than_days=99999999999").status_code == 400
    for cursor in ("x", "2026-01-01|x", "2026-01-01T00:00:00|1", "0001-01-01T00:00:00|1",
                   f"2026-01-01T00:00:00+00:00|{HUGE}", "9999-12-31T23:59:59|1", "\x00|1"):
        response = client.get("/hr/", query_string={"cursor": cursor})
        assert response.status_code == 400, cursor
        assert "That page link is not valid" in response.get_data(as_text=True)


def filing(client, **fields):
    return client.post("/requests/new", data={"kind": "lane_change", "credit_kind": "", "do": "save", **fields})


def test_a_request_citing_another_teachers_or_a_missing_credential_is_a_400(teacher_request, client, make_teacher,
                                                                            session):
    other = teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
        teacher_id=make_teacher().id, kind=CredentialKind.graduate_credit, amount=3))
    for cited in (other.id, 999_999, HUGE):
        response = filing(client, csrf_token=csrf_token(client, "/requests/new"), credentials=str(cited))
        assert response.status_code == 400
        assert "Choose among your own credentials" in response.get_data(as_text=True)
    assert len(session.exec(select(ChangeRequest)).all()) == 1  # the fixture's draft, and no other


def test_credit_earned_in_year_one_is_a_400(teacher_request, client, session):
    response = filing(client, csrf_token=csrf_token(client, "/requests/new"), credit_kind="graduate_credit",
                      credit_amount="3", credit_earned_on="0001-01-01")
    assert response.status_code == 400
    assert "Give a date from 1950 to 2100" in response.get_data(as_text=True)
    assert len(session.exec(select(ChangeRequest)).all()) == 1


def test_credit_earned_in_year_one_is_refused_on_a_draft(teacher_request, client, session):
    _, teacher, change_request = teacher_request
    held = len(session.exec(select(EarnedCredential).where(EarnedCredential.teacher_id == teacher.id)).all())
    response = client.post(f"/requests/{change_request.id}/credits", data={
        "csrf_token": csrf_token(client, f"/requests/{change_request.id}"), "credit_kind": "graduate_credit",
        "credit_amount": "3", "credit_earned_on": "0001-01-01"})
    assert response.status_code == 302  # back to the request, which says why
    assert len(session.exec(select(EarnedCredential).where(EarnedCredential.teacher_id == teacher.id)).all()) == held


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_deeply_nested_json_on_the_api_is_a_400(client):
    response = client.post("/api/v1/estimate", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "nested deeper than 16 levels" in response.get_json()["detail"]


def test_deeply_nested_json_evidence_is_refused(teacher_request, client, session):
    _, _, change_request = teacher_request
    response = upload_evidence(client, change_request.id, "badge.json", DEEP)
    assert response.status_code == 302
    assert "content is not JSON" in client.get(f"/requests/{change_request.id}").get_data(as_text=True)
    assert session.exec(select(EvidenceFile)).all() == []


def _segment(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_a_vc_jwt_dated_nbf_1e300_has_an_unreadable_date(key):
    from tests.credentials.test_issue import credential, sign_jwt, vc2_jwt_payload

    token = sign_jwt({**vc2_jwt_payload(credential()), "nbf": 1e300}, key)
    [found] = read_credentials(token.encode())
    dates = verify_credential(found).check("dates")
    assert dates.passed is False and "out of range" in dates.message


def test_school_year_9999_00_is_a_4xx_on_the_estimator_and_the_api(client):
    page = client.get("/estimate?district=dysart&school_year=9999-00&step=5&lane=BA")
    assert page.status_code == 400
    assert "unknown school year &#39;9999-00&#39;" in page.get_data(as_text=True)
    api = client.post("/api/v1/estimate", json={"district": "dysart", "school_year": "9999-00", "step": 5, "lane": "BA"})
    assert api.status_code == 422 and api.get_json()["field"] == "school_year"
    schedule = client.get("/api/v1/districts/dysart/schedules/9999-00")
    assert schedule.status_code == 404
