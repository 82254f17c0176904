"""Rule files: the shipped ones are valid, the schema is in sync, and each broken one says where and why."""
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.rules import rules
from engine import RULES_DIR, parse_rules, schema_text
from engine.rules.reader import RuleFileError

BROKEN = Path(__file__).parent / "broken"

# file -> (line, dotted path, what the message must say)
EXPECTED = {
    "unknown-key.yaml": (5, "district.mascot", "unknown key"),
    "duplicate-key.yaml": (8, "lanes", "duplicate key 'lanes' (first given on line 5)"),
    "impossible-date.yaml": (9, "schedules", "'2026-02-30' (day is out of range for month)"),
    "impossible-budget-date.yaml": (18, "budget.retirement_rate", "'2026-13-01' (month must be in 1..12)"),
    "undefined-lane.yaml": (11, "schedules.2026-07-01.lanes", "lane 'PhD' is not defined in lanes (BA, MA)"),
    "undefined-addition-lane.yaml": (16, "additions[0].of_lane", "lane 'BA+60' is not defined in lanes"),
    "missing-cell.yaml": (13, "schedules.2026-07-01.rows[0]", "expected 2 amounts, one per lane, got 1"),
    "hole-in-lane.yaml": (14, "schedules.2026-07-01.rows[1].amounts[0]", "lane BA is blank at step 2, below its amounts above: say what such a blank cell means with blank_cells: carry"),
    "skipped-steps.yaml": (15, "schedules.2026-07-01.rows[2]", "steps skip from 2 to 5: say what skipped steps mean with skipped_steps: longevity"),
    "empty-lane.yaml": (11, "schedules.2026-07-01.lanes[1]", "lane MA has no amounts in any row"),
    "half-step-without-number.yaml": (14, "schedules.2026-07-01.rows[1].step", "a label with its number in brackets ('D (1)', 'L.5 (10)'), got 'L.5'"),
    "blank-row.yaml": (13, "schedules.2026-07-01.rows[0]", "every cell is blank: mark the row reserved: true"),
    "no-schedules.yaml": (8, "schedules", "expected at least one schedule"),
    "alias-bomb.yaml": (5, "(top)", "aliases expand to more than 200,000 values"),
    "self-alias.yaml": (5, "(top)", "an alias refers to the mapping or list that holds it"),
    "negative-amount.yaml": (14, "schedules.2026-07-01.rows[1].amounts[1]", "greater than or equal to 0, got -54000.00"),
    "not-a-number.yaml": (7, "lanes[1].credits", 'expected a valid integer, unable to parse string as an integer, got "fifteen"'),
    "bad-yaml.yaml": (11, "(top)", "not valid YAML"),
    "missing-name.yaml": (1, "district.name", "missing: this key is required"),
}


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_rule_file_is_valid(path):
    rules_ = parse_rules(path)
    assert rules_.district.id == path.stem
    assert rules_.school_years(), "a district needs at least one schedule"


def test_every_broken_fixture_is_listed():
    assert {p.name for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_names_file_line_path_and_expectation(name):
    line, path, fragment = EXPECTED[name]
    with pytest.raises(RuleFileError) as caught:
        parse_rules(BROKEN / name)
    messages = [str(e) for e in caught.value.errors]
    wanted = f"{BROKEN / name}:{line}: {path}: "
    assert any(m.startswith(wanted) and fragment in m for m in messages), messages


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rules_check_exits_non_zero_naming_the_problem(name):
    result = CliRunner().invoke(rules, ["check", str(BROKEN / name)])
    assert result.exit_code == 1
    line, path, _ = EXPECTED[name]
    assert f"{name}:{line}: {path}:" in result.output


def test_rules_check_passes_on_the_shipped_files():
    result = CliRunner().invoke(rules, ["check", *map(str, sorted(RULES_DIR.glob("*.yaml")))])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok,") == len(list(RULES_DIR.glob("*.yaml")))


def test_amounts_are_exact_decimals():
    dysart = parse_rules(RULES_DIR / "dysart.yaml")
    first = next(iter(dysart.schedules.values())).rows[4].amounts[0]
    assert str(first) == "54121.61"


def test_schema_json_is_in_sync():
    assert (RULES_DIR / "schema.json").read_text() == schema_text(), "run `flask rules schema` and commit the result"


def test_schema_command_writes_the_schema(tmp_path):
    out = tmp_path / "schema.json"
    result = CliRunner().invoke(rules, ["schema", "--out", str(out)])
    assert result.exit_code == 0
    schema = json.loads(out.read_text())
    assert schema["title"] == "Lanewise district rule file"
    assert schema["additionalProperties"] is False
    assert {"district", "lanes", "schedules"} <= set(schema["required"])


def test_the_file_id_must_match_the_file_name(tmp_path):
    text = (BROKEN / "_base.yaml.txt").read_text()
    path = tmp_path / "other.yaml"
    path.write_text(text)
    with pytest.raises(RuleFileError, match=re.escape('district.id: expected the file name\'s id "other", got "broken"')):
        parse_rules(path)


GRID = """Step,BA,BA+15,MA
1,"50,000.00",51500,53000
2,51000.00,52500.00,54000.00
3,reserved,,
4-8,53000,54500,56000
9+,55000,,58000
"""


def test_import_grid_reads_back_cell_for_cell(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text(GRID)
    target = tmp_path / "broken.yaml"
    base = (BROKEN / "_base.yaml.txt").read_text().replace("  - {id: MA, degree: master}",
                                                             "  - {id: BA+15, degree: bachelor, credits: 15}\n  - {id: MA, degree: master}")
    target.write_text(base)
    result = CliRunner().invoke(rules, ["import-grid", str(grid), "--effective", "2027-07-01", "--into", str(target)])
    assert result.exit_code == 0, result.output
    imported = parse_rules(target, target.read_text()).schedules
    schedule = imported[next(d for d in imported if str(d) == "2027-07-01")]
    assert schedule.lanes == ["BA", "BA+15", "MA"]
    cells = [(row.step, row.reserved, [None if a is None else str(a) for a in (row.amounts or [])]) for row in schedule.rows]
    assert cells == [
        (1, False, ["50000.00", "51500.00", "53000.00"]),
        (2, False, ["51000.00", "52500.00", "54000.00"]),
        (3, True, []),
        ("4-8", False, ["53000.00", "54500.00", "56000.00"]),
        ("9+", False, ["55000.00", None, "58000.00"]),
    ]
    assert len(imported) == 2, "the schedule already in the file is kept"


def test_import_grid_names_the_bad_cell(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text("Step,BA,MA\n1,50000,53000\n2,51000,fifty-four\n")
    result = CliRunner().invoke(rules, ["import-grid", str(grid), "--effective", "2027-07-01"])
    assert result.exit_code != 0
    assert "grid.csv:3: column 3 (MA): expected an amount" in result.output
