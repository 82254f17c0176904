"""Who may open what: the role guard, bearer-token sign-in for the API, and problem responses."""

from functools import wraps

from flask import abort, g, jsonify, request
from flask_login import current_user

from models import Role, User
from services import accounts
from web.extensions import db, login_manager

API_PREFIX = "/api/"


def is_api_request() -> bool:
    """Tell whether this request is for the JSON API (answered with problem documents, not pages)."""
    return request.path.startswith(API_PREFIX) or (request.blueprint or "").startswith("api")


def problem(status: int, title: str, detail: str | None = None, **extra):
    """Give an RFC 9457 problem response."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def api_user() -> User | None:
    """Give the account named by this request's `Authorization: Bearer` token, or None.

    The API signs in by token only, never by the session cookie, so a page in another
    tab cannot make API calls on the teacher's behalf.
    """
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        g.api_user = None
        if scheme.lower() == "bearer" and secret.strip():
            g.api_user = accounts.user_for_token(session=db.session, secret=secret.strip())
    return g.api_user


def request_user() -> User | None:
    """Give the signed-in account for this request: by token on the API, by session on pages."""
    if is_api_request():
        return api_user()
    return current_user if current_user.is_authenticated else None


def role_required(*roles: str | Role):
    """Let through only accounts with one of the roles (any signed-in account when none are given).

    Pages: not signed in -> redirect to sign-in; wrong role -> 403 page.
    API: no valid token -> 401 problem; wrong role -> 403 problem.
    """
    allowed = {Role(role) for role in roles}

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = request_user()
            if user is None:
                if is_api_request():
                    response = problem(401, "Unauthorized", "Send a bearer token: Authorization: Bearer <token>.")
                    response.headers["WWW-Authenticate"] = 'Bearer realm="lanewise"'
                    return response
                return login_manager.unauthorized()
            if allowed and Role(user.role) not in allowed:
                if is_api_request():
                    return problem(403, "Forbidden", "Your role may not use this resource.")
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = allowed
        return guarded

    return decorator
