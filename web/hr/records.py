"""HR keeps teacher records: the roster, new hires, a teacher's profile, placements, ratings and credit ledger
(grant or deny each item on its evidence), account links, and the log of every change."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engine.teacher.state import rate_on
from models import Role, Teacher, TeacherCreate, User
from models.teachers import PlacementBase
from services import accounts, hr, ledger, teachers
from web.access import role_required
from web.estimating import ENGINE_INPUT_ERRORS, teacher_context, timeline
from web.extensions import db
from web.hr import bp
from web.hr.common import rules_for, today, verification_of
from web.hr.forms import CreditDecisionForm, HireForm, LinkForm, PlacementForm, ProfileForm, RatingForm
from web.labels import label, school_year_names
from web.scoping import own_or_404, staff_districts, staff_rules


def _teacher_or_404(teacher_id: int) -> Teacher:
    """A teacher of one of the HR officer's districts, or 404 (another district's is not revealed)."""
    return own_or_404(db.session.get(Teacher, teacher_id))


def _placement_choices(form, rules) -> None:
    years = rules.school_years()
    current = ledger.school_year_of(rules, today())
    extra = [current, f"{int(current[:4]) + 1}-{(int(current[:4]) + 2) % 100:02d}"]
    form.school_year.choices = [SelectChoice(y, y) for y in sorted(set(years) | set(extra))]
    form.lane.choices = [SelectChoice(lane.id, lane.label) for lane in rules.lanes]


def _profile_values(form) -> dict:
    return {"name": form.name.data.strip(), "school": (form.school.data or "").strip(), "hire_date": form.hire_date.data,
            "email": (form.email.data or "").strip() or None, "did": (form.did.data or "").strip() or None,
            "subjects": _listed(form.subjects.data), "certifications": _listed(form.certifications.data),
            "certified": form.certified.data == "yes"}


def _listed(text: str | None) -> str:
    return ";".join(part.strip() for part in (text or "").split(";") if part.strip())


def _placement_values(form) -> dict:
    return {"step": form.step.data, "lane": form.lane.data, "fte": form.fte.data, "degree": form.degree.data or None,
            "band": (form.band.data or "").strip() or None, "years_of_service": form.years_of_service.data}


@bp.route("/teachers", endpoint="teachers")
@role_required("hr")
def teachers_index():
    """The roster: search by name, employee id or school, in one of the HR officer's districts or all of them."""
    district = request.args.get("district") or None
    text = (request.args.get("q") or "").strip()[:100]
    own = staff_districts()
    rows = teachers.search(session=db.session, district_ids=[district] if district in own else [] if district else own,
                           text=text)
    return render_template("hr/teachers.html", rows=rows, district=district, text=text, districts=staff_rules())


@bp.route("/teachers/new", methods=["GET", "POST"])
@role_required("hr")
def hire():
    """Add a new hire with their first placement, in one of the HR officer's districts."""
    form = HireForm()
    own = staff_rules()
    form.district.choices = [SelectChoice(d, rules.district.name) for d, rules in sorted(own.items())]
    if not own:  # no district of theirs is loaded: the page says an administrator must assign districts
        return render_template("hr/hire.html", form=None)
    rules = own.get(form.district.data or form.district.choices[0].value)
    if rules is None:  # another district, or none loaded: the form's own check names the field
        rules = own[form.district.choices[0].value]
    _placement_choices(form, rules)
    if form.validate_on_submit():
        exists = teachers.get_teacher_by_employee_id(session=db.session, district_id=rules.id,
                                                     employee_id=form.employee_id.data.strip())
        if exists is not None:
            form.employee_id.errors = [f"{rules.district.name} already has employee {form.employee_id.data}"]
        else:
            teacher = teachers.hire(session=db.session, actor=current_user, teacher=TeacherCreate(
                district_id=rules.id, employee_id=form.employee_id.data.strip(), **_profile_values(form)),
                placement=PlacementBase(school_year=form.school_year.data, **_placement_values(form)), on=today())
            flash(f"{teacher.name} is on the {rules.district.name} roster.", "success")
            return redirect(url_for("hr.history", teacher_id=teacher.id))
    return render_template("hr/hire.html", form=form), 400 if form.is_submitted() and form.errors else 200


