"""Runs in the finance area: a run's progress and result (charts and the table), its downloads, the board's
report (page, workbook, PDF) and finished runs compared side by side."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from models.finance import RunStatus
from services import finance
from web.access import role_required
from web.downloads import attachment
from web.extensions import db
from web.finance import bp, charts
from web.limits import database_ids
from web.scoping import staff_districts

MAX_COMPARED_RUNS = 10


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
    return attachment(finance.to_csv(result), f"projection-{record.id}.csv")


@bp.route("/runs/<int:run_id>/projection.xlsx")
@role_required("finance")
def export_xlsx(run_id: int):
    record, result = _result_or_404(run_id)
    return attachment(finance.to_xlsx(result), f"projection-{record.id}.xlsx")


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
    from services.report import report_data
    from services.report import report_xlsx as workbook

    record, result = _result_or_404(run_id)
    return attachment(workbook(report_data(result)), f"board-report-{record.id}.xlsx")


@bp.route("/runs/<int:run_id>/report.pdf")
@role_required("finance")
def report_pdf(run_id: int):
    from services.report import report_data
    from services.report_pdf import report_pdf as document

    record, result = _result_or_404(run_id)
    return attachment(document(report_data(result)), f"board-report-{record.id}.pdf")


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
