"""Home, the public estimator, the schedule viewer and the Plotly script."""

from flask import render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engine import estimate, schedule_table
from models import Role
from services import teachers
from web.estimating import (
    ENGINE_INPUT_ERRORS,
    OptionError,
    default_school_year,
    district_or_404,
    districts,
    estimate_input,
    pay_figure,
    row_for_step,
    schedule_figure,
)
from web.extensions import db
from web.hr.common import today
from web.labels import school_year_names
from web.public import bp
from web.public.forms import CompareForm, EstimateForm, ScheduleForm

@bp.route("/")
def index():
    """Give the home page."""
    return render_template("public/index.html", districts=districts())


def _district_choices(form) -> None:
    all_districts = districts()
    form.district.choices = [SelectChoice(d, rules.district.name) for d, rules in sorted(all_districts.items())]
    chosen = all_districts.get(form.district.data) or all_districts[sorted(all_districts)[0]]
    form.school_year.choices = [SelectChoice(y, y) for y in reversed(chosen.school_years())]
    return chosen


# Which field an engine message is about, by the words it starts with or names (the engine raises plain messages).
ENGINE_FIELDS = (("step ", "step"), ("lane ", "lane"), ("unknown lane", "lane"), ("no lane", "lane"),
                 ("unknown role", "role"), ("fte", "fte"), ("years must", "years"))


def _field_for(form, message: str):
    text = message.lower()
    for start, name in ENGINE_FIELDS:
        if (text.startswith(start) or f" {start.strip()} " in f" {text} ") and name in form:
            return form[name]
    if "schedule for" in text:
        return form.school_year
    return None


def _estimate_form():
    form = EstimateForm(request.args)
    rules, needs = form.for_district(districts(), today())
    return form, rules, needs


@bp.route("/estimate")
def estimator():
    """Estimate pay now and over the coming years from a placement; no account needed."""
    form, rules, needs = _estimate_form()
    result = figures = None
    # A link may name only the district (and year): that opens the form; anything more is an estimate to check.
    asked = bool(set(request.args) - {"district", "school_year"})
    if asked and form.validate():
        try:
            rules, inputs = estimate_input(form.options(rules))
            result = estimate(rules, inputs).to_json()
        except OptionError as error:
            for name, message in error.problems:
                target = form[name] if name in form else None
                (target.errors if target is not None else form.form_errors).append(message)
        except ENGINE_INPUT_ERRORS as error:
            message = _message(error)
            target = _field_for(form, message)
            (target.errors if target is not None else form.form_errors).append(message)
        else:
            figures = {
                "annual": pay_figure({"Your pay": result}, "total", "Annual pay"),
                "cumulative": pay_figure({"Your pay": result}, "cumulative", "Cumulative earnings"),
            }
    status = 400 if asked and (form.errors or form.form_errors) else 200
    return render_template("public/estimate.html", form=form, result=result, figures=figures, rules=rules,
                           needs=needs, year_names=school_year_names(rules, today()),
                           lane_names={lane.id: lane.label for lane in rules.lanes}), status


@bp.route("/estimate/fields")
def estimator_fields():
    """The estimator's fields for the chosen district and school year (swapped in place by htmx), values kept."""
    form, rules, needs = _estimate_form()
    return render_template("public/_estimate_fields.html", form=form, rules=rules, needs=needs)


@bp.route("/schedules")
def schedule():
    """Show a district's schedule for a school year as a table and a heat map, marking a cell if given."""
    form = ScheduleForm(request.args)
    rules = _district_choices(form)
    if form.school_year.data not in rules.school_years():
        form.school_year.data = default_school_year(rules)
    form.district.data = rules.id
    step = _step(rules, form.school_year.data, request.args.get("step", ""))
    lane = request.args.get("lane") or None
    if step is None and current_user.is_authenticated and current_user.role == Role.teacher:
        teacher = teachers.teacher_for_user(session=db.session, user_id=current_user.id)
        if teacher is not None and teacher.district_id == rules.id:
            placement = teachers.placement_for(session=db.session, teacher_id=teacher.id)
            if placement is not None:
                step, lane = placement.step, placement.lane
    table = schedule_table(rules, form.school_year.data)
    here = row_for_step(table, step) if step is not None else None
    return render_template("public/schedule.html", form=form, table=table, rules=rules, step=step, lane=lane,
                           here_row=here, figure=schedule_figure(table, step, lane))


def _step(rules, school_year: str, given: str) -> int | None:
    """The step number of a step given by number or by its label on the schedule ('B', '1 & 2'); None if none."""
    from engine.pay.cells import step_number

    if not given.strip() or len(given) > 24:
        return None
    try:
        return step_number(rules, rules.year(school_year), given.strip())
    except ENGINE_INPUT_ERRORS:
        return None


def _message(error: Exception) -> str:
    # KeyError's str() is the repr of the key; say what was unknown instead.
    if isinstance(error, KeyError):
        return f"unknown value {error.args[0]!r}"
    return str(error)


@bp.route("/compare")
def compare():
    """One career path through every district side by side: pay by year, career earnings and headline figures."""
    from engine.teacher.compare import CareerOptions, compare_districts

    form = CompareForm(request.args)
    all_districts = districts()
    form.district.choices = [SelectChoice("", "(none)")] + [SelectChoice(d, r.district.name)
                                                             for d, r in sorted(all_districts.items())]
    result = figures = None
    status = 200
    if form.validate():
        options = CareerOptions(
            degree=form.degree.data or "bachelor", years=form.years.data or 30,
            credits_per_year=form.credits_per_year.data or 0, credit_years=form.credit_years.data or 0,
            micro_credentials_per_year=form.micro_credentials_per_year.data or 0,
            micro_credential_years=form.micro_credential_years.data or 0,
            district=form.district.data if form.district.data in all_districts else None)
        result = compare_districts(all_districts, options.to_path(), options.district)
        placed = {c["name"]: c for c in result["districts"] if "error" not in c}
        figures = {"annual": pay_figure(placed, "total", "Annual pay by district"),
                   "cumulative": pay_figure(placed, "cumulative", "Career earnings by district")}
    elif request.args:
        status = 400
    return render_template("public/compare.html", form=form, result=result, figures=figures), status


@bp.route("/districts/<district_id>")
def district(district_id: str):
    """Give a district's page: its name, sources and school years."""
    rules = district_or_404(district_id)
    return render_template("public/district.html", rules=rules)
