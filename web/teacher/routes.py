"""The teacher's pages: pay now and over the years, what-if, what moves me next, best next step, the credit
ledger and their schedule cell. Every figure comes from the engine's walk of the teacher's record."""

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engine.teacher.next import best_next_steps, next_moves, with_planned
from engine.teacher.state import rate_on
from models import CredentialStatus, Role, Teacher
from services import teachers
from web.access import role_required
from web.clock import today
from web.estimating import ENGINE_INPUT_ERRORS, TeacherContext, pay_figure, teacher_context, timeline
from web.extensions import db
from web.scoping import own_district_or_404
from web.labels import school_year_names
from web.teacher import bp
from web.teacher.forms import PLAN_YEARS, WhatIfForm


@dataclass
class TeacherView:
    """A teacher, their context (rules, record) and their path as the engine walks it."""

    teacher: Teacher
    context: TeacherContext
    result: dict | None = None
    error: str | None = None
    pay_now: dict | None = None

    @property
    def rules(self):
        return self.context.rules

    @property
    def now(self) -> dict | None:
        return self.result["timeline"][0] if self.result else None


def _view_for(teacher: Teacher | None, years: int = 10) -> TeacherView | None:
    if teacher is None:
        return None
    context = teacher_context(session=db.session, teacher=teacher, today=today())
    view = TeacherView(teacher, context)
    if context.record is not None:
        try:
            view.result = timeline(context, context.walk(years)).to_json()
            view.pay_now = rate_on(context.rules, context.record, context.today).to_json()
        except ENGINE_INPUT_ERRORS as error:
            view.error = str(error)
    return view


def _my_teacher() -> Teacher | None:
    return teachers.teacher_for_user(session=db.session, user_id=current_user.id)


def _placed_view(years: int = 10) -> TeacherView | None:
    view = _view_for(_my_teacher(), years)
    return view if view is not None and view.context.record is not None else None


def _next_micro_credentials(view: TeacherView) -> tuple[dict | None, str | None]:
    """The best option made of micro-credentials this school year that adds pay (the engine's best next steps, in
    its ranking), or None; and why none could be worked out, if so."""
    try:
        options = best_next_steps(view.rules, view.context.record, view.context.walk(10))
    except ENGINE_INPUT_ERRORS as problem:
        return None, str(problem)
    return next((o for o in options if o["micro_credentials"] and o["first_year_gain"]
                 and Decimal(o["gain_over_years"]) > 0), None), None


def _names(view: TeacherView | None) -> dict:
    """Words for the teacher's pages: "this school year" beside a school year, lane names beside lane ids."""
    if view is None or view.rules is None:
        return {"year_names": {}, "lane_names": {}}
    return {"year_names": school_year_names(view.rules, view.context.today),
            "lane_names": {lane.id: lane.label for lane in view.rules.lanes}}


def _dashboard(view: TeacherView | None, own: bool):
    grouped = {status: [] for status in CredentialStatus}
    figures = next_mc = next_error = None
    if view is not None:
        grouped = teachers.credentials_by_status(session=db.session, teacher_id=view.teacher.id)
        if view.result:
            figures = {"annual": pay_figure({"Your path": view.result}, "total", "Annual pay")}
            if own:
                next_mc, next_error = _next_micro_credentials(view)
    return render_template("teacher/dashboard.html", view=view, result=view.result if view else None,
                           error=view.error if view else None, grouped=grouped, figures=figures, own=own,
                           statuses=list(CredentialStatus), next_mc=next_mc, next_error=next_error,
                           **_names(view))


@bp.route("/")
@role_required("teacher")
def dashboard():
    """Give the signed-in teacher's placement, pay now and its parts, the years ahead, and their credit."""
    return _dashboard(_view_for(_my_teacher()), own=True)


@bp.route("/records/<int:teacher_id>")
@role_required("teacher", "hr", "admin")
def record(teacher_id: int):
    """Give one teacher's record: their own for a teacher (others' are refused), those of their districts for HR,
    any for admin."""
    teacher = teachers.get_teacher(session=db.session, teacher_id=teacher_id)
    if Role(current_user.role) == Role.teacher and (teacher is None or teacher.user_id != current_user.id):
        abort(403)  # a teacher never learns whether another teacher's record exists
    if teacher is None:
        abort(404)
    if Role(current_user.role) == Role.hr:
        own_district_or_404(teacher.district_id)  # another district's teacher is not found
    return _dashboard(_view_for(teacher), own=teacher.user_id == current_user.id)


