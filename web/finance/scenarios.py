"""Scenarios in the finance area: build or edit one (the form follows the chosen district), export it as a file
and import one, judge the micro-credential policy by its outcomes, and queue a scenario's run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.budget.scenario import ScenarioError
from services import finance
from services import roster as rosters
from web.access import role_required
from web.downloads import attachment
from web.extensions import db
from web.finance import bp
from web.finance.forms import (
    LABELS,
    FormError,
    engine_problems,
    form_from_scenario,
    rule_file_values,
    scenario_from_form,
)
from web.scoping import staff_districts, staff_rules


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
    return attachment(text, f"scenario-{record.id}.{kind}")


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
                    raise ScenarioFileError([(f"{upload.filename}: district_id: expected one of your districts "
                                              f"({', '.join(sorted(own)) or 'none yet'}), got {scenario.district_id!r}")])
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
