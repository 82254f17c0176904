"""Pages of the finance area: import a roster, build a scenario, run it through the worker, read the charts,
compare scenarios, and download the table."""

from __future__ import annotations

import secrets
import time
from decimal import Decimal
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from engine.budget.roster import (
    FIELDS,
    REQUIRED,
    RosterError,
    guess_mapping,
    read_table,
)
from engine.budget.scenario import ScenarioError
from models.finance import RunStatus
from services import finance
from services import roster as rosters
from web.access import role_required
from web.clock import today
from web.estimating import districts
from web.extensions import db
from web.finance import bp, charts
from web.finance.forms import (
    LABELS,
    FormError,
    engine_problems,
    form_from_scenario,
    rule_file_values,
    scenario_from_form,
)
from web.limits import database_ids
from web.scoping import staff_districts, staff_rules

MAX_COMPARED_RUNS = 10
UPLOAD_LIMIT = 64 * 1024 * 1024  # a 100,000-teacher roster is about 8 MB of CSV
FIELD_LABELS = {
    "employee_id": "Employee id", "school": "School", "step": "Step", "lane": "Lane", "fte": "FTE",
    "hire_date": "Hire date", "degree": "Degree", "band": "Pay band", "micro_credentials": "Micro-credentials held",
    "credit_hours": "Credit hours beyond the degree", "subjects": "Subjects (stipends)",
    "certifications": "Certifications", "certified": "Certified", "years_of_service": "Years of service (as HR keeps them)",
    "growth_steps": "Growth steps held", "role": "Role held", "micro_credentials_this_year": "Micro-credentials earned this year",
    "actual_salary": "Actual salary", "unit": "Bargaining unit", "funding": "Funding source",
}


@bp.url_value_preprocessor
def larger_uploads(endpoint, values):
    # Roster files are larger than the app's default request limit; only the upload takes more. A URL value
    # preprocessor runs before every before_request hook, so before CSRF protection reads the form.
    if endpoint == "finance.upload_roster":
        request.max_content_length = UPLOAD_LIMIT


