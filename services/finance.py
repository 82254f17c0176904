"""Scenarios and projection runs: save a scenario, queue a run, execute it (in the Huey worker), and the
result as tables, CSV and XLSX. Database access takes the session explicitly."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from engine.budget.projection import bands, money
from engine.budget.notes import unchanged_levers
from services.report import stored_assumptions
from engine.budget.scenario import Scenario, prepare
from engine.rules import DistrictRules
from models.finance import BudgetRoster, ProjectionRun, ScenarioRecord
from models.types import utcnow
from safe.spreadsheet import csv_row, xlsx_append

MONEY_COLUMNS = ("base_pay", "additions", "role_supplements", "one_time_payments", "pay", "social_security", "medicare",
                 "fica", "retirement", "health", "benefits",
                 "program_cost", "total", "one_time", "recurring")
LABELS = {
    "school_year": "School year", "headcount": "Head count", "fte": "FTE", "participants": "Earning micro-credentials",
    "micro_credentials": "Micro-credentials earned", "role_holders": "Role holders", "leavers": "Leavers",
    "retirees": "Retirements", "hires": "Hires", "base_pay": "Base pay", "additions": "Additions (all)",
    "role_supplements": "Role supplements", "one_time_payments": "One-time payments", "pay": "Pay",
    "cost_of_one_percent": "Cost of 1% on the schedule", "social_security": "Social Security",
    "medicare": "Medicare", "fica": "FICA (both)", "retirement": "Retirement",
    "health": "Health", "benefits": "Benefits", "program_cost": "Program cost (one-time)", "total": "Total cost",
    "one_time": "One-time cost", "recurring": "Recurring cost", "baseline_total": "Baseline total",
    "difference": "Difference vs baseline", "p5": "Total, 5th percentile", "median": "Total, median",
    "p95": "Total, 95th percentile", "difference_p5": "Difference, 5th percentile",
    "difference_median": "Difference, median", "difference_p95": "Difference, 95th percentile",
}


class FinanceError(ValueError):
    """A request finance cannot carry out, with a message to show."""


# --- scenarios ---------------------------------------------------------------------------------------


def save_scenario(*, session: Session, rules: DistrictRules, scenario: Scenario, roster_id: int,
                  created_by: int | None = None, scenario_id: int | None = None) -> ScenarioRecord:
    """Check a scenario against its district's rules and store it (new, or replacing `scenario_id`)."""
    prepare(rules, scenario)  # every problem raises ScenarioError, before anything is stored
    roster = session.get(BudgetRoster, roster_id)
    if roster is None or roster.district_id != scenario.district_id:
        raise FinanceError("choose a roster of the scenario's district")
    record = session.get(ScenarioRecord, scenario_id) if scenario_id else None
    if record is None:
        record = ScenarioRecord(district_id=scenario.district_id, name=scenario.name, roster_id=roster_id,
                                definition=scenario.model_dump_json(), created_by=created_by)
    else:
        record.name, record.roster_id = scenario.name, roster_id
        record.definition, record.updated_at = scenario.model_dump_json(), utcnow()
    session.add(record)
    session.commit()
    session.refresh(record)
    return record


def scenario_of(record: ScenarioRecord) -> Scenario:
    return Scenario.model_validate_json(record.definition)


def list_scenarios(*, session: Session, district_ids: Collection[str] | None = None) -> list[ScenarioRecord]:
    """Saved scenarios, newest first, of the finance officer's `district_ids` (None: every district)."""
    query = select(ScenarioRecord).order_by(ScenarioRecord.id.desc())
    if district_ids is not None:
        query = query.where(ScenarioRecord.district_id.in_(sorted(district_ids)))
    return list(session.scalars(query))


def get_scenario(*, session: Session, scenario_id: int,
                 district_ids: Collection[str] | None = None) -> ScenarioRecord | None:
    """The scenario, or None when there is none (or it is of a district not in `district_ids`)."""
    record = session.get(ScenarioRecord, scenario_id)
    return record if record is not None and (district_ids is None or record.district_id in district_ids) else None


# --- runs ------------------------------------------------------------------------------------------------


def queue_run(*, session: Session, scenario_id: int, created_by: int | None = None) -> ProjectionRun:
    """A new run of a saved scenario over its roster, waiting for the worker."""
    record = session.get(ScenarioRecord, scenario_id)
    if record is None or record.roster_id is None:
        raise FinanceError("the scenario has no roster to project")
    run = ProjectionRun(scenario_id=record.id, roster_id=record.roster_id, created_by=created_by,
                        message="Waiting for the worker")
    session.add(run)
    session.commit()
    session.refresh(run)
    return run


