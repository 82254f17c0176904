"""Every route, for every role: who gets in, who gets 403, who is sent to sign in.

Routes are read from app.url_map, so routes added by any blueprint are checked too.
Expected access is a table by blueprint, with a few endpoints listed apart; a route
whose blueprint is not in the table fails the test until someone says who may open it.
"""

import pytest
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