@bp.route("/teachers/<int:teacher_id>")
@role_required("hr")
def history(teacher_id: int):
    """A teacher's record: where they stand and their path, placements, ratings, credit ledger, requests, the log."""
    teacher = _teacher_or_404(teacher_id)
    return _record_page(teacher)


def _record_page(teacher: Teacher, forms: dict | None = None, status: int = 200):
    rules = rules_for(teacher.district_id)
    context = teacher_context(session=db.session, teacher=teacher, today=today())
    now = path = error = None
    if context.record is not None:
        try:
            now = rate_on(rules, context.record, context.today).to_json()
            path = timeline(context, context.walk(5)).to_json()
        except ENGINE_INPUT_ERRORS as problem:
            error = str(problem)
    forms = forms or {}
    profile = forms.get("profile") or ProfileForm(obj=teacher, certified="yes" if teacher.certified else "no")
    if "profile" not in forms:
        profile.certified.data = "yes" if teacher.certified else "no"
    placement = forms.get("placement") or PlacementForm()
    _placement_choices(placement, rules)
    latest = hr.current_placement(session=db.session, teacher_id=teacher.id)
    if "placement" not in forms and latest is not None:
        placement.process(obj=latest)
        placement.degree.data = latest.degree or ""
    rating = forms.get("rating") or RatingForm()
    rating.rating_year.choices = placement.school_year.choices
    rating.rating.choices = [SelectChoice(r, label(r)) for r in rules.budget.ratings]
    items = ledger.ledger(session=db.session, teacher_id=teacher.id)
    evidence = hr.credit_evidence(session=db.session, teacher_id=teacher.id)
    events = teachers.teacher_events(session=db.session, teacher_id=teacher.id)
    credit_events = ledger.credit_history(session=db.session, teacher_id=teacher.id)
    return render_template(
        "hr/teacher.html", teacher=teacher, rules=rules, now=now, path=path, error=error, profile=profile,
        placement_form=placement, rating_form=rating, decision_form=CreditDecisionForm(), link_form=LinkForm(),
        placements=teachers.placements(session=db.session, teacher_id=teacher.id),
        ratings=teachers.evaluations(session=db.session, teacher_id=teacher.id), items=items,
        evidence={k: [(e, verification_of(e)) for e in v] for k, v in evidence.items()},
        requests=hr.requests_of_teacher(session=db.session, teacher_id=teacher.id),
        events=events, credit_events=credit_events,
        names=accounts.names(session=db.session, user_ids=[e.actor_id for e in events + credit_events]),
        credit_titles={c.id: c.title or label(c.kind) for c in items},
        year_names=school_year_names(rules, today()),
        account=db.session.get(User, teacher.user_id) if teacher.user_id else None), status


@bp.route("/teachers/<int:teacher_id>/profile", methods=["POST"])
@role_required("hr")
def edit_profile(teacher_id: int):
    """Change a teacher's profile, with a line in their record."""
    teacher = _teacher_or_404(teacher_id)
    form = ProfileForm()
    if not form.validate_on_submit():
        return _record_page(teacher, {"profile": form}, 400)
    changed = teachers.update_profile(session=db.session, teacher=teacher, changes=_profile_values(form),
                                      actor=current_user, reason=form.reason.data or "", on=today())
    flash(f"Saved: {changed}." if changed else "Nothing changed.", "success")
    return redirect(url_for("hr.history", teacher_id=teacher.id))


