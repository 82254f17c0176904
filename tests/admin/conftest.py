"""Admin fixtures: an administrator signed in on `client`, and signing other clients in."""

import re

import pytest

from tests.conftest import PASSWORD, csrf_token


def sign_in(client, username: str, password: str = PASSWORD):
    """Post the sign-in form on a client; give the response."""
    return client.post("/auth/login", data={"csrf_token": csrf_token(client, "/auth/login"),
                                            "username": username, "password": password})


def shown_password(html: str) -> str:
    """Give the password a page shows once, in its read-only field."""
    return re.search(r'id="new-password" type="text" readonly value="([^"]+)"', html).group(1)


@pytest.fixture
def admin_user(login_as):
    """Give the administrator signed in on `client`."""
    return login_as("admin")


@pytest.fixture
def post_form(client):
    """Give a function that posts a form on `client` with the CSRF token of the page it is on."""

    def post(page: str, action: str, data: dict | None = None, prefix: str = ""):
        token = csrf_token(client, page)
        return client.post(action, data={f"{prefix}csrf_token": token, **(data or {})})

    return post
