"""The Lanewise web application: `create_app` builds it; `app` is the instance gunicorn and `flask` use."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

ENVIRONMENTS = ("development", "testing", "production")
MIN_SECRET_KEY_LENGTH = 32  # characters: e.g. `python -c "import secrets; print(secrets.token_hex(32))"` gives 64
# Pages load only the app's own scripts, stylesheets and images (Plotly is served from /vendor); no inline script
# runs and no inline <style> applies. Style *attributes* are allowed: Plotly sets one on a heat map's image and
# colour bar through setAttribute (they run no script; templates set none).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class ConfigurationError(RuntimeError):
    """The app was asked to start with settings it must not run with."""


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages and CLI commands."""
    # LANEWISE_INSTANCE: this instance's own folder (an absolute path); each machine of a deployment has its own.
    app = Flask(__name__, instance_relative_config=True, instance_path=os.environ.get("LANEWISE_INSTANCE") or None)
    configure(app, config or {})
    register_request_bounds(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def configure(app: Flask, overrides: dict) -> None:
    """Read settings from the environment, then `overrides`; refuse unsafe production settings."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    environment = overrides.get("ENV_NAME") or os.environ.get("LANEWISE_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(f"LANEWISE_ENV must be one of {', '.join(ENVIRONMENTS)}, got {environment!r}")
    app.config.from_mapping(
        ENV_NAME=environment,
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        DATABASE_URL=os.environ.get("DATABASE_URL")
        or "sqlite:///" + str(Path(app.instance_path) / "lanewise.db"),
        DISTRICT_RULES=os.environ.get("LANEWISE_DISTRICT_RULES")
        or str(Path(__file__).resolve().parent / "district_rules"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # "Keep me signed in" lasts two weeks (Flask-Login's default is a year); the sign-in row expires with it.
        REMEMBER_COOKIE_DURATION=timedelta(days=14),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.config.update(overrides)
    environment = app.config["ENV_NAME"]
    # Cookies travel only over HTTPS except on a developer's machine or under test.
    secure = environment == "production"
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        app.config[key] = overrides.get(key, secure)
    if not app.config.get("SECRET_KEY"):
        if environment == "production":
            raise ConfigurationError("SECRET_KEY must be set in production (LANEWISE_ENV=production)")
        app.config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
    elif environment == "production" and len(str(app.config["SECRET_KEY"])) < MIN_SECRET_KEY_LENGTH:
        # Sessions and CSRF tokens are signed with it: a short key can be guessed offline from one cookie.
        raise ConfigurationError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production "
                                 f"(python -c \"import secrets; print(secrets.token_hex(32))\")")


def _development_secret_key(instance: Path) -> str:
    # Kept in the instance folder so every gunicorn worker, and the next run, signs
    # sessions with the same key; never used in production.
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_request_bounds(app: Flask) -> None:
    """Bound URL numbers and form sizes (web/limits.py); before the extensions, so CSRF reads a bounded form."""
    from web.limits import register_converters, register_request_limits

    register_converters(app)
    register_request_limits(app)


def register_extensions(app: Flask) -> None:
    """Bind the database, sign-in and CSRF extensions to the app."""
    from web.extensions import csrf, db, login_manager

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to open that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        from services import accounts

        # The session and remember-me cookies hold "<id>.<session version>.<sign-in secret>": signing out ends
        # that sign-in; a deactivation or password reset (a new session version) ends every older one.
        return accounts.user_for_sign_in(session=db.session, cookie_id=user_id)


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per area of work."""
    from web.admin import bp as admin_bp
    from web.api import bp as api_bp
    from web.auth import bp as auth_bp
    from web.extensions import csrf
    from web.finance import bp as finance_bp
    from web.hr import bp as hr_bp
    from web.hr import requests_bp
    from web.public import bp as public_bp
    from web.teacher import bp as teacher_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(teacher_bp, url_prefix="/teacher")
    app.register_blueprint(hr_bp, url_prefix="/hr")
    app.register_blueprint(requests_bp, url_prefix="/requests")
    app.register_blueprint(finance_bp, url_prefix="/finance")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    # The API signs in by bearer token, never by cookie, so it has no CSRF exposure.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")

    from web.scoping import register as register_staff_scope
    from web.templating import register_template_helpers

    register_template_helpers(app)
    register_staff_scope(app)


def register_error_handlers(app: Flask) -> None:
    """Answer errors as problem documents on the API and as pages elsewhere.

    Unhandled exceptions reach the HTTPException handler as InternalServerError, so
    the API answers even those as a problem document.
    """
    from flask_wtf.csrf import CSRFError

    from web.access import is_api_request, problem

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/error.html", code=400, title="Form expired",
                               detail="The form was stale or incomplete; please go back, reload and try again."), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            response = problem(error.code or 500, error.name, error.description)
        else:
            response = app.make_response((render_template("errors/error.html", code=error.code, title=error.name,
                                                          detail=error.description), error.code))
        # The error's own headers travel with the page: Allow on a 405, WWW-Authenticate on a 401, Retry-After.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response


def register_security_headers(app: Flask) -> None:
    """Add headers that keep pages out of frames, stop content sniffing, and allow only the app's own scripts."""

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def register_commands(app: Flask) -> None:
    """Add the `flask` commands: database, demo data, and those of the engine and credentials packages."""
    from web.commands import register as register_web_commands

    register_web_commands(app)
    try:
        from cli import register_commands as register_rule_commands
    except ImportError:  # the rules engineer's CLI has not landed in this tree yet
        pass
    else:
        register_rule_commands(app)
    try:
        from credentials.cli import credentials as credentials_group
    except ImportError:  # the credentials package has not landed in this tree yet
        pass
    else:
        if "credentials" not in app.cli.commands:  # cli.register_commands may have added it already
            app.cli.add_command(credentials_group)


app = create_app()
