"""Item 6: sessions end. Signing out kills the saved session and remember-me cookies; remember-me lasts two
weeks; changing one's password ends the other sessions, remember cookies and API tokens; an admin's
password reset revokes API tokens too."""

from datetime import timedelta

from sqlalchemy import update

from models import SignIn
from models.types import utcnow
from services import accounts, admin
from tests.conftest import PASSWORD, csrf_token


def sign_in(client, user, remember: bool = False) -> None:
    data = {"csrf_token": csrf_token(client, "/auth/login"), "username": user.username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302


def sign_out(client) -> None:
    assert client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302


def cookie(client, name: str) -> str:
    return client.get_cookie(name).value


def with_cookie(app, name: str, value: str):
    """A fresh browser holding only one saved cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def signed_in(client) -> bool:
    return client.get("/hr/").status_code == 200


def test_a_saved_session_cookie_dies_with_sign_out(app, client, make_user):
    user = make_user("hr")
    sign_in(client, user)
    saved = cookie(client, "session")
    assert signed_in(with_cookie(app, "session", saved))
    sign_out(client)
    assert not signed_in(with_cookie(app, "session", saved))


def test_a_saved_remember_me_cookie_dies_with_sign_out(app, client, make_user):
    user = make_user("hr")
    sign_in(client, user, remember=True)
    saved = cookie(client, "remember_token")
    assert signed_in(with_cookie(app, "remember_token", saved))
    sign_out(client)
    assert not signed_in(with_cookie(app, "remember_token", saved))


def test_remember_me_lasts_two_weeks_and_no_longer(app, client, make_user, session):
    user = make_user("hr")
    sign_in(client, user, remember=True)
    response = client.get("/hr/")
    assert response.status_code == 200
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    [row] = session.exec(SignIn.__table__.select().where(SignIn.user_id == user.id)).all()
    assert timedelta(days=13, hours=23) < row.expires_at - row.created_at <= timedelta(days=14)
    # A remember-me cookie kept past its two weeks (its sign-in expired) no longer signs anyone in.
    saved = cookie(client, "remember_token")
    session.exec(update(SignIn).where(SignIn.user_id == user.id).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert not signed_in(with_cookie(app, "remember_token", saved))


def test_changing_ones_password_ends_everything_else(app, client, make_user, session):
    user = make_user("hr")
    laptop = app.test_client()
    sign_in(laptop, user, remember=True)
    laptop_remember = cookie(laptop, "remember_token")
    _, token = accounts.create_api_token(session=session, user=user, name="spreadsheet")
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    sign_in(client, user)
    response = client.post("/auth/account", data={
        "password-csrf_token": csrf_token(client, "/auth/account"), "password-current": PASSWORD,
        "password-new": "a new long password", "password-confirm": "a new long password", "password-submit": "y"})
    assert response.status_code == 302

    assert signed_in(client)  # the browser that changed it stays signed in
    assert not signed_in(laptop)
    assert not signed_in(with_cookie(app, "remember_token", laptop_remember))
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_admin_password_reset_revokes_api_tokens(app, make_user, session):
    actor, user = make_user("admin"), make_user("hr")
    _, token = accounts.create_api_token(session=session, user=user, name="spreadsheet")
    admin.reset_password(session=session, actor=actor, user=user)
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