def list_runs(*, session: Session, limit: int = 50, district_ids: Collection[str] | None = None) -> list[ProjectionRun]:
    """Runs, newest first, over rosters of the finance officer's `district_ids` (None: every district)."""
    query = select(ProjectionRun).order_by(ProjectionRun.id.desc()).limit(limit)
    if district_ids is not None:
        query = query.join(BudgetRoster, BudgetRoster.id == ProjectionRun.roster_id).where(
            BudgetRoster.district_id.in_(sorted(district_ids)))
    return list(session.scalars(query))


def get_run(*, session: Session, run_id: int, district_ids: Collection[str] | None = None) -> ProjectionRun | None:
    """The run, or None when there is none (or its roster is of a district not in `district_ids`)."""
    run = session.get(ProjectionRun, run_id)
    if run is None or district_ids is None:
        return run
    roster = session.get(BudgetRoster, run.roster_id)
    return run if roster is not None and roster.district_id in district_ids else None


def run_result(run: ProjectionRun) -> dict | None:
    return json.loads(run.result) if run.result else None


def execute_run(*, session: Session, run_id: int, districts: dict[str, DistrictRules]) -> ProjectionRun:
    """Project the scenario and its baseline in this process, part after part (workers share the parts out:
    `services.runs`); progress is recorded as it goes, then the result (or the failure)."""
    from services import runs

    if session.get(ProjectionRun, run_id) is None:
        raise FinanceError(f"no run {run_id}")
    return runs.run_in_process(session=session, run_id=run_id, districts=districts)


def by_piece(chosen: list[dict], base: list[dict]) -> list[dict]:
    """Each bargaining unit and funding source: its cost over all years, the baseline's, and the difference."""
    baseline = {(p["unit"], p["funding"]): p for p in base}
    rows = []
    for piece in chosen:
        other = baseline.get((piece["unit"], piece["funding"]))
        total = sum(Decimal(y["total"]) for y in piece["years"])
        before = sum(Decimal(y["total"]) for y in other["years"]) if other else Decimal("0.00")
        rows.append({"unit": piece["unit"], "unit_name": piece["unit_name"], "funding": piece["funding"],
                     "fte": piece["years"][0]["fte"], "total": str(total), "baseline": str(before),
                     "difference": str(total - before),
                     "years": [{"school_year": y["school_year"], "total": y["total"], "fte": y["fte"]} for y in piece["years"]]})
    return rows


def assemble(rules: DistrictRules, scenario: Scenario, chosen, base, roster_name: str, teachers: int) -> dict:
    """The stored result of a run: the scenario's years, the baseline's, differences and Monte Carlo bands."""
    difference = []
    for year, other in zip(chosen.years, base.years):
        difference.append({"school_year": year["school_year"],
                           **{name: str(Decimal(year[name]) - Decimal(other[name])) for name in MONEY_COLUMNS}})
    # A lever that is already the district's rule changes nothing: the result says so, beside its $0.00.
    notes = unchanged_levers(rules, scenario)
    result = {
        "district": rules.id, "district_name": rules.district.name, "illustrative": rules.district.illustrative,
        "scenario_name": scenario.name, "scenario": scenario.model_dump(mode="json"), "roster": roster_name,
        "teachers": teachers, "years": chosen.years, "baseline": base.years, "difference": difference,
        "addition_names": [a.name for a in rules.additions] + sorted({n for y in chosen.years for n in y["additions_by_kind"]}
                                                                     - {a.name for a in rules.additions}),
        "draws": scenario.draws, "seed": scenario.seed, "bands": chosen.bands, "baseline_bands": base.bands,
        "difference_bands": [], "notes": notes,
        "by_piece": by_piece(chosen.pieces, base.pieces),
        "assumptions": stored_assumptions(rules, scenario),
    }
    if scenario.draws and chosen.totals_by_draw is not None and base.totals_by_draw is not None:
        # Same seed, draw by draw: the difference's own percentiles, not the difference of percentiles.
        result["difference_bands"] = bands([y["school_year"] for y in chosen.years],
                                           chosen.totals_by_draw - base.totals_by_draw)
    return result


