"""Sign-in, sign-out and the account page."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from models import Role
from services import accounts
from web.access import role_required
from web.auth import bp
from web.auth.forms import (
    LoginForm,
    LogoutForm,
    PasswordForm,
    RevokeTokenForm,
    TokenForm,
)
from web.extensions import db

HOME_BY_ROLE = {
    Role.teacher: "teacher.dashboard",
    Role.hr: "hr.index",
    Role.finance: "finance.index",
    Role.admin: "admin.index",
}


def home_for(user) -> str:
    """Give the URL of the page a user lands on after signing in."""
    return url_for(HOME_BY_ROLE[Role(user.role)])


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: an open redirect would let a phishing link borrow our sign-in page.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with account name and password; too many failures lock the account for this address."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                session=db.session,
                username=form.username.data,
                password=form.password.data,
                remote_addr=request.remote_addr or "unknown",
            )
        except accounts.LoginThrottled:
            flash("Too many failed sign-ins. Wait 15 minutes and try again.", "error")
            status = 429
        else:
            if user is not None:
                remember = bool(form.remember.data)
                lifetime = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"]
                user._sign_in_secret = accounts.start_sign_in(session=db.session, user=user, remember=remember,
                                                              lifetime=lifetime)
                login_user(user, remember=remember)
                return redirect(_safe_next(request.args.get("next")) or home_for(user))
            flash("Account name or password is wrong.", "error")
            status = 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out and go to the home page."""
    form = LogoutForm()
    if form.validate_on_submit():
        # End the sign-in itself, not only this cookie: a saved copy of it, or of the remember-me cookie, is dead too.
        accounts.end_sign_in(session=db.session, secret=accounts.sign_in_secret(session.get("_user_id")))
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("public.index"))


@bp.route("/account", methods=["GET", "POST"])
@role_required()
def account():
    """Show the account, its API tokens, and make a new token (its secret shown once)."""
    token_form = TokenForm(prefix="token")
    password_form = PasswordForm(prefix="password")
    new_secret = None
    if token_form.submit.data and token_form.validate_on_submit():
        _, new_secret = accounts.create_api_token(session=db.session, user=current_user, name=token_form.name.data)
        flash("Token created. Copy it now: it will not be shown again.", "success")
    elif password_form.submit.data and password_form.validate_on_submit():
        if check_password_hash(current_user.password_hash, password_form.current.data):
            accounts.change_own_password(session=db.session, user=current_user, password=password_form.new.data,
                                         keep_sign_in=accounts.sign_in_secret(session.get("_user_id")))
            flash("Password changed. You are signed out everywhere else, and your API tokens are revoked.", "success")
            return redirect(url_for("auth.account"))
        password_form.current.errors.append("This is not your current password.")
    tokens = accounts.list_api_tokens(session=db.session, user=current_user)
    return render_template(
        "auth/account.html",
        token_form=token_form,
        password_form=password_form,
        revoke_form=RevokeTokenForm(),
        tokens=tokens,
        new_secret=new_secret,
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required()
def revoke_token(token_id: int):
    """Revoke one of one's own API tokens."""
    form = RevokeTokenForm()
    if form.validate_on_submit() and accounts.revoke_api_token(session=db.session, user=current_user, token_id=token_id):
        flash("Token revoked.", "success")
    else:
        flash("No such token.", "error")
    return redirect(url_for("auth.account"))
