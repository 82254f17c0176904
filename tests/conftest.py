"""Shared fixtures: app -> client / runner -> session -> domain objects, `login_as`, and the browser.

Database tests run once per backend: SQLite always, PostgreSQL when
LANEWISE_TEST_POSTGRES_URL is set (tests/run_all.sh starts a throwaway server).
"""

import os
import re
import shutil
import socket
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, SQLModel

from app import create_app
from models import (
    CredentialKind,
    CredentialStatus,
    EarnedCredentialCreate,
    PlacementCreate,
    Role,
    TeacherCreate,
    UserCreate,
)
from models.accounts import DISTRICT_ROLES
from services import accounts, teachers
from web.extensions import make_engine

# tests.ci_skips: in CI, a skipped PostgreSQL, Redis or browser test fails the run. pytester runs it in its tests.
pytest_plugins = ["tests.ci_skips", "pytester"]

POSTGRES_URL = os.environ.get("LANEWISE_TEST_POSTGRES_URL")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql", id="postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="LANEWISE_TEST_POSTGRES_URL is not set"),
    ),
]
# A test that means PostgreSQL (row locks, concurrent sessions) runs there only, instead of skipping on SQLite.
POSTGRESQL_ONLY = pytest.mark.parametrize("database_url", [BACKENDS[1]], indirect=True)
PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _reset_schema(url: str) -> None:
    engine = make_engine(url)
    try:
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """Give the URL of an empty database with every table, on each backend in turn."""
    url = f"sqlite:///{tmp_path / 'lanewise.db'}" if request.param == "sqlite" else POSTGRES_URL
    _reset_schema(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    """Give an app in testing mode on a fresh database."""
    app = create_app({
        "TESTING": True,
        "ENV_NAME": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
    })
    yield app
    app.extensions["lanewise_engine"].dispose()


@pytest.fixture
def client(app):
    """Give a test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Give a runner for the app's `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """Give a database session on the app's database."""
    with Session(app.extensions["lanewise_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def districts(app):
    """Give the shipped districts' rules."""
    from web.estimating import districts as load

    with app.app_context():
        return load()


@pytest.fixture
def make_user(session, districts):
    """Give a function that adds an account: make_user(role, username=None, districts=None) -> User (password
    PASSWORD). HR and finance accounts work for `districts` (ids), by default every shipped district."""
    made = {"n": 0}

    def make(role: str | Role, username: str | None = None, districts: list[str] | None = None):
        made["n"] += 1
        name = username or f"{Role(role).value}{made['n']}"
        user = accounts.create_user(session=session, user=UserCreate(
            username=name, display_name=name.title(), role=Role(role), password=PASSWORD))
        if Role(role) in DISTRICT_ROLES:
            accounts.set_user_districts(session=session, user=user,
                                        district_ids=shipped if districts is None else districts)
        return user

    shipped = sorted(districts)
    return make


@pytest.fixture
def make_teacher(session, districts):
    """Give a function that adds a teacher on the roster (placed, with credentials), optionally linked to a user."""
    from engine import schedule_table

    made = {"n": 0}

    def make(user=None, district_id: str | None = None, step: int | None = None, lane: str | None = None):
        made["n"] += 1
        district_id = district_id or sorted(districts)[0]
        rules = districts[district_id]
        school_year = rules.school_years()[-1]
        table = schedule_table(rules, school_year)
        lane = lane or table["lanes"][0]["id"]
        if step is None:
            step = next(row["first_step"] for row in table["rows"] if not row["reserved"])
        teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
            district_id=district_id, employee_id=f"T{made['n']:04d}", name=f"Teacher {made['n']}",
            school="Test School", hire_date=date(2015, 8, 1), user_id=user.id if user else None))
        teachers.set_placement(session=session, placement=PlacementCreate(
            teacher_id=teacher.id, school_year=school_year, step=step, lane=lane, fte=Decimal(1), years_of_service=step))
        for status in (CredentialStatus.granted, CredentialStatus.submitted, CredentialStatus.denied):
            teachers.add_credential(session=session, status=status, credential=EarnedCredentialCreate(
                teacher_id=teacher.id, kind=CredentialKind.micro_credential, title=f"MC {status.value}",
                amount=Decimal(1), school_year=school_year))
        return teacher

    return make


@pytest.fixture
def login_as(client, make_user, make_teacher):
    """Give a function that signs `client` in as a new account of a role; teachers get a roster entry."""

    def login(role: str | Role, user=None):
        user = user or make_user(role)
        if Role(user.role) == Role.teacher and getattr(user, "_teacher", None) is None:
            user._teacher = make_teacher(user=user)
        page = client.get("/auth/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
        response = client.post("/auth/login", data={"csrf_token": token, "username": user.username,
                                                    "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


def csrf_token(client, path: str) -> str:
    """Give the CSRF token of the form on a page."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


# --- browser tests: the app on a loopback port, Debian's Chromium driven by Playwright -------


@pytest.fixture
def live_server(app):
    """Serve the app on a free loopback port in a background thread; give its base URL."""
    from werkzeug.serving import make_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Give one headless Chromium for the session (Debian's, never a download)."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """Give a fresh browser page (own cookies) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_login(page):
    """Give a function that signs the browser page in with an account made by make_user."""

    def login(user):
        sign_in(page, user)
        return user

    return login


def sign_in(page, user) -> None:
    """Sign a browser page in with an account made by make_user (any page: HR and teacher side by side)."""
    page.goto("/auth/login")
    page.get_by_label("Account name").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium against a live server (-m 'not browser' skips)")
