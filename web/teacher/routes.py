"""The teacher's pages: pay now, what-if, what moves me next, best next step, and their schedule cell."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engine import best_next_steps, estimate, next_moves
from models import CredentialStatus, Placement, Role, Teacher
from services import teachers
from web.access import role_required
from web.estimating import (
    ENGINE_INPUT_ERRORS,
    OptionError,
    districts,
    estimate_input,
    pay_figure,
    teacher_options,
)
from web.extensions import db
from web.teacher import bp
from web.teacher.forms import PLAN_YEARS, WhatIfForm


@dataclass
class TeacherView:
    """A teacher, their latest placement and the estimate options that describe them."""

    teacher: Teacher
    placement: Placement | None
    options: dict | None
    rules: object | None


def _view_for(teacher: Teacher | None) -> TeacherView | None:
    if teacher is None:
        return None
    placement = teachers.placement_for(session=db.session, teacher_id=teacher.id)
    rules = districts().get(teacher.district_id)
    options = None
    if placement is not None and rules is not None:
        options = teacher_options(session=db.session, teacher=teacher, placement=placement)
    return TeacherView(teacher, placement, options, rules)


def _my_view() -> TeacherView | None:
    return _view_for(teachers.teacher_for_user(session=db.session, user_id=current_user.id))


def _estimate(options: dict):
    """Give (estimate JSON, error message)."""
    try:
        rules, inputs = estimate_input(options)
        return estimate(rules, inputs).to_json(), None
    except OptionError as error:
        return None, f"{error.field}: {error.message}"
    except ENGINE_INPUT_ERRORS as error:
        return None, str(error)


def _dashboard(view: TeacherView | None, own: bool):
    result = error = None
    grouped = {status: [] for status in CredentialStatus}
    if view is not None:
        grouped = teachers.credentials_by_status(session=db.session, teacher_id=view.teacher.id)
        if view.options is not None:
            result, error = _estimate(view.options)
    figures = None
    if result:
        figures = {"annual": pay_figure({"Current path": result}, "total", "Annual pay")}
    return render_template("teacher/dashboard.html", view=view, result=result, error=error, grouped=grouped,
                           figures=figures, own=own, statuses=list(CredentialStatus))


@bp.route("/")
@role_required("teacher")
def dashboard():
    """Give the signed-in teacher's placement, pay now and its parts, and credentials by status."""
    return _dashboard(_my_view(), own=True)


@bp.route("/records/<int:teacher_id>")
@role_required("teacher", "hr", "admin")
def record(teacher_id: int):
    """Give one teacher's record: their own for a teacher (others' are refused), any for HR and admin."""
    teacher = teachers.get_teacher(session=db.session, teacher_id=teacher_id)
    if Role(current_user.role) == Role.teacher and (teacher is None or teacher.user_id != current_user.id):
        abort(403)  # a teacher never learns whether another teacher's record exists
    if teacher is None:
        abort(404)
    return _dashboard(_view_for(teacher), own=teacher.user_id == current_user.id)


def _plan_years(first: str, count: int) -> list[str]:
    start = int(first[:4])
    return [f"{start + k}-{(start + k + 1) % 100:02d}" for k in range(count)]


@bp.route("/what-if", methods=["GET", "POST"])
@role_required("teacher")
def what_if():
    """Compare the current path with a plan of micro-credentials and credit (and a role), year by year."""
    view = _my_view()
    if view is None or view.options is None:
        return render_template("teacher/no_placement.html"), 200
    years = _plan_years(view.placement.school_year, PLAN_YEARS)
    form = WhatIfForm()
    form.role.choices = [SelectChoice("", "No role")] + [SelectChoice(role.id, role.name) for role in view.rules.roles]
    if not form.is_submitted():
        while len(form.plan.entries) < len(years):
            form.plan.append_entry()
    for entry, year in zip(form.plan.entries, years, strict=False):
        entry.form.school_year.data = year
    current = what = error = figures = gain = None
    current, error = _estimate({**view.options, "years": form.years.data or 10})
    if form.validate_on_submit() and current:
        plan = {}
        for entry in form.plan.entries[: len(years)]:
            micro_credentials = entry.form.micro_credentials.data or 0
            credits = entry.form.credits.data or Decimal(0)
            if micro_credentials or credits:
                plan[entry.form.school_year.data] = {"micro_credentials": micro_credentials, "credits": str(credits)}
        options = {**view.options, "years": form.years.data or 10, "plan": plan}
        if form.role.data:
            options["role"] = form.role.data
        what, error = _estimate(options)
        if what:
            gain = Decimal(what["total_over_years"]) - Decimal(current["total_over_years"])
            paths = {"Current path": current, "What-if path": what}
            figures = {
                "annual": pay_figure(paths, "total", "Annual pay"),
                "cumulative": pay_figure(paths, "cumulative", "Cumulative earnings"),
            }
    rows = []
    if current and what:
        rows = [(now, then, Decimal(then["total"]) - Decimal(now["total"]))
                for now, then in zip(current["timeline"], what["timeline"], strict=True)]
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("teacher/what_if.html", view=view, form=form, current=current, what=what, gain=gain,
                           rows=rows, figures=figures, error=error), status


@bp.route("/next")
@role_required("teacher")
def next_moves_page():
    """Say what credit is still needed for the next lane or growth step, the next window, and role requirements."""
    view = _my_view()
    if view is None or view.options is None:
        return render_template("teacher/no_placement.html")
    moves = error = None
    try:
        rules, inputs = estimate_input(view.options)
        moves = next_moves(rules, inputs, date.today())
    except (OptionError, *ENGINE_INPUT_ERRORS) as problem:
        error = str(problem)
    return render_template("teacher/next.html", view=view, moves=moves, error=error)


@bp.route("/best")
@role_required("teacher")
def best_next_steps_page():
    """Rank the options the district's rules allow by what they add over the coming years."""
    view = _my_view()
    if view is None or view.options is None:
        return render_template("teacher/no_placement.html")
    options = error = None
    try:
        rules, inputs = estimate_input(view.options)
        options = best_next_steps(rules, inputs)
    except (OptionError, *ENGINE_INPUT_ERRORS) as problem:
        error = str(problem)
    return render_template("teacher/best.html", view=view, options=options, error=error)


@bp.route("/schedule")
@role_required("teacher")
def schedule():
    """Open the schedule viewer on the teacher's school year with their cell highlighted."""
    view = _my_view()
    if view is None or view.placement is None:
        return redirect(url_for("public.schedule"))
    return redirect(url_for("public.schedule", district=view.teacher.district_id,
                            school_year=view.placement.school_year, step=view.placement.step,
                            lane=view.placement.lane))
