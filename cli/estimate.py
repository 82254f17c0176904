"""`flask estimate`: a teacher's pay now and over the next years, as a table or JSON; `--batch` for many.

Registered as a `flask` plugin command (pyproject's `flask.commands` entry points), so
it runs without building the web app: it imports the engine and reads only the
rule file of the district it is asked about.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import click

from cli.common import DistrictFiles

MAX_BATCH_LINES = 200_000
MAX_LINE_BYTES = 64 * 1024
LIST_FIELDS = ("subjects", "certifications", "achievements")
# The batch CSV's columns may use the command's option names as well as the JSON keys.
CSV_ALIASES = {"subject": "subjects", "certification": "certifications"}
TRUE = ("yes", "true", "1", "y")


@click.command("estimate")
@click.option("--district", help="district id, e.g. dysart")
@click.option("--school-year", help="e.g. 2026-27")
@click.option("--step", help="a step number, or its label on the schedule (B, 'L.5 (10)', '1 & 2')")
@click.option("--lane")
@click.option("--micro-credentials", type=int, default=0, show_default=True, help="earned this school year")
@click.option("--credits", type=str, default="0", show_default=True, help="semester hours earned this school year")
@click.option("--years", type=int, default=10, show_default=True)
@click.option("--fte", type=str, default="1", show_default=True)
@click.option("--degree", type=click.Choice(["none", "bachelor", "master", "specialist", "doctorate"]))
@click.option("--band")
@click.option("--years-of-service", type=int)
@click.option("--subject", "subjects", multiple=True, help="repeatable, e.g. --subject math")
@click.option("--certification", "certifications", multiple=True, help="repeatable, e.g. --certification nbct")
@click.option("--non-certified", is_flag=True, help="the teacher holds no teaching certificate")
@click.option("--role", help="a teacher-leader role to aim for")
@click.option("--growth-steps", type=int, default=0, show_default=True, help="growth steps already held")
@click.option("--json", "as_json", is_flag=True, help="print the estimate as JSON")
@click.option("--batch", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="a CSV (header of option names: district,school_year,step,lane,...) or JSON lines file of "
                   "estimates, '-' for standard input; prints one JSON answer a line, in order")
def estimate_command(district, school_year, step, lane, micro_credentials, credits, years, fte, degree, band,
                     years_of_service, subjects, certifications, non_certified, role, growth_steps, as_json, batch):
    """A teacher's pay now and year by year, with the arithmetic.

    Rule files are read from LANEWISE_DISTRICT_RULES (default: district_rules/).
    With --batch FILE, each line of FILE is one estimate's options (the JSON keys of
    POST /api/v1/estimate, or a CSV with those names as its header; lists such as
    subjects separated by ';'), and each answer is one line of JSON: the estimate, or
    {"line": N, "error": "..."}. The exit status is 1 if any line failed.
    """
    files = DistrictFiles.for_command()
    if batch is not None:
        sys.exit(_run_batch(files, batch))
    missing = [name for name, value in (("--district", district), ("--school-year", school_year), ("--step", step),
                                        ("--lane", lane)) if not value and value != 0]
    if missing:
        raise click.UsageError(f"missing option(s) {', '.join(missing)} (or give --batch FILE)")
    try:
        options = {
            "district": district, "school_year": school_year, "step": _step(step), "lane": lane,
            "micro_credentials": micro_credentials, "credits": Decimal(credits), "years": years, "fte": Decimal(fte),
            "degree": degree, "band": band, "years_of_service": years_of_service, "subjects": list(subjects),
            "certifications": list(certifications), "certified": not non_certified, "role": role,
            "growth_steps": growth_steps}
    except (ArithmeticError, ValueError) as exc:
        raise click.UsageError(f"expected a number: {exc}") from None
    try:
        data, rules = _estimate(files, options)
    except _Refused as exc:
        raise click.UsageError(str(exc)) from None
    except _Broken as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    _print_table(data, rules)


class _Refused(ValueError):
    """An option the district's rules cannot use (a usage error)."""


class _Broken(Exception):
    """The district's rule file does not load."""


def _step(value: str) -> int | str:
    text = value.strip()
    return int(text) if text.isdigit() else text


