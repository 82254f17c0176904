"""Every route, for every role: who gets in, who gets 403, who is sent to sign in.

Routes are read from app.url_map, so routes added by any blueprint are checked too.
Expected access is a table by blueprint, with a few endpoints listed apart; a route
whose blueprint is not in the table fails the test until someone says who may open it.
"""

import pytest
from sqlmodel import select
from werkzeug.routing.converters import NumberConverter

from models import Role
from services import accounts
from tests.conftest import PASSWORD

ANONYMOUS = "anonymous"
ROLES = [role.value for role in Role]
EVERYONE = {ANONYMOUS, *ROLES}
SIGNED_IN = set(ROLES)

# Who may open each blueprint's routes; everyone else gets 403 (or sign-in / 401 when anonymous).
BLUEPRINT_ACCESS = {
    "public": EVERYONE,
    "auth": SIGNED_IN,
    "teacher": {"teacher"},
    "hr": {"hr"},
    "requests": {"teacher"},  # a teacher's own lane-change requests (HR decides them under /hr)
    "finance": {"finance"},
    "admin": {"admin"},
    "api": EVERYONE,
}
ENDPOINT_ACCESS = {
    "auth.login": EVERYONE,
    "auth.logout": EVERYONE,
    # Opened here with another teacher's id: HR and admin may, that teacher's colleague may not.
    "teacher.record": {"hr", "admin"},
    "api.me": SIGNED_IN,
    "api.my_estimate": {"teacher"},
}


def expected_access(endpoint: str) -> set[str]:
    """Give the roles (and 'anonymous') that may open an endpoint."""
    if endpoint in ENDPOINT_ACCESS:
        return ENDPOINT_ACCESS[endpoint]
    blueprint = endpoint.split(".", 1)[0]
    assert blueprint in BLUEPRINT_ACCESS, f"{endpoint}: add its blueprint to BLUEPRINT_ACCESS"
    return BLUEPRINT_ACCESS[blueprint]


def sample_values(rule, samples: dict) -> dict:
    """Give a value for each URL parameter of a rule."""
    values = {}
    for name, converter in rule._converters.items():
        if name in samples:
            values[name] = samples[name]
        elif isinstance(converter, NumberConverter):  # the app's bounded `int` converter is one too
            values[name] = 1
        else:
            values[name] = "sample"
    return values


@pytest.fixture
def signed_in_clients(app, make_user, make_teacher, session):
    """Give a client per role (and an anonymous one), each with a bearer token for the API."""
    clients = {ANONYMOUS: (app.test_client(), None)}
    for role in ROLES:
        user = make_user(role)
        if role == "teacher":
            make_teacher(user=user)
        client = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        _, secret = accounts.create_api_token(session=session, user=user, name="access test")
        clients[role] = (client, secret)
    return clients


def test_every_route_for_every_role(app, signed_in_clients, make_teacher, districts):
    app.config["WTF_CSRF_ENABLED"] = False  # POST routes are checked for access, not for their form
    other_teacher = make_teacher()
    district_id = "dysart" if "dysart" in districts else sorted(districts)[0]
    samples = {
        "district_id": district_id,
        "school_year": districts[district_id].school_years()[-1],
        "teacher_id": other_teacher.id,
        "filename": "lanewise.css",
        "decision": "grant",
        "token_id": 999999,
        "user_id": 999999,  # admin account pages: no such account (404), so no check deactivates a signed-in client
    }
    checked = 0
    failures = []
    # Signing out last, or every later request would be anonymous.
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout")
    for rule in rules:
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue  # static files (the app's and blueprints') are public assets
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        with app.test_request_context():
            path = app.url_for(rule.endpoint, **sample_values(rule, samples))
        allowed = expected_access(rule.endpoint)
        for who, (client, token) in signed_in_clients.items():
            headers = {"Authorization": f"Bearer {token}"} if token and rule.endpoint.startswith("api.") else {}
            response = client.open(path, method=method, headers=headers)
            status = response.status_code
            location = response.headers.get("Location", "")
            response.close()  # file responses (Plotly's script) hold the file open until closed
            checked += 1
            if status >= 500:
                failures.append(f"{who} {method} {path}: {status}")
            elif who in allowed:
                if status in (401, 403) or "/auth/login" in location and rule.endpoint != "auth.logout":
                    failures.append(f"{who} {method} {path}: expected access, got {status} {location}")
            elif who == ANONYMOUS:
                if rule.endpoint.startswith("api."):
                    if status != 401 or response.mimetype != "application/problem+json":
                        failures.append(f"{who} {method} {path}: expected 401 problem, got {status}")
                elif not (status == 302 and location.startswith("/auth/login")):
                    failures.append(f"{who} {method} {path}: expected redirect to sign in, got {status} {location}")
            elif status != 403:
                failures.append(f"{who} {method} {path}: expected 403, got {status}")
            elif rule.endpoint.startswith("api.") and response.mimetype != "application/problem+json":
                failures.append(f"{who} {method} {path}: expected a problem document")
    assert not failures, "\n".join(failures)
    assert checked >= 5 * 15


