"""`flask rules check | schema | import-grid`: rule files from the command line."""
from __future__ import annotations

import csv
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
import yaml

from engine.rules.load import RULES_DIR, parse_rules, schema_text
from engine.rules.reader import RuleFileError


@click.group()
def rules() -> None:
    """Check, describe and build district rule files."""


@rules.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Validate rule files (default: every file in district_rules/); exit 1 on any error."""
    paths = list(files) or sorted(RULES_DIR.glob("*.yaml"))
    failed = False
    for path in paths:
        try:
            rules_ = parse_rules(path)
        except RuleFileError as exc:
            failed = True
            for error in exc.errors:
                click.echo(str(error), err=True)
        except OSError as exc:
            failed = True
            click.echo(f"{path}: cannot read: {exc.strerror}", err=True)
        else:
            flagged = " (illustrative)" if rules_.district.illustrative and "illustrative" not in rules_.district.name.lower() else ""
            click.echo(f"{path}: ok, {rules_.district.name}{flagged}, schedules {', '.join(rules_.school_years())}")
    sys.exit(1 if failed else 0)


@rules.command("schema")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=RULES_DIR / "schema.json",
              show_default=True)
def schema(out: Path) -> None:
    """Write the JSON Schema of the rule-file format."""
    out.write_text(schema_text(), encoding="utf-8")
    click.echo(f"wrote {out}")


def read_grid(path: Path) -> tuple[list[str], list[dict]]:
    """A published grid saved as CSV (first column the step label, one column per lane) as lanes and rows."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        table = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    if len(table) < 2:
        raise click.ClickException(f"{path}: expected a header row and at least one step row")
    lanes = [cell.strip() for cell in table[0][1:]]
    if not lanes or any(not lane for lane in lanes):
        raise click.ClickException(f"{path}:1: expected a lane name in every column after the first")
    rows = []
    for number, record in enumerate(table[1:], start=2):
        label = record[0].strip()
        step: int | str = int(label) if label.isdigit() else label
        cells = [cell.strip().replace(",", "").replace("$", "") for cell in record[1:]]
        cells += [""] * (len(lanes) - len(cells))
        if all(cell.lower() in ("", "reserved") for cell in cells) and any(cells):
            rows.append({"step": step, "reserved": True})
            continue
        amounts = []
        for column, cell in enumerate(cells[: len(lanes)], start=2):
            if cell == "":
                amounts.append(None)
                continue
            try:
                amounts.append(Decimal(cell).quantize(Decimal("0.01")))
            except InvalidOperation:
                raise click.ClickException(f"{path}:{number}: column {column} ({lanes[column - 2]}): "
                                           f"expected an amount such as 52,340.00, got {cell!r}") from None
        rows.append({"step": step, "amounts": amounts})
    return lanes, rows


def _yaml_scalar(value) -> str:
    if value is None:
        return "~"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '\\"') + '"'


def grid_yaml(effective: str, lanes: list[str], rows: list[dict]) -> str:
    """A schedule entry in rule-file YAML, one row a line as districts publish them."""
    lines = [f"  {effective}:", "    kind: grid", f"    lanes: [{', '.join(_yaml_scalar(l) for l in lanes)}]", "    rows:"]
    for row in rows:
        if row.get("reserved"):
            lines.append(f"      - {{step: {_yaml_scalar(row['step'])}, reserved: true}}")
        else:
            amounts = ", ".join(_yaml_scalar(a) for a in row["amounts"])
            lines.append(f"      - {{step: {_yaml_scalar(row['step'])}, amounts: [{amounts}]}}")
    return "\n".join(lines) + "\n"


@rules.command("import-grid")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--effective", required=True, help="the date the schedule takes effect, e.g. 2026-07-01")
@click.option("--into", "into", type=click.Path(dir_okay=False, path_type=Path),
              help="a rule file to add the schedule to (its other schedules are kept); default: print it")
def import_grid(csv_file: Path, effective: str, into: Path | None) -> None:
    """Turn a published grid saved as CSV into a schedule of a rule file."""
    from datetime import date

    try:
        effective_date = date.fromisoformat(effective)
    except ValueError:
        raise click.ClickException(f"--effective: expected a date such as 2026-07-01, got {effective!r}") from None
    lanes, rows = read_grid(csv_file)
    entry = grid_yaml(effective_date.isoformat(), lanes, rows)
    if into is None:
        click.echo("schedules:\n" + entry, nl=False)
        return
    text = into.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if effective_date in (data.get("schedules") or {}):
        raise click.ClickException(f"{into}: a schedule dated {effective_date} exists already; edit it by hand")
    new_text = _insert_schedule(text, entry)
    try:
        parse_rules(into, new_text)
    except RuleFileError as exc:
        raise click.ClickException(f"the imported schedule does not fit {into}:\n{exc}") from None
    into.write_text(new_text, encoding="utf-8")
    click.echo(f"added the {effective_date} schedule ({len(lanes)} lanes, {len(rows)} rows) to {into}")


def _insert_schedule(text: str, entry: str) -> str:
    """The rule file's text with a schedule entry appended to its `schedules:` block."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.rstrip() == "schedules:":
            end = i + 1
            while end < len(lines) and (lines[end].startswith((" ", "#")) or not lines[end].strip()):
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1
            return "".join(lines[:end]) + entry + "".join(lines[end:])
    return text.rstrip("\n") + "\n\nschedules:\n" + entry