def _uploads() -> Path:
    folder = Path(current_app.config.get("FINANCE_UPLOAD_DIR") or Path(current_app.instance_path) / "finance-uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stashed(token: str) -> Path:
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        abort(404)
    matches = list(_uploads().glob(f"{token}.*"))
    if not matches:
        abort(404, "That upload has expired; please upload the file again.")
    return matches[0]


@bp.route("/")
@role_required("finance")
def index():
    """Rosters, scenarios and recent runs of the finance officer's districts."""
    session, own = db.session, staff_districts()
    all_rosters = rosters.list_rosters(session=session, district_ids=own)
    scenarios = finance.list_scenarios(session=session, district_ids=own)
    return render_template("finance/index.html", rosters=all_rosters, scenarios=scenarios,
                           runs=finance.list_runs(session=session, limit=20, district_ids=own), districts=districts(),
                           scenario_of_run={s.id: s for s in scenarios}, roster_of_run={r.id: r for r in all_rosters})


# --- rosters -----------------------------------------------------------------------------------------


@bp.route("/rosters/new", methods=["GET", "POST"])
@role_required("finance")
def upload_roster():
    """Upload a CSV or XLSX roster for one of the officer's districts; the next page maps its columns. A problem is
    shown at its field."""
    errors: dict[str, list[str]] = {}
    own = staff_rules()
    if request.method == "POST":
        upload = request.files.get("file")
        district_id = request.form.get("district_id", "")
        if district_id not in own:
            errors["district_id"] = ["Choose a district."]
        if upload is None or not upload.filename:
            errors["file"] = ["Choose a roster file (CSV or XLSX)."]
        elif not upload.filename.lower().endswith((".csv", ".xlsx", ".xlsm")):
            errors["file"] = [f"“{upload.filename}” is not a .csv or .xlsx file; choose the roster again."]
        if not errors:
            for stale in _uploads().iterdir():  # uploads never matched are dropped after a day
                if stale.stat().st_mtime < time.time() - 86_400:
                    stale.unlink(missing_ok=True)
            token = secrets.token_urlsafe(12)
            suffix = Path(upload.filename).suffix.lower()
            try:
                upload.save(_uploads() / f"{token}{suffix}")
            finally:
                upload.close()  # large uploads are spooled to a temporary file
            # A roster is named apart from the others: given a name, or its district, file and day.
            name = (request.form.get("name") or "").strip() or \
                f"{own[district_id].district.name}: {Path(upload.filename).name}, {time.strftime('%Y-%m-%d')}"
            return redirect(url_for("finance.map_roster", token=token, district_id=district_id, name=name))
        if upload is not None:
            upload.close()
    ordered = sorted(own.values(), key=lambda rules: rules.district.name)
    return render_template("finance/upload.html", districts=ordered, errors=errors,
                           chosen=request.values.get("district_id", ""), name=request.form.get("name", "")), \
        (422 if errors else 200)


@bp.route("/rosters/map/<token>", methods=["GET", "POST"])
@role_required("finance")
def map_roster(token: str):
    """Match the file's columns to the roster's fields, then check every row and import (all or nothing)."""
    path = _stashed(token)
    district_id = request.values.get("district_id", "")
    rules = staff_rules().get(district_id) or abort(404)
    name = request.values.get("name") or path.stem
    content = path.read_bytes()
    try:
        headers, rows = read_table(content, path.name)
    except Exception as exc:  # a file that is not CSV/XLSX at all
        flash(f"The file could not be read: {exc}", "error")
        return redirect(url_for("finance.upload_roster"))
    mapping = guess_mapping(headers)
    errors, unmapped = [], []
    if request.method == "POST":
        mapping = {field: request.form.get(f"map_{field}", "") for field in FIELDS if request.form.get(f"map_{field}")}
        try:
            record = rosters.import_roster(session=db.session, rules=rules, name=name, content=content, filename=path.name,
                                           today=today(), mapping=mapping, created_by=current_user.id)
        except RosterError as exc:
            errors, unmapped = exc.errors, exc.unmapped
            status = 422
            return render_template("finance/map.html", token=token, district_id=district_id, name=name, headers=headers,
                                   mapping=mapping, fields=FIELDS, labels=FIELD_LABELS, required=REQUIRED, rows=len(rows),
                                   errors=errors, unmapped=unmapped, rules=rules, failed=exc), status
        path.unlink(missing_ok=True)
        flash(f"Imported {record.teacher_count} teachers into roster “{record.name}”.", "success")
        return redirect(url_for("finance.roster", roster_id=record.id))
    return render_template("finance/map.html", token=token, district_id=district_id, name=name, headers=headers,
                           mapping=mapping, fields=FIELDS, labels=FIELD_LABELS, required=REQUIRED, rows=len(rows),
                           errors=errors, unmapped=unmapped, rules=rules, failed=None)


@bp.route("/rosters/<int:roster_id>")
@role_required("finance")
def roster(roster_id: int):
    """A roster's teachers by lane, and a way to build a scenario on it."""
    record = rosters.get_roster(session=db.session, roster_id=roster_id, district_ids=staff_districts()) or abort(404)
    rules = districts().get(record.district_id)
    lane_names = {lane.id: lane.label for lane in rules.lanes} if rules else {}
    off_count, off = rosters.off_schedule(session=db.session, rules=rules, roster_id=roster_id) if rules else (0, [])
    return render_template("finance/roster.html", roster=record, lanes=rosters.roster_summary(session=db.session, roster_id=roster_id),
                           rules=rules, lane_names=lane_names, off_count=off_count, off=off)


# --- scenarios ------------------------------------------------------------------------------------------


def _scenario_page(values: dict, errors: FormError | None = None, scenario_id: int | None = None, status: int = 200,
                   template: str = "finance/scenario.html"):
    """The scenario form for the chosen district (one of the officer's): its rosters only, and the rule file's value
    behind each empty field."""
    rules_by_id = staff_rules()
    if not rules_by_id:  # no district to build on: the finance page says an administrator must assign districts
        return redirect(url_for("finance.index"))
    ordered = sorted(rules_by_id.values(), key=lambda rules: rules.district.name)
    all_rosters = rosters.list_rosters(session=db.session, district_ids=staff_districts())
    roster_ids = {str(r.id): r for r in all_rosters}
    chosen_roster = roster_ids.get(str(values.get("roster_id") or ""))
    if values.get("district_id") not in rules_by_id:
        values["district_id"] = chosen_roster.district_id if chosen_roster else ordered[0].id
    rules = rules_by_id[values["district_id"]]
    own = [r for r in all_rosters if r.district_id == rules.id]
    if chosen_roster is None or chosen_roster.district_id != rules.id:
        values["roster_id"] = own[0].id if own else ""
    return render_template(template, values=values, errors=errors.fields if errors else {},
                           problems=errors.problems if errors else [], districts=ordered, rules=rules,
                           defaults=rule_file_values(rules), rosters=own, scenario_id=scenario_id, labels=LABELS), status


@bp.route("/scenarios/new", methods=["GET", "POST"])
@bp.route("/scenarios/<int:scenario_id>", methods=["GET", "POST"])
@role_required("finance")
def scenario(scenario_id: int | None = None):
    """Build (or edit) a scenario: assumptions, policy, schedule changes, benefits, uncertainty."""
    session, own = db.session, staff_districts()
    record = finance.get_scenario(session=session, scenario_id=scenario_id, district_ids=own) if scenario_id else None
    if scenario_id and record is None:
        abort(404)
    if request.method == "POST":
        values = request.form.to_dict() | {"units": request.form.getlist("units")}
        rules = staff_rules().get(values.get("district_id", ""))
        try:
            if rules is None:
                raise FormError([("district_id", "choose one of the districts")])
            built = scenario_from_form(request.form, rules, request.files)
            roster_id = int(values.get("roster_id") or 0) if (values.get("roster_id") or "").isdigit() else 0
            saved = finance.save_scenario(session=session, rules=rules, scenario=built, roster_id=roster_id,
                                          created_by=current_user.id, scenario_id=scenario_id)
        except FormError as exc:
            return _scenario_page(values, exc, scenario_id, 422)
        except ScenarioError as exc:
            return _scenario_page(values, engine_problems(exc.problems), scenario_id, 422)
        except finance.FinanceError as exc:
            return _scenario_page(values, FormError([("roster_id", str(exc))]), scenario_id, 422)
        if request.form.get("action") == "run":
            return _start_run(saved.id)
        flash(f"Scenario “{saved.name}” saved.", "success")
        return redirect(url_for("finance.scenario", scenario_id=saved.id))
    if record is not None:
        values = form_from_scenario(finance.scenario_of(record)) | {"roster_id": record.roster_id}
    else:
        copy = request.args.get("copy", type=int)
        source = finance.get_scenario(session=session, scenario_id=copy, district_ids=own) if copy else None
        values = (form_from_scenario(finance.scenario_of(source)) | {"roster_id": source.roster_id, "name": f"{source.name} (copy)"}
                  if source else {"years": 10, "draws": 0, "seed": 20260701, "micro_credentials_per_participant": 5,
                                  "roster_id": request.args.get("roster_id", type=int)})
        # The outcomes page hands its history's uptake on as the new scenario's starting values.
        for key in ("uptake_percent", "persistence_percent", "micro_credentials_per_participant"):
            text = (request.args.get(key) or "").strip()
            if text and len(text) <= 8 and text.replace(".", "", 1).isdigit():
                values[key] = text
        if request.args.get("district_id") in staff_rules():
            values["district_id"] = request.args["district_id"]
    return _scenario_page(values, None, scenario_id)


@bp.route("/scenarios/<int:scenario_id>/scenario.yaml", defaults={"kind": "yaml"})
@bp.route("/scenarios/<int:scenario_id>/scenario.json", defaults={"kind": "json"})
@role_required("finance")
def export_scenario(scenario_id: int, kind: str):
    """A saved scenario as a YAML or JSON file (`flask project --scenario` runs it; the import page reads it back)."""
    from engine.budget.scenario_file import scenario_json, scenario_yaml

    record = finance.get_scenario(session=db.session, scenario_id=scenario_id, district_ids=staff_districts()) or abort(404)
    scenario = finance.scenario_of(record)
    text = scenario_yaml(scenario) if kind == "yaml" else scenario_json(scenario)
    return Response(text, mimetype="application/yaml" if kind == "yaml" else "application/json",
                    headers={"Content-Disposition": f'attachment; filename="scenario-{record.id}.{kind}"'})


@bp.route("/scenarios/import", methods=["GET", "POST"])
@role_required("finance")
def import_scenario():
    """Read a scenario file (YAML or JSON, 2 MB at most) and save it on a roster of its district; every problem is
    named by line and path, and nothing is saved."""
    from engine.budget.scenario_file import ScenarioFileError, read_scenario

    problems: list[str] = []
    own = staff_rules()
    all_rosters = rosters.list_rosters(session=db.session, district_ids=list(own))
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            problems.append("Scenario file: choose a YAML or JSON file")
        else:
            content = upload.read(2 * 1024 * 1024 + 1)
            try:
                if len(content) > 2 * 1024 * 1024:
                    raise ScenarioFileError([f"{upload.filename}: larger than 2 MB"])
                scenario = read_scenario(content, Path(upload.filename).name)
                rules = own.get(scenario.district_id)
                if rules is None:
                    raise ScenarioFileError([f"{upload.filename}: district_id: expected one of your districts "
                                             f"({', '.join(sorted(own)) or 'none yet'}), got {scenario.district_id!r}"])
                wanted = request.form.get("roster_id", type=int)
                roster = next((r for r in all_rosters if r.id == wanted and r.district_id == rules.id),
                              next((r for r in all_rosters if r.district_id == rules.id), None))
                if roster is None:
                    raise ScenarioFileError([f"{rules.district.name} has no roster yet: import one first"])
                saved = finance.save_scenario(session=db.session, rules=rules, scenario=scenario, roster_id=roster.id,
                                              created_by=current_user.id)
                flash(f"Scenario “{saved.name}” imported on roster “{roster.name}”.", "success")
                return redirect(url_for("finance.scenario", scenario_id=saved.id))
            except ScenarioFileError as exc:
                problems += exc.problems
            except ScenarioError as exc:
                problems += exc.problems
            except finance.FinanceError as exc:
                problems.append(str(exc))
    return render_template("finance/scenario_import.html", problems=problems, rosters=all_rosters,
                           districts=own), 422 if problems else 200


@bp.route("/outcomes")
@role_required("finance")
def outcomes():
    """The micro-credential policy judged by its results: uptake, cost per micro-credential and per teacher retained,
    retention against comparable non-earners, and the uptake to assume in the next projection."""
    from decimal import InvalidOperation

    from services.outcomes import policy_outcomes

    rules_by_id = staff_rules()
    if not rules_by_id:
        abort(404, description="You work for no district yet: ask an administrator to assign yours.")
    ordered = sorted(rules_by_id.values(), key=lambda rules: rules.district.name)
    rules = rules_by_id.get(request.args.get("district_id", "")) or ordered[0]
    problem = None
    try:
        program = Decimal((request.args.get("program_cost") or "0").strip().replace("$", "").replace(",", ""))
        if not (0 <= program <= 100_000) or program != program.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        program, problem = Decimal(0), "Program cost per micro-credential: expected dollars between 0 and 100,000"
    found = policy_outcomes(session=db.session, rules=rules, program_cost=program)
    return render_template("finance/outcomes.html", rules=rules, districts=ordered, found=found, program=program,
                           problem=problem), 400 if problem else 200


@bp.route("/scenarios/fields")
@role_required("finance")
def scenario_fields():
    """The scenario form's fields for the district now chosen (htmx swaps them in place; typed values are kept)."""
    return _scenario_page(request.args.to_dict(), None, request.args.get("scenario_id", type=int),
                          template="finance/_scenario_fields.html")


def _start_run(scenario_id: int):
    from tasks import run_projection

    run = finance.queue_run(session=db.session, scenario_id=scenario_id, created_by=current_user.id)
    # Long runs belong to the Huey worker, never to this web worker (tests run Huey in immediate mode).
    run_projection(run.id, current_app.config["DATABASE_URL"], current_app.config["DISTRICT_RULES"])
    return redirect(url_for("finance.run", run_id=run.id))


@bp.route("/scenarios/<int:scenario_id>/run", methods=["POST"])
@role_required("finance")
def run_scenario(scenario_id: int):
    """Queue a projection of a saved scenario of the officer's districts."""
    finance.get_scenario(session=db.session, scenario_id=scenario_id, district_ids=staff_districts()) or abort(404)
    try:
        return _start_run(scenario_id)
    except finance.FinanceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("finance.index"))