def test_guarded_routes_use_role_required(app):
    """Every view outside the public areas goes through the role guard (a forgotten decorator fails here)."""
    open_endpoints = {"static", "auth.login", "auth.logout"}
    unguarded = []
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if endpoint.endswith(".static") or endpoint in open_endpoints or expected_access(endpoint) == EVERYONE:
            continue
        if not hasattr(app.view_functions[endpoint], "allowed_roles"):
            unguarded.append(endpoint)
    assert not unguarded


def test_teacher_sees_own_record_but_not_anothers(client, login_as, make_teacher):
    user = login_as("teacher")
    own = user._teacher
    other = make_teacher()
    assert client.get(f"/teacher/records/{own.id}").status_code == 200
    response = client.get(f"/teacher/records/{other.id}")
    assert response.status_code == 403
    assert other.name not in response.get_data(as_text=True)
    assert client.get("/teacher/records/999999").status_code == 403


# --- two districts: staff of district A never reach district B ---------------------------------------------------

A, B = "cedar-valley", "prairie-ridge"
# What district B's objects are called and paid: none of it may reach A's staff. The payroll amounts are worked out
# in tests/hr/test_payroll.py: Prairie Ridge BA step 0 -> BA+15 approved October 15, filed by September 15:
#   BA+15 step 0 = 42,230.00 x 1.0600 = 44,763.80 -> 44,764.00; owed (44,764.00 - 42,230.00) x 106 / 365 = 735.90
# and Cedar Valley BA step 1 -> BA+15 approved October 15: 51,300.00 from that day, 696.99 owed.
WORDS = {A: ("Alma Alder", "Ada Applewood", "Alder School", "Alder roster", "Alder plan", "51300.00", "696.99"),
         B: ("Bruno Birch", "Bea Beech", "Birch School", "Birch roster", "Birch plan", "44764.00", "735.90",
             "44,764.00")}
OBJECT_ARGUMENTS = {"teacher_id", "request_id", "evidence_id", "credential_id", "roster_id", "scenario_id", "run_id"}
PERIOD = "start=2026-10-01&end=2026-10-31"


def _district_objects(session, districts, make_user, make_teacher, district_id: str, evidence_root) -> dict:
    """One of everything HR and finance read, in one district: an approved and a waiting request (each with
    evidence), a ledger item with its evidence, a roster, a scenario and its finished run."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from engine.budget.roster import synthesize
    from engine.budget.scenario import Scenario
    from services import finance, hr
    from services import roster as rosters
    from tests.hr.conftest import PDF

    rules, officer = districts[district_id], make_user("hr", districts=[district_id])
    paid_name, waiting_name, school, roster_name, scenario_name = WORDS[district_id][:5]
    made = {}
    for key, name in (("paid", paid_name), ("waiting", waiting_name)):
        user = make_user("teacher")
        teacher = make_teacher(user=user, district_id=district_id)
        teacher.name, teacher.school = name, school
        session.add(teacher)
        session.commit()
        request = hr.create_request(
            session=session, rules=rules, teacher=teacher, actor=user, kind="lane_change", today=date(2026, 9, 15),
            new_credits=[hr.NewCredit("graduate_credit", Decimal(15), "Reading courses", date(2026, 6, 1))])
        evidence = hr.add_evidence(session=session, change_request=request, actor=user, filename="transcript.pdf",
                                   data=PDF, instance_path=evidence_root, rules=None)
        hr.transition(session=session, rules=rules, request_id=request.id, expected_version=request.version,
                      action="submit", actor=user, now=datetime(2026, 9, 15, 15, tzinfo=UTC))
        made[key] = (teacher, request, evidence, user)
    teacher, request = made["paid"][:2]
    session.refresh(request)
    hr.transition(session=session, rules=rules, request_id=request.id, expected_version=request.version,
                  action="approve", actor=officer, today=date(2026, 10, 15), now=datetime(2026, 10, 15, 15, tzinfo=UTC))
    teacher = made["waiting"][0]
    [credit], ledger_evidence = hr.record_credit_with_evidence(
        session=session, rules=rules, teacher=teacher, actor=officer, today=date(2026, 9, 15), instance_path=evidence_root,
        filename="certificate.pdf", data=PDF, kind="graduate_credit", amount=Decimal(3), title="Summer course")
    roster = rosters.save_roster(session=session, rules=rules, name=roster_name, roster=synthesize(rules, 30, seed=5))
    scenario = finance.save_scenario(session=session, rules=rules, roster_id=roster.id,
                                     scenario=Scenario(name=scenario_name, district_id=district_id, years=3))
    run = finance.queue_run(session=session, scenario_id=scenario.id)
    finance.execute_run(session=session, run_id=run.id, districts=districts)
    return {"teacher_id": teacher.id, "request_id": made["waiting"][1].id, "evidence_id": made["waiting"][2].id,
            "ledger_evidence_id": ledger_evidence.id, "credential_id": credit.id, "roster_id": roster.id,
            "scenario_id": scenario.id, "run_id": run.id, "decision": "grant", "officer": officer,
            "teacher_account": made["waiting"][3].username}


@pytest.fixture
def two_districts(app, session, make_user, make_teacher, districts, tmp_path):
    """Districts A and B with one of everything each, and a signed-in HR and finance client of each district."""
    app.config["WTF_CSRF_ENABLED"] = False  # the forms are checked elsewhere; here, who reaches what
    app.config["LANEWISE_EVIDENCE_ROOT"] = str(tmp_path / "instance")
    objects = {d: _district_objects(session, districts, make_user, make_teacher, d, tmp_path / "instance") for d in (A, B)}
    clients = {}
    for district_id in (A, B):
        for role in ("hr", "finance"):
            client = app.test_client()
            user = make_user(role, districts=[district_id])
            assert client.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
            clients[role, district_id] = client
    return objects, clients


def _text(response) -> str:
    """A page's or an export's text (an XLSX's cells joined, numbers with two decimals as its money cells show)."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return " ".join(f"{value:.2f}" if isinstance(value, (int, float)) else str(value)
                        for sheet in book for row in sheet.iter_rows(values_only=True) for value in row)
    return response.get_data(as_text=True)