@bp.route("/teachers/<int:teacher_id>/placement", methods=["POST"])
@role_required("hr")
def edit_placement(teacher_id: int):
    """Set a teacher's placement for a school year, with a line in their record."""
    teacher = _teacher_or_404(teacher_id)
    rules = rules_for(teacher.district_id)
    form = PlacementForm()
    _placement_choices(form, rules)
    if not form.validate_on_submit():
        return _record_page(teacher, {"placement": form}, 400)
    from engine.pay.cells import cell_amount

    try:
        cell_amount(rules, rules.year(form.school_year.data), form.step.data, form.lane.data)
    except ENGINE_INPUT_ERRORS as problem:
        form.step.errors = [f"the schedule has no such cell: {problem}"]
        return _record_page(teacher, {"placement": form}, 400)
    changed = teachers.place(session=db.session, teacher=teacher, school_year=form.school_year.data,
                             values=_placement_values(form), actor=current_user, reason=form.reason.data or "",
                             on=today())
    flash(f"Placement {form.school_year.data}: {changed}." if changed else "Nothing changed.", "success")
    return redirect(url_for("hr.history", teacher_id=teacher.id))


@bp.route("/teachers/<int:teacher_id>/rating", methods=["POST"])
@role_required("hr")
def edit_rating(teacher_id: int):
    """Record an evaluation rating for a school year."""
    teacher = _teacher_or_404(teacher_id)
    rules = rules_for(teacher.district_id)
    form = RatingForm()
    placement = PlacementForm(formdata=None)
    _placement_choices(placement, rules)
    form.rating_year.choices = placement.school_year.choices
    form.rating.choices = [SelectChoice(r, label(r)) for r in rules.budget.ratings]
    if not form.validate_on_submit():
        return _record_page(teacher, {"rating": form}, 400)
    teachers.rate(session=db.session, teacher=teacher, school_year=form.rating_year.data, rating=form.rating.data,
                  actor=current_user, on=today())
    flash(f"Rating for {form.rating_year.data} recorded.", "success")
    return redirect(url_for("hr.history", teacher_id=teacher.id))


@bp.route("/teachers/<int:teacher_id>/credits/<int:credential_id>/<any(grant, deny):decision>", methods=["POST"])
@role_required("hr")
def decide_credit(teacher_id: int, credential_id: int, decision: str):
    """Grant or deny one item of a teacher's ledger on its evidence (a denial needs a reason)."""
    teacher = _teacher_or_404(teacher_id)
    form = CreditDecisionForm()
    if not form.validate_on_submit():
        abort(400, description="The decision form was incomplete.")
    item = db.session.get(ledger.EarnedCredential, credential_id)
    if item is None or item.teacher_id != teacher.id:
        abort(404)
    try:
        ledger.decide_credit(session=db.session, credential_id=credential_id, actor=current_user,
                             grant=decision == "grant", today=today(), reason=form.reason.data)
    except ledger.CreditRefused as error:
        db.session.rollback()
        flash(f"Not done: {error}.", "error")
    else:
        flash(f"{item.title or 'Credit'}: {'granted' if decision == 'grant' else 'denied'}.", "success")
    return redirect(url_for("hr.history", teacher_id=teacher.id) + "#ledger")


@bp.route("/teachers/<int:teacher_id>/link", methods=["POST"])
@role_required("hr")
def link(teacher_id: int):
    """Link a teacher account to this roster record."""
    teacher = _teacher_or_404(teacher_id)
    form = LinkForm()
    if not form.validate_on_submit():
        abort(400, description="Give the account's username.")
    from services import accounts

    user = accounts.get_user_by_username(session=db.session, username=form.username.data.strip())
    other = teachers.teacher_for_user(session=db.session, user_id=user.id) if user else None
    if user is None or Role(user.role) != Role.teacher:
        flash("No teacher account has that username.", "error")
    elif other is not None and other.id != teacher.id:
        # The name only within the officer's districts: another district's roster is not theirs to read.
        held_by = other.name if other.district_id in staff_districts() else "a teacher of another district"
        flash(f"That account is already linked to {held_by}.", "error")
    else:
        teachers.link_account(session=db.session, teacher=teacher, user=user, actor=current_user, on=today())
        flash(f"Linked to {user.username}.", "success")
    return redirect(url_for("hr.history", teacher_id=teacher.id))