def _plan_years(first: str, count: int) -> list[str]:
    start = int(first[:4])
    return [f"{start + k}-{(start + k + 1) % 100:02d}" for k in range(count)]


@bp.route("/what-if", methods=["GET", "POST"])
@role_required("teacher")
def what_if():
    """Compare the teacher's path with a plan of micro-credentials and credit (and a role), year by year.

    A link may carry a plan in its query (the dashboard's "see it year by year": plan-0-micro_credentials=13):
    it is compared at once, as the form would (a comparison changes nothing, so a GET needs no CSRF token)."""
    linked = request.method == "GET" and any(key.startswith(("plan-", "role", "years")) for key in request.args)
    form = WhatIfForm(formdata=request.args, meta={"csrf": False}) if linked else WhatIfForm()
    asked = form.is_submitted() or linked
    years_shown = form.years.data if asked and form.years.data else 10
    view = _placed_view(years_shown if isinstance(years_shown, int) and 1 <= years_shown <= 40 else 10)
    if view is None:
        return render_template("teacher/no_placement.html"), 200
    context = view.context
    years = _plan_years(context.first.label, PLAN_YEARS)
    form.role.choices = [SelectChoice("", "No role")] + [SelectChoice(role.id, role.name) for role in view.rules.roles]
    if linked and "role" not in request.args:
        form.role.data = ""  # a link that names no role aims for none
    while len(form.plan.entries) < len(years):
        form.plan.append_entry()
    for entry, year in zip(form.plan.entries, years, strict=False):
        entry.form.school_year.data = year
    current, error = view.result, view.error
    what = figures = gain = None
    valid = form.validate() if linked else form.validate_on_submit()
    if valid and current:
        record = context.record
        for entry in form.plan.entries[: len(years)]:
            record = with_planned(record, entry.form.school_year.data, entry.form.micro_credentials.data or 0,
                                  entry.form.credits.data or Decimal(0))
        try:
            plan = context.walk(len(current["timeline"]), aim_role=form.role.data or None)
            what = timeline(context, plan, record).to_json()
        except ENGINE_INPUT_ERRORS as problem:
            error = str(problem)
        if what:
            gain = Decimal(what["total_over_years"]) - Decimal(current["total_over_years"])
            paths = {"Your path": current, "What-if path": what}
            figures = {
                "annual": pay_figure(paths, "total", "Annual pay"),
                "cumulative": pay_figure(paths, "cumulative", "Cumulative earnings"),
            }
    rows = []
    if current and what:
        rows = [(now, then, Decimal(then["total"]) - Decimal(now["total"]))
                for now, then in zip(current["timeline"], what["timeline"], strict=True)]
    status = 400 if asked and form.errors else 200
    return render_template("teacher/what_if.html", view=view, form=form, current=current, what=what, gain=gain,
                           rows=rows, figures=figures, error=error, **_names(view)), status


@bp.route("/next")
@role_required("teacher")
def next_moves_page():
    """Say what credit is still needed for the next lane or growth step, by when, and role requirements."""
    view = _placed_view()
    if view is None:
        return render_template("teacher/no_placement.html")
    moves = error = None
    try:
        moves = next_moves(view.rules, view.context.record, view.context.first, view.context.today)
    except ENGINE_INPUT_ERRORS as problem:
        error = str(problem)
    return render_template("teacher/next.html", view=view, moves=moves, error=error, **_names(view))


@bp.route("/best")
@role_required("teacher")
def best_next_steps_page():
    """Rank the options the district's rules allow by what they add over the coming years."""
    view = _placed_view()
    if view is None:
        return render_template("teacher/no_placement.html")
    options = error = None
    try:
        options = best_next_steps(view.rules, view.context.record, view.context.walk(10))
    except ENGINE_INPUT_ERRORS as problem:
        error = str(problem)
    return render_template("teacher/best.html", view=view, options=options, error=error, **_names(view))


@bp.route("/schedule")
@role_required("teacher")
def schedule():
    """Open the schedule viewer on the teacher's school year with their cell highlighted."""
    view = _placed_view(1)
    if view is None or view.now is None:
        return redirect(url_for("public.schedule"))
    return redirect(url_for("public.schedule", district=view.teacher.district_id, school_year=view.now["school_year"],
                            step=view.now["step"], lane=view.now["lane"]))


@bp.route("/credits", methods=["GET", "POST"])
@role_required("teacher")
def credits():
    """The teacher's credit ledger, and recording new credit (with its evidence) for HR to grant."""
    from web.teacher.credits import credits_page

    teacher = _my_teacher()
    if teacher is None:
        return render_template("teacher/no_placement.html")
    return credits_page(teacher, request)