# --- runs --------------------------------------------------------------------------------------------------


def _run_or_404(run_id: int):
    db.session.expire_all()
    record = finance.get_run(session=db.session, run_id=run_id, district_ids=staff_districts()) or abort(404)
    if record.status in (RunStatus.queued, RunStatus.running, RunStatus.merging):
        # A run whose worker died is taken up again (or failed after three tries) when someone looks at it.
        from tasks import requeue

        if any(requeue(current_app.config["DATABASE_URL"], current_app.config["DISTRICT_RULES"], run_id=run_id)):
            db.session.expire_all()
            record = finance.get_run(session=db.session, run_id=run_id)
    return record


@bp.route("/runs/<int:run_id>")
@role_required("finance")
def run(run_id: int):
    """A run: its progress while it works (the page may be left and come back to), then charts and the table."""
    record = _run_or_404(run_id)
    result = finance.run_result(record)
    figures, table, totals = {}, None, {}
    if result:
        totals = {"scenario": sum(Decimal(y["total"]) for y in result["years"]),
                  "baseline": sum(Decimal(y["total"]) for y in result["baseline"]),
                  "difference": sum(Decimal(y["total"]) for y in result["difference"]),
                  "one_time": sum(Decimal(y["one_time"]) for y in result["difference"])}
        figures = {"components": charts.cost_by_component(result), "fan": charts.fan_chart(result),
                   "difference": charts.difference_chart(result)}
        table = finance.table(result)
    scenario = finance.get_scenario(session=db.session, scenario_id=record.scenario_id)
    own = staff_districts()
    finished = [r for r in finance.list_runs(session=db.session, limit=50, district_ids=own)
                if r.status == RunStatus.done and r.id != run_id]
    names = {s.id: s.name for s in finance.list_scenarios(session=db.session, district_ids=own)}
    return render_template("finance/run.html", run=record, result=result, figures=figures, table=table, scenario=scenario,
                           others=[(r, names.get(r.scenario_id, "Scenario deleted")) for r in finished],
                           done=record.status == RunStatus.done, totals=totals)