# --- tables and files ---------------------------------------------------------------------------------------


def table(result: dict) -> tuple[list[str], list[list]]:
    """The result as one row per school year: counts, money by component, baseline and difference, bands."""
    names = result.get("addition_names", [])
    keys = ["school_year", "headcount", "fte", "participants", "micro_credentials", "role_holders", "leavers",
            "retirees", "hires", "base_pay"]
    headers = [LABELS[k] for k in keys] + names + [LABELS[k] for k in MONEY_COLUMNS[1:]] + \
        [LABELS["baseline_total"], LABELS["difference"], LABELS["cost_of_one_percent"]]
    has_bands = bool(result.get("bands"))
    if has_bands:
        headers += [LABELS[k] for k in ("p5", "median", "p95", "difference_p5", "difference_median", "difference_p95")]
    rows = []
    for i, year in enumerate(result["years"]):
        row: list = [year["school_year"]] + [Decimal(year[k]) for k in keys[1:9]] + [Decimal(year["base_pay"])]
        row += [Decimal(year["additions_by_kind"].get(name, "0.00")) for name in names]
        row += [Decimal(year.get(k, "0.00")) for k in MONEY_COLUMNS[1:]]   # results stored before SS/Medicare lack them
        row += [Decimal(result["baseline"][i]["total"]), Decimal(result["difference"][i]["total"]),
                Decimal(year.get("cost_of_one_percent", "0.00"))]
        if has_bands:
            band = result["bands"][i]
            diff = result["difference_bands"][i] if result.get("difference_bands") else {"p5": "0", "median": "0", "p95": "0"}
            row += [Decimal(band["p5"]), Decimal(band["median"]), Decimal(band["p95"]),
                    Decimal(diff["p5"]), Decimal(diff["median"]), Decimal(diff["p95"])]
        rows.append(row)
    return headers, rows


def to_csv(result: dict) -> str:
    headers, rows = table(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(headers))
    for row in rows:
        writer.writerow(csv_row(str(v) for v in row))  # text never a live formula (safe/spreadsheet.py)
    return out.getvalue()


def to_xlsx(result: dict) -> bytes:
    """The result table as a workbook: one sheet of years, one of the scenario's assumptions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = table(result)
    book = Workbook()
    sheet = book.active
    sheet.title = "Projection"
    xlsx_append(sheet, headers)  # every row: text never a live formula (safe/spreadsheet.py)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    for column in sheet.iter_cols(min_row=2, min_col=2):
        for cell in column:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "B2"
    about = book.create_sheet("Scenario")
    xlsx_append(about, ["District", result["district_name"]])
    xlsx_append(about, ["Roster", result["roster"]])
    xlsx_append(about, ["Teachers", result["teachers"]])
    for key, value in result["scenario"].items():
        xlsx_append(about, [key, json.dumps(value) if isinstance(value, (dict, list))
                            else ("" if value is None else str(value))])
    if result.get("illustrative"):
        xlsx_append(about, ["Note", "The district's rule file is illustrative: figures are not the district's."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def compare(results: list[dict]) -> tuple[list[str], list[list]]:
    """Scenarios side by side: total cost per year of each, and each one's difference vs its baseline."""
    years = [y["school_year"] for y in results[0]["years"]]
    headers = ["School year", "Baseline total"] + [f"{r['scenario_name']}: total" for r in results] + \
        [f"{r['scenario_name']}: difference" for r in results]
    rows = []
    for i, label in enumerate(years):
        row = [label, Decimal(results[0]["baseline"][i]["total"]) if i < len(results[0]["baseline"]) else None]
        row += [Decimal(r["years"][i]["total"]) if i < len(r["years"]) else None for r in results]
        row += [Decimal(r["difference"][i]["total"]) if i < len(r["difference"]) else None for r in results]
        rows.append(row)
    totals = ["All years", sum(Decimal(y["total"]) for y in results[0]["baseline"])]
    totals += [sum(Decimal(y["total"]) for y in r["years"]) for r in results]
    totals += [sum(Decimal(y["total"]) for y in r["difference"]) for r in results]
    rows.append(totals)
    return headers, rows


__all__ = ["FinanceError", "save_scenario", "scenario_of", "list_scenarios", "get_scenario", "queue_run", "list_runs",
           "get_run", "run_result", "execute_run", "assemble", "table", "to_csv", "to_xlsx", "compare", "money"]
