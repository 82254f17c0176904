"""Home, the public estimator, the schedule viewer and the Plotly script."""

from pathlib import Path

import plotly
from flask import render_template, request, send_file
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
from web.public import bp
from web.public.forms import CompareForm, EstimateForm, ScheduleForm

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@bp.route("/")
def index():
    """Give the home page."""
    return render_template("public/index.html", districts=districts())


@bp.route("/vendor/plotly.min.js")
def plotly_js():
    """Serve the Plotly script shipped with the plotly package, so charts work offline."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)


def _district_choices(form) -> None:
    all_districts = districts()
    form.district.choices = [SelectChoice(d, rules.district.name) for d, rules in sorted(all_districts.items())]
    chosen = all_districts.get(form.district.data) or all_districts[sorted(all_districts)[0]]
    form.school_year.choices = [SelectChoice(y, y) for y in reversed(chosen.school_years())]
    return chosen


@bp.route("/estimate")
def estimator():
    """Estimate pay now and over the coming years from a placement; no account needed."""
    form = EstimateForm(request.args)
    rules = _district_choices(form)
    if not form.school_year.data:
        form.school_year.data = default_school_year(rules)
    result = figures = None
    lanes = _lanes(rules, form.school_year.data)
    if request.args and form.validate():
        options = {
            "district": form.district.data, "school_year": form.school_year.data, "step": form.step.data,
            "lane": form.lane.data, "micro_credentials": form.micro_credentials.data or 0,
            "credits": str(form.credits.data or 0), "years": form.years.data or 10,
        }
        try:
            rules, inputs = estimate_input(options)
            result = estimate(rules, inputs).to_json()
        except OptionError as error:
            getattr(form, error.field, form.submit).errors.append(error.message)
        except ENGINE_INPUT_ERRORS as error:
            form.form_errors.append(_message(error))
        else:
            figures = {
                "annual": pay_figure({"Your pay": result}, "total", "Annual pay"),
                "cumulative": pay_figure({"Your pay": result}, "cumulative", "Cumulative earnings"),
            }
    status = 400 if request.args and (form.errors or form.form_errors) else 200
    return render_template("public/estimate.html", form=form, result=result, figures=figures, lanes=lanes,
                           rules=rules), status


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


def _lanes(rules, school_year: str) -> list[dict]:
    try:
        return schedule_table(rules, school_year)["lanes"]
    except ENGINE_INPUT_ERRORS:
        return []


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
