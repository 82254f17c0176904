"""Pages of the admin area: the record of administrator actions, accounts, and the district rule files."""

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from models import Role, User, UserCreate
from models.accounts import DISTRICT_ROLES
from models.admin import ACTION_LABELS
from services import accounts, admin
from web.access import role_required
from web.admin import bp
from web.admin.forms import (
    ConfirmForm,
    DistrictsForm,
    LinkTeacherForm,
    NewUserForm,
    RoleForm,
    UserFilterForm,
)
from web.estimating import districts as loaded_districts
from web.extensions import db
from web.templating import district_name


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, description="No such account.")
    return user


def _district_choices(session) -> list[SelectChoice]:
    # From the roster, not the rule files: a link needs a teacher on the roster, and a broken rule file
    # must not stop an administrator from managing accounts.
    return [SelectChoice("", "(none)")] + [SelectChoice(d, d) for d in admin.roster_districts(session=session)]


def _staff_district_choices(session, user: User | None = None) -> list[SelectChoice]:
    # Every loaded rule file's district and every roster's, plus those the account already has: a district whose
    # rule file is broken can still be taken away.
    ids = set(loaded_districts()) | set(admin.roster_districts(session=session))
    if user is not None:
        ids |= set(accounts.user_districts(session=session, user_id=user.id))
    return [SelectChoice(d, district_name(d)) for d in sorted(ids, key=lambda d: district_name(d).lower())]


@bp.route("/")
@role_required("admin")
def index():
    """The admin area's start: active accounts by role and the newest administrator actions."""
    return render_template("admin/index.html", counts=admin.count_users_by_role(session=db.session),
                           events=admin.recent_events(session=db.session), labels=ACTION_LABELS)


@bp.route("/users")
@role_required("admin")
def users():
    """Accounts, filtered by role and by part of the account name or the person's name."""
    form = UserFilterForm(request.args)
    role = form.role.data if form.validate() and form.role.data else None
    search = form.q.data if not form.q.errors else None
    rows = admin.list_users(session=db.session, role=Role(role) if role else None, search=search)
    return render_template("admin/users.html", form=form, rows=rows, district_roles=DISTRICT_ROLES,
                           districts=admin.account_districts(session=db.session, users=[user for user, _ in rows]))


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    """Create an account with a role and a password (given, or generated and shown once)."""
    form = NewUserForm()
    form.district.choices = _district_choices(db.session)
    form.districts.choices = _staff_district_choices(db.session)
    status = 200
    if form.validate_on_submit():
        generated = not form.password.data
        password = form.password.data or admin.generate_password()
        try:
            user = admin.create_user(
                session=db.session, actor=current_user,
                user=UserCreate(username=form.username.data, display_name=form.display_name.data or "",
                                role=Role(form.role.data), password=password),
                district_id=form.district.data or None, employee_id=form.employee_id.data or None,
                district_ids=form.districts.data or [])
        except admin.AdminRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            status = 409
        else:
            flash(f"Account {user.username} created.", "success")
            if generated:
                # Shown in this response only: a redirect would have to carry the password in the session cookie.
                return _user_page(user, new_password=password)
            return redirect(url_for("admin.user", user_id=user.id))
    elif form.is_submitted():
        status = 400
    return render_template("admin/new_user.html", form=form), status


def _user_page(user: User, *, new_password: str | None = None, status: int = 200, link_form=None,
               districts_form=None):
    # Shown fresh (formdata=None): this page also answers the reset-password POST.
    role_form = RoleForm(formdata=None, prefix="role", role=user.role)
    link_form = link_form or LinkTeacherForm(formdata=None, prefix="link")
    link_form.district.choices = _district_choices(db.session)
    held = accounts.user_districts(session=db.session, user_id=user.id)
    districts_form = districts_form or DistrictsForm(formdata=None, prefix="districts", districts=held)
    districts_form.districts.choices = _staff_district_choices(db.session, user)
    return render_template(
        "admin/user.html", user=user, teacher=admin.teacher_record(session=db.session, user=user),
        role_form=role_form, link_form=link_form, districts_form=districts_form, held_districts=held,
        has_districts=Role(user.role) in DISTRICT_ROLES,
        events=admin.recent_events(session=db.session, target=user),
        labels=ACTION_LABELS, new_password=new_password, is_self=user.id == current_user.id,
    ), status