def _leaks(text: str) -> list[str]:
    return [word for word in WORDS[B] if word in text]


def test_staff_of_one_district_get_404_for_every_object_of_another(app, two_districts, session):
    from models.hr import ChangeRequest
    from models.teachers import TeacherEvent

    objects, clients = two_districts
    waiting_before = session.get(ChangeRequest, objects[B]["request_id"]).version
    events_before = len(session.exec(select(TeacherEvent)).all())
    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        if not rule.arguments & OBJECT_ARGUMENTS:
            continue
        method = "GET" if "GET" in rule.methods else min(rule.methods - {"HEAD", "OPTIONS"})
        evidence = ["evidence_id", "ledger_evidence_id"] if "evidence_id" in rule.arguments else [None]
        for role in ("hr", "finance"):
            if role not in expected_access(rule.endpoint):
                continue
            for which in evidence:  # a request's evidence and a ledger item's
                for district_id in (B, A):
                    values = {name: objects[district_id][which if name == "evidence_id" else name]
                              for name in rule.arguments - set(rule.defaults or {})}
                    with app.test_request_context():
                        path = app.url_for(rule.endpoint, **values)
                    if district_id == A and method != "GET":
                        continue  # A's own objects are opened, never changed, here
                    response = clients[role, A].open(path, method=method)
                    checked += 1
                    if district_id == B and (response.status_code != 404 or _leaks(_text(response))):
                        failures.append(f"{role} of {A} {method} {path}: {response.status_code}, shows {_leaks(_text(response))}")
                    if district_id == A and response.status_code != 200:
                        failures.append(f"{role} of {A} {method} {path} (their own): {response.status_code}")
                    response.close()
    assert not failures, "\n".join(failures)
    assert checked >= 20
    session.expire_all()
    assert session.get(ChangeRequest, objects[B]["request_id"]).version == waiting_before  # not decided
    assert len(session.exec(select(TeacherEvent)).all()) == events_before  # no profile, placement, rating or link