@bp.route("/runs/<int:run_id>/status")
@role_required("finance")
def run_status(run_id: int):
    record = _run_or_404(run_id)
    return jsonify({"id": record.id, "status": record.status, "progress": record.progress, "message": record.message,
                    "error": record.error})


def _result_or_404(run_id: int) -> tuple:
    record = _run_or_404(run_id)
    result = finance.run_result(record)
    if result is None:
        abort(404, "The run has no result yet.")
    return record, result


@bp.route("/runs/<int:run_id>/projection.csv")
@role_required("finance")
def export_csv(run_id: int):
    record, result = _result_or_404(run_id)
    return Response(finance.to_csv(result), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="projection-{record.id}.csv"'})


@bp.route("/runs/<int:run_id>/projection.xlsx")
@role_required("finance")
def export_xlsx(run_id: int):
    record, result = _result_or_404(run_id)
    return Response(finance.to_xlsx(result), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="projection-{record.id}.xlsx"'})


@bp.route("/runs/<int:run_id>/report")
@role_required("finance")
def report(run_id: int):
    """The board's report: cost against the baseline per year and component, the cost drivers, cost per FTE,
    units and funding sources, and the assumptions."""
    from services.report import report_data, waterfall_chart

    record, result = _result_or_404(run_id)
    data = report_data(result)
    return render_template("finance/report.html", run=record, data=data,
                           figures={"waterfall": waterfall_chart(data)} if data["waterfall"] else {})


@bp.route("/runs/<int:run_id>/report.xlsx")
@role_required("finance")
def report_xlsx(run_id: int):
    from services.report import report_data, report_xlsx as workbook

    record, result = _result_or_404(run_id)
    return Response(workbook(report_data(result)),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="board-report-{record.id}.xlsx"'})


@bp.route("/runs/<int:run_id>/report.pdf")
@role_required("finance")
def report_pdf(run_id: int):
    from services.report import report_data
    from services.report_pdf import report_pdf as document

    record, result = _result_or_404(run_id)
    return Response(document(report_data(result)), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="board-report-{record.id}.pdf"'})


@bp.route("/compare")
@role_required("finance")
def compare():
    """Two or more finished runs of the officer's districts side by side (another district's run is not found)."""
    ids = database_ids(request.args.getlist("run"), limit=MAX_COMPARED_RUNS)
    results = []
    for run_id in ids:
        record = finance.get_run(session=db.session, run_id=run_id, district_ids=staff_districts())
        if record is not None and record.result:
            results.append(finance.run_result(record) | {"run_id": record.id})
    if not results:
        flash("Choose finished runs to compare.", "error")
        return redirect(url_for("finance.index"))
    headers, rows = finance.compare(results)
    return render_template("finance/compare.html", results=results, headers=headers, rows=rows,
                           figure=charts.comparison_chart(results))