@bp.route("/users/<int:user_id>")
@role_required("admin")
def user(user_id: int):
    """One account: its role, state, roster record and record of changes, with the forms that change them."""
    return _user_page(_user_or_404(user_id))


def _act(user: User, action, success: str):
    # Run an account change; a refusal is told on the account's page, never a 500.
    try:
        action()
    except admin.AdminRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        flash(success, "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@role_required("admin")
def change_role(user_id: int):
    """Give the account another role (not one's own: an administrator cannot demote themself)."""
    user = _user_or_404(user_id)
    form = RoleForm(prefix="role")
    if not form.validate_on_submit():
        flash("Choose one of the roles.", "error")
        return redirect(url_for("admin.user", user_id=user.id))
    role = Role(form.role.data)
    return _act(user, lambda: admin.change_role(session=db.session, actor=current_user, user=user, role=role),
                f"{user.username} is now {role.value}.")


@bp.route("/users/<int:user_id>/districts", methods=["POST"])
@role_required("admin")
def set_districts(user_id: int):
    """Set the districts an HR or finance account works for (recorded); its next page shows only those."""
    user = _user_or_404(user_id)
    form = DistrictsForm(prefix="districts")
    form.districts.choices = _staff_district_choices(db.session, user)
    if not form.validate_on_submit():
        return _user_page(user, status=400, districts_form=form)
    chosen = form.districts.data or []
    names = ", ".join(district_name(d) for d in sorted(chosen)) or "no district (they see nothing)"
    return _act(user, lambda: admin.set_districts(session=db.session, actor=current_user, user=user,
                                                  district_ids=chosen),
                f"{user.username} works for {names}.")


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate(user_id: int):
    """Stop the account from signing in; its sessions end and its API tokens are revoked."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(user, lambda: admin.set_active(session=db.session, actor=current_user, user=user, active=False),
                f"{user.username} is deactivated: they cannot sign in, and their API tokens are revoked.")


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@role_required("admin")
def reactivate(user_id: int):
    """Let the account sign in again."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(user, lambda: admin.set_active(session=db.session, actor=current_user, user=user, active=True),
                f"{user.username} is active again.")


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required("admin")
def reset_password(user_id: int):
    """Give the account a generated password, shown once on the page that answers."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    password = admin.reset_password(session=db.session, actor=current_user, user=user)
    flash(f"The password of {user.username} is reset.", "success")
    return _user_page(user, new_password=password)


@bp.route("/users/<int:user_id>/teacher", methods=["POST"])
@role_required("admin")
def link_teacher(user_id: int):
    """Link a teacher account to its roster record (district and employee id)."""
    user = _user_or_404(user_id)
    form = LinkTeacherForm(prefix="link")
    form.district.choices = _district_choices(db.session)
    if not form.validate_on_submit():
        return _user_page(user, status=400, link_form=form)
    return _act(user, lambda: admin.link_teacher(session=db.session, actor=current_user, user=user,
                                                 district_id=form.district.data, employee_id=form.employee_id.data),
                f"{user.username} is linked to employee {form.employee_id.data.strip()} of {district_name(form.district.data)}.")


@bp.route("/districts")
@role_required("admin")
def districts():
    """Every rule file in DISTRICT_RULES with its check (ok, or each error located), school years and whether illustrative."""
    folder = current_app.config["DISTRICT_RULES"]
    # Checking every file takes a few hundred milliseconds: check again only when a file changed.
    state = tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(Path(folder).glob("*.yaml")))
    cache = current_app.extensions.setdefault("lanewise_rule_checks", {})
    if cache.get("state") != (folder, state):
        cache.update(state=(folder, state), checks=admin.check_rule_files(folder))
    return render_template("admin/districts.html", checks=cache["checks"], folder=folder)