def _estimate(files: DistrictFiles, options: dict) -> tuple[dict, object]:
    """The estimate JSON for one set of options, and the district's rules."""
    from pydantic import ValidationError

    from engine.errors import RuleInputError
    from engine.rules.reader import RuleFileError
    from engine.teacher.estimate import estimate
    from engine.teacher.options import EstimateOptions

    options = {key: value for key, value in options.items() if value is not None}
    try:
        parsed = EstimateOptions.model_validate(options)
    except ValidationError as exc:
        raise _Refused(_describe(exc)) from None
    try:
        rules = files.rules(parsed.district)
    except KeyError:
        raise _Refused(f"unknown district {parsed.district!r} (districts: {', '.join(files.ids())})") from None
    except RuleFileError as exc:
        raise _Broken(f"the rule file of {parsed.district} has errors:\n{exc}") from None
    try:
        return estimate(rules, parsed.to_input(rules)).to_json(), rules
    except (RuleInputError, ValueError, KeyError, LookupError) as exc:
        raise _Refused(f"unknown value {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)) from None


def _describe(exc) -> str:
    return "; ".join(f"--{'-'.join(str(p) for p in e['loc'][:1]).replace('_', '-')}: {e['msg']}" for e in exc.errors())


def _print_table(data: dict, rules) -> None:
    from engine.pay.cells import schedule_for

    def label(year: dict) -> str:
        schedule, _, _ = schedule_for(rules, rules.year(year["school_year"]))
        return schedule.label_of(year["step"])

    click.echo(f"{data['district_name']}, {data['school_year']}: step {label(data)}, lane {data['lane']}"
               + (" (illustrative figures)" if data["illustrative"] else ""))
    click.echo(f"  Base salary {data['base_salary']:>14}")
    for line in data["additions"]:
        click.echo(f"  {line['name'][:40]:<40} {line['amount']:>12}")
    click.echo(f"  Total       {data['total']:>14}")
    click.echo("")
    header = f"{'Year':<9}{'Step':>8}  {'Lane':<10}{'Base':>13}{'Additions':>12}{'Total':>13}{'Cumulative':>15}"
    click.echo(header)
    click.echo("-" * len(header))
    for year in data["timeline"]:
        mark = " *" if year["assumed"] else ""
        click.echo(f"{year['school_year']:<9}{label(year):>8}  {year['lane']:<10}{year['base_salary']:>13}"
                   f"{year['additions_total']:>12}{year['total']:>13}{year['cumulative']:>15}{mark}")
    if data["assumed_years"]:
        click.echo("* assumed: no schedule adopted yet; the latest is carried forward by the COLA assumption")


# --- batch ---------------------------------------------------------------------------------------


def _run_batch(files: DistrictFiles, path: Path) -> int:
    """Answer every line of a batch file on standard output; 1 if any line failed, else 0."""
    if str(path) == "-":
        return _answer_all(files, sys.stdin, "standard input")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _answer_all(files, handle, str(path))
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot be read: {exc.strerror}") from None


def _answer_all(files: DistrictFiles, handle, name: str) -> int:
    failed = 0
    out = sys.stdout
    for line, options in _batch_records(handle, name):
        if isinstance(options, str):
            answer: dict = {"line": line, "error": options}
        else:
            try:
                answer, _ = _estimate(files, options)
            except (_Refused, _Broken) as exc:
                answer = {"line": line, "error": str(exc)}
        failed += "error" in answer
        out.write(json.dumps(answer, separators=(",", ":")) + "\n")
    if failed:
        click.echo(f"{failed} line(s) could not be estimated", err=True)
    return 1 if failed else 0


def _batch_records(handle, name: str):
    """(line number, options dict or an error message) for each record of a CSV or JSON-lines file."""
    first = handle.readline(MAX_LINE_BYTES + 1)
    if not first.strip():
        raise click.ClickException(f"{name}: expected a CSV header or JSON lines, got an empty first line")
    if first.lstrip().startswith("{"):
        yield from _json_lines(first, handle, name)
    else:
        yield from _csv_rows(first, handle, name)


def _lines(first: str, handle, name: str):
    number = 1
    line = first
    while line:
        if len(line) > MAX_LINE_BYTES:
            raise click.ClickException(f"{name}:{number}: a line longer than {MAX_LINE_BYTES // 1024} KB")
        if number > MAX_BATCH_LINES + 1:
            raise click.ClickException(f"{name}: more than {MAX_BATCH_LINES:,} lines; split the file")
        yield number, line
        number += 1
        line = handle.readline(MAX_LINE_BYTES + 1)


def _json_lines(first: str, handle, name: str):
    for number, line in _lines(first, handle, name):
        if not line.strip():
            continue
        try:
            options = json.loads(line, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            yield number, f"expected a JSON object of estimate options: {exc}"
            continue
        yield number, options if isinstance(options, dict) else "expected a JSON object of estimate options"


def _csv_rows(first: str, handle, name: str):
    header = [_column(h) for h in next(csv.reader([first]))]
    for number, line in _lines(first, handle, name):
        if number == 1 or not line.strip():
            continue
        values = next(csv.reader(io.StringIO(line)), [])
        if len(values) > len(header):
            yield number, f"expected {len(header)} columns as in the header, got {len(values)}"
            continue
        options: dict = {}
        for column, value in zip(header, values):
            value = value.strip()
            if value == "":
                continue
            if column in LIST_FIELDS:
                options[column] = [v.strip() for v in value.split(";") if v.strip()]
            elif column == "certified":
                options[column] = value.lower() in TRUE
            elif column == "non_certified":
                options["certified"] = value.lower() not in TRUE
            elif column == "step":
                options[column] = _step(value)
            else:
                options[column] = value
        yield number, options


def _column(text: str) -> str:
    name = text.strip().lower().lstrip("-").replace("-", "_").replace(" ", "_")
    return CSV_ALIASES.get(name, name)

