"""`flask project --roster FILE --scenario FILE [--json]`: run a scenario file on a roster file and print the per-year
results the run page shows: the same table as its CSV download (or, with --json, the run's result as JSON)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

MAX_ROSTER_BYTES = 256 * 1024 * 1024


@click.command("project")
@click.option("--roster", "roster_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A roster file (CSV or XLSX, the columns the roster import reads).")
@click.option("--scenario", "scenario_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A scenario file (YAML or JSON, as the scenario page exports it).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON instead of the CSV table.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the roster is checked against (no hire date after it); default: today.")
@with_appcontext
def project_command(roster_path: str, scenario_path: str, as_json: bool, today) -> None:
    """Project a roster under a scenario and its baseline; exit 1 with every problem when a file does not fit."""
    from engine import load_districts
    from engine.budget.drivers import cost_drivers
    from engine.budget.projection import project
    from engine.budget.roster import RosterError, RosterFileError, parse_roster, read_table
    from engine.budget.scenario import ScenarioError
    from engine.budget.scenario_file import ScenarioFileError, read_scenario
    from services import finance

    try:
        scenario = read_scenario(Path(scenario_path).read_bytes()[:4 * 1024 * 1024], Path(scenario_path).name)
    except ScenarioFileError as exc:
        _fail(exc.problems)
    districts = load_districts(current_app.config["DISTRICT_RULES"])
    rules = districts.get(scenario.district_id)
    if rules is None:
        _fail([f"{scenario_path}: district_id: expected one of {', '.join(sorted(districts))}, got {scenario.district_id!r}"])
    path = Path(roster_path)
    if path.stat().st_size > MAX_ROSTER_BYTES:
        _fail([f"{roster_path}: larger than {MAX_ROSTER_BYTES // (1024 * 1024)} MB"])
    try:
        headers, rows = read_table(path.read_bytes(), path.name)
        roster = parse_roster(rules, headers, rows, today=(today.date() if today else date.today()))
    except RosterFileError as exc:
        _fail([f"{roster_path}: {exc}"])
    except RosterError as exc:
        _fail([f"{roster_path}: {e}" for e in exc.errors] or [f"{roster_path}: {exc}"])
    try:
        chosen, base = project(rules, scenario, roster), project(rules, scenario.baseline(), roster)
        result = finance.assemble(rules, scenario, chosen, base, roster_name=path.name, teachers=len(roster))
        result["drivers"] = cost_drivers(rules, scenario, roster, project)
    except ScenarioError as exc:
        _fail([f"{scenario_path}: {p}" for p in exc.problems])
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(finance.to_csv(result), nl=False)


def _fail(problems: list[str]) -> None:
    for problem in problems:
        click.echo(problem, err=True)
    sys.exit(1)