def test_staff_lists_and_exports_never_show_another_district(app, two_districts, session):
    from models.finance import ScenarioRecord
    from models.hr import ChangeRequest

    objects, clients = two_districts
    hr_a, finance_a = clients["hr", A], clients["finance", A]
    # B's officer reads the queue first: its filter choices (cached a while) must not be handed to A's officer.
    assert "Birch School" in clients["hr", B].get("/hr/").get_data(as_text=True)
    pages = {
        hr_a: ["/hr/", "/hr/?status=approved", f"/hr/?district={B}", "/hr/teachers", f"/hr/teachers?district={B}",
               "/hr/teachers?q=b", "/hr/teachers/new", f"/hr/payroll?{PERIOD}", f"/hr/payroll.csv?{PERIOD}",
               f"/hr/payroll.xlsx?{PERIOD}"],
        finance_a: ["/finance/", "/finance/rosters/new", "/finance/scenarios/new",
                    f"/finance/scenarios/new?copy={objects[B]['scenario_id']}",
                    f"/finance/scenarios/fields?district_id={B}&roster_id={objects[B]['roster_id']}",
                    f"/finance/compare?run={objects[A]['run_id']}&run={objects[B]['run_id']}",
                    f"/finance/runs/{objects[A]['run_id']}", "/finance/outcomes", f"/finance/outcomes?district_id={B}",
                    "/finance/scenarios/import", f"/finance/scenarios/new?district_id={B}", "/finance/rosters/from-hr",
                    f"/finance/rosters/from-hr?district_id={B}"],
    }
    seen = {}
    for client, paths in pages.items():
        for path in paths:
            response = client.get(path)
            text = _text(response)
            assert response.status_code == 200, (path, response.status_code)
            assert not _leaks(text), (path, _leaks(text))
            seen[path] = text
    # Not empty: A's own names and amounts are there, so the lists are scoped, not blank.
    assert "Ada Applewood" in seen["/hr/"] and "Alma Alder" in seen["/hr/?status=approved"]
    assert "Alma Alder" in seen["/hr/teachers"] and "Alder School" in seen["/hr/"]
    for path in (f"/hr/payroll?{PERIOD}", f"/hr/payroll.csv?{PERIOD}", f"/hr/payroll.xlsx?{PERIOD}"):
        assert "51300.00" in seen[path] and "696.99" in seen[path], path
    assert "Alder roster" in seen["/finance/"] and "Alder plan" in seen["/finance/"]
    assert "Alder plan" in seen[f"/finance/compare?run={objects[A]['run_id']}&run={objects[B]['run_id']}"]
    # B appears in no district choice of A's staff.
    for path in ("/hr/", "/hr/teachers", "/hr/teachers/new", f"/hr/payroll?{PERIOD}", "/finance/rosters/new",
                 "/finance/scenarios/new", "/finance/rosters/from-hr", f"/finance/rosters/from-hr?district_id={B}"):
        assert f'value="{B}"' not in seen[path] and f">{B}<" not in seen[path], path

    # Naming B in a filter, a form or a bulk approval finds nothing, as a made-up district or request would.
    for district in (B, "no-such-district"):
        response = hr_a.get(f"/hr/payroll.csv?{PERIOD}&district={district}")
        assert response.status_code == 400 and f"your districts are {A}" in response.get_data(as_text=True)
    assert finance_a.get(f"/finance/rosters/map/sample?district_id={B}").status_code == 404
    assert finance_a.post("/finance/rosters/from-hr", data={"district_id": B}).status_code == 404
    assert hr_a.post("/hr/teachers/new", data={"district": B, "employee_id": "X-1", "name": "Nobody",
                                                 "school_year": "2026-27", "step": 0, "lane": "BA"}).status_code == 400
    response = finance_a.post("/finance/scenarios/new", data={"name": "Sneaky", "district_id": B,
                                                              "roster_id": objects[B]["roster_id"], "years": 3})
    assert response.status_code == 422 and not _leaks(response.get_data(as_text=True))
    assert "Sneaky" not in [s.name for s in session.exec(select(ScenarioRecord))]
    waiting = objects[B]["request_id"]
    response = hr_a.post("/hr/bulk-approve", data={"request_id": [waiting]}, follow_redirects=True)
    assert f"#{waiting} not approved: not found" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(ChangeRequest, waiting).status == "submitted"
    # Linking B's teacher account to A's record: refused without naming B's teacher.
    response = hr_a.post(f"/hr/teachers/{objects[A]['teacher_id']}/link",
                         data={"username": objects[B]["teacher_account"]}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "already linked to a teacher of another district" in text and not _leaks(text)
    # The API says whom a token's account works for.
    _, secret = accounts.create_api_token(session=session, user=objects[A]["officer"], name="scope")
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert me["districts"] == [A]


def test_staff_without_a_district_see_empty_lists_and_are_told_to_ask_an_administrator(app, two_districts,
                                                                                       make_user):
    told = "an administrator must assign your districts"
    for role, paths in (("hr", ["/hr/", "/hr/teachers", "/hr/teachers/new", f"/hr/payroll?{PERIOD}"]),
                        ("finance", ["/finance/", "/finance/rosters/new", "/finance/rosters/from-hr"])):
        client = app.test_client()
        user = make_user(role, districts=[])
        client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        for path in paths:
            text = client.get(path).get_data(as_text=True)
            assert told in " ".join(text.split()), (role, path)
            assert not [w for w in WORDS[A] + WORDS[B] if w in text], (role, path)
