"""`flask rules check | schema | import-grid`: rule files from the command line.

A `flask` plugin command: it runs without building the web app. Rule files are read
from LANEWISE_DISTRICT_RULES (default: district_rules/).
"""
from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from cli.common import rules_folder


@click.group()
def rules() -> None:
    """Check, describe and build district rule files."""


@rules.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Validate rule files (default: every file in LANEWISE_DISTRICT_RULES or district_rules/); exit 1 on any error."""
    from engine.rules.folder import read_rule_file
    from engine.rules.reader import RuleFileError

    paths = list(files) or sorted(rules_folder().glob("*.yaml"))
    failed = False
    for path in paths:
        try:
            rules_ = read_rule_file(path)
        except RuleFileError as exc:
            failed = True
            for error in exc.errors:
                click.echo(str(error), err=True)
        else:
            flagged = " (illustrative)" if rules_.district.illustrative and "illustrative" not in rules_.district.name.lower() else ""
            click.echo(f"{path}: ok, {rules_.district.name}{flagged}, schedules {', '.join(rules_.school_years())}")
    sys.exit(1 if failed else 0)


@rules.command("schema")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="default: schema.json in the rules folder")
def schema(out: Path | None) -> None:
    """Write the JSON Schema of the rule-file format."""
    from engine.rules.load import schema_text

    out = out or rules_folder() / "schema.json"
    out.write_text(schema_text(), encoding="utf-8")
    click.echo(f"wrote {out}")


IMPORT_HELP = """Turn a published salary grid (CSV or XLSX, first sheet) into a rule file.

\b
The first column holds the step labels, the header row the lane names:
\b
    step,BA,BA+15,MA,MA+30
    1,"48,000",49500,52000,55000
    2,49000,50500,53000,56000
    3-5,50000,51500,54000,57000
    6+,51000,,55000,58000

\b
Steps may be numbers (step 0 too), bands ("3-5", "1 & 2"), open ends ("6+",
"Y+"), letters ("B", "L-N") or a label with its number ("D (1)", "L.5 (10)").
A row left blank (or "reserved") is a reserved step. Lanes say their degree and
credit in their names ("MA+30", "BA+60/MA", "APC w/Master's +30"); what cannot be
read is asked for with --lane. What was understood and guessed is printed on
standard error to confirm.

\b
A new district (FILE missing or empty, or no --into):
    flask rules import-grid grid.csv --effective 2024-07-01 \\
        --into district_rules/maple-grove.yaml --name "Maple Grove ISD" --state MN \\
        --source-title "2024-25 teacher salary schedule" --source-url https://...
A new dated schedule in an existing district:
    flask rules import-grid grid-2025.csv --effective 2025-07-01 --into district_rules/maple-grove.yaml

