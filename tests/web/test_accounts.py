"""Accounts: passwords, throttling, secure settings, the role guard and API tokens."""

from datetime import timedelta

import pytest

from app import ConfigurationError, create_app
from models import Role
from models.types import utcnow
from services import accounts
from tests.conftest import PASSWORD, csrf_token


def test_password_is_stored_hashed(make_user):
    user = make_user("hr")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_login_and_logout(client, make_user):
    user = make_user("hr")
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"csrf_token": token, "username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/hr/")
    assert client.get("/hr/").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/hr/").status_code == 302


def test_login_form_without_csrf_token_is_refused(client, make_user):
    user = make_user("hr")
    response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/hr/").status_code == 302


def test_wrong_password_is_refused(client, make_user):
    user = make_user("hr")
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"csrf_token": token, "username": user.username, "password": "nope"})
    assert response.status_code == 401
    assert "wrong" in response.get_data(as_text=True)


def test_next_only_goes_to_same_site_paths(client, make_user):
    user = make_user("hr")
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login?next=https://evil.example/", data={
        "csrf_token": token, "username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/hr/"


def test_five_failures_lock_the_account_for_this_address(session, make_user):
    user = make_user("teacher")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert accounts.authenticate(session=session, username=user.username, password="x", remote_addr="10.0.0.1") is None
    with pytest.raises(accounts.LoginThrottled):
        accounts.authenticate(session=session, username=user.username, password=PASSWORD, remote_addr="10.0.0.1")
    # Another address is not locked out, and the lock ends when the window has passed.
    assert accounts.authenticate(session=session, username=user.username, password=PASSWORD, remote_addr="10.0.0.2")
    later = utcnow() + accounts.FAILED_LOGIN_WINDOW + timedelta(seconds=1)
    assert accounts.authenticate(session=session, username=user.username, password=PASSWORD,
                                 remote_addr="10.0.0.1", now=later)


def test_throttled_login_page_answers_429(client, make_user):
    user = make_user("hr")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        client.post("/auth/login", data={"csrf_token": csrf_token(client, "/auth/login"),
                                         "username": user.username, "password": "wrong"})
    response = client.post("/auth/login", data={"csrf_token": csrf_token(client, "/auth/login"),
                                                "username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_session_cookie_settings(app, client, make_user):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    user = make_user("hr")
    response = client.post("/auth/login", data={"csrf_token": csrf_token(client, "/auth/login"),
                                                "username": user.username, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 32, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    app.extensions["lanewise_engine"].dispose()


def test_wrong_role_gets_403_page_and_anonymous_gets_redirect(client, login_as):
    assert client.get("/hr/").headers["Location"].startswith("/auth/login?next=")
    login_as("teacher")
    assert client.get("/hr/").status_code == 403
    assert client.get("/finance/").status_code == 403


def test_api_token_created_on_account_page_signs_in_api_calls(client, login_as):
    user = login_as("hr")
    token = csrf_token(client, "/auth/account")
    page = client.post("/auth/account", data={"csrf_token": token, "token-name": "sheet", "token-submit": "1"})
    text = page.get_data(as_text=True)
    secret = text.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith(accounts.TOKEN_PREFIX)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["username"] == user.username


def test_api_ignores_session_cookie_and_refuses_revoked_tokens(client, session, login_as):
    user = login_as("teacher")
    assert client.get("/api/v1/me").status_code == 401
    token, secret = accounts.create_api_token(session=session, user=user, name="t")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    accounts.revoke_api_token(session=session, user=user, token_id=token.id)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_tokens_are_stored_hashed(session, make_user):
    user = make_user(Role.finance)
    token, secret = accounts.create_api_token(session=session, user=user, name="t")
    assert secret not in token.token_hash and len(token.token_hash) == 64