The result is checked as a whole rule file before it is written (or printed)."""


@rules.command("import-grid", help=IMPORT_HELP)
@click.argument("grid_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--effective", required=True, help="the date the schedule takes effect, e.g. 2026-07-01")
@click.option("--into", "into", type=click.Path(dir_okay=False, path_type=Path),
              help="the rule file to write: a new district if it is missing or empty, else a schedule added to it "
                   "(its other schedules kept); default: print the rule file")
@click.option("--district-id", help="a new district's id (default: the --into file's name)")
@click.option("--name", help="a new district's name")
@click.option("--state", help="a new district's two-letter state, e.g. MN")
@click.option("--source-title", help="the document the grid comes from (cited in the rule file)")
@click.option("--source-url", help="where that document is published")
@click.option("--index", "is_index", is_flag=True, help="the cells are index multipliers (BA step 1 = 1.0000)")
@click.option("--base", help="with --index: the amount at index 1.0000")
@click.option("--rounding", type=click.Choice(["half_up", "half_even", "down", "up"]),
              help="round amounts with more than two decimals to the cent this way (refused otherwise)")
@click.option("--skipped-steps", type=click.Choice(["longevity", "next-row"]),
              help="steps that skip numbers (16, 25, 30): longevity = stay on 16 until year 25; next-row = one row a year")
@click.option("--blank-cells", type=click.Choice(["carry", "none"]),
              help="a blank cell below a lane's amounts: carry = paid as the amount above; none = no such cell")
@click.option("--lane", "lane_options", multiple=True, metavar="'LABEL=DEGREE[+CREDITS]'",
              help="a lane's degree and credit, e.g. --lane 'APL NBC=bachelor' (repeatable)")
@click.option("--skip-row", "skip_rows", multiple=True, metavar="LABEL", help="leave a row out (repeatable)")
def import_grid(grid_file: Path, effective: str, into: Path | None, district_id, name, state, source_title, source_url,
                is_index, base, rounding, skipped_steps, blank_cells, lane_options, skip_rows) -> None:
    from engine.rules.grid import GridChoices, GridError, parse_requirement, read_grid, understand

    try:
        effective_date = date.fromisoformat(effective)
    except ValueError:
        raise click.UsageError(f"--effective: expected a date such as 2026-07-01, got {effective!r}") from None
    lanes = {}
    for option in lane_options:
        label, sep, requirement = option.rpartition("=")
        try:
            if not sep or not label.strip():
                raise ValueError(f"expected LABEL=DEGREE[+CREDITS], got {option!r}")
            lanes[" ".join(label.split())] = parse_requirement(requirement)
        except ValueError as exc:
            raise click.UsageError(f"--lane: {exc}") from None
    try:
        base_amount = Decimal(base) if base is not None else None
    except InvalidOperation:
        raise click.UsageError(f"--base: expected an amount such as 41000.00, got {base!r}") from None
    if base_amount is not None and not is_index:
        raise click.UsageError("--base goes with --index")
    choices = GridChoices(effective=effective_date, index=is_index, base=base_amount, rounding=rounding,
                          skipped_steps=skipped_steps.replace("-", "_") if skipped_steps else None,
                          blank_cells=blank_cells, lanes=lanes, skip_rows=tuple(skip_rows))
    try:
        grid = read_grid(grid_file.read_bytes(), str(grid_file))
    except GridError as exc:
        raise click.ClickException(str(exc)) from None
    reading = understand(grid, choices)
    for line in reading.summary():
        click.echo(line, err=True)
    if not reading.ok:
        raise click.ClickException(f"{grid_file}: not imported ({len(reading.problems)} problem(s) above)")
    text, target, what = _rule_file_text(reading, grid_file, effective_date, into, district_id, name, state,
                                         source_title, source_url)
    if into is None:
        click.echo(text, nl=False)
        return
    into.write_text(text, encoding="utf-8")
    click.echo(f"{what} ({len(reading.lanes)} lanes, {len(reading.rows)} rows) in {into}; check it with "
               f"`flask rules check {into}`", err=True)


def _rule_file_text(reading, grid_file: Path, effective: date, into: Path | None, district_id, name, state,
                    source_title, source_url) -> tuple[str, Path | None, str]:
    """The rule file's new text, checked as a whole, and what was done."""
    from engine.rules.reader import RuleFileError
    from engine.rules.writer import NewDistrict, WriteRefused, rule_file_for

    existing = into.read_text(encoding="utf-8") if into is not None and into.is_file() else ""
    district = None
    if existing.strip():
        what = f"added the {effective} schedule"
    else:
        district_id = district_id or (into.stem if into is not None else grid_file.stem.split("_")[0].lower())
        missing = [option for option, value in (("--name", name), ("--state", state)) if not value]
        if missing:
            raise click.UsageError(f"a new district needs {' and '.join(missing)} (its id is {district_id!r})")
        district = NewDistrict(district_id, name, state.upper(), source_title, source_url)
        what = f"wrote district {district_id} with its {effective} schedule"
    try:
        text = rule_file_for(reading, effective, existing, district, str(into) if into else None, grid_file.name)
    except WriteRefused as exc:
        raise click.ClickException(f"{into or grid_file}: {exc}") from None
    except RuleFileError as exc:
        raise click.ClickException(f"the rule file would not be valid, so nothing was written:\n{exc}") from None
    return text, into, what
