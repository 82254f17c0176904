"""`flask rules import-grid` from the command line: one command from a published grid to a working district."""
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.estimate import estimate_command
from cli.rules import rules
from engine import parse_rules
from engine.rules.grid import MAX_ROWS

RULES = Path(__file__).resolve().parents[2] / "district_rules"
SHARED = Path(__file__).resolve().parents[1] / "data" / "schedules"
LETTERS = "step,BA,BA+15,MA\nB,44799,45756,50064\nC,46185,46992,51788\nD,47684,48683,53614\n"
NEW = ["--name", "Maple Grove ISD", "--state", "MN"]


def invoke(*args, env=None):
    return CliRunner(env=env).invoke(rules, ["import-grid", *map(str, args)])


def test_help_shows_a_sample_grid():
    result = CliRunner().invoke(rules, ["import-grid", "--help"])
    assert "step,BA,BA+15,MA,MA+30" in result.output and '1,"48,000",49500,52000,55000' in result.output


@pytest.mark.parametrize("existing", [None, ""], ids=["missing file", "empty file"])
def test_into_a_missing_or_empty_file_writes_a_new_district(tmp_path, existing, monkeypatch):
    grid = tmp_path / "grid.csv"
    grid.write_text(LETTERS)
    target = tmp_path / "maple-grove.yaml"
    if existing is not None:
        target.write_text(existing)
    result = invoke(grid, "--effective", "2026-07-01", "--into", target, *NEW)
    assert result.exit_code == 0, result.output
    made = parse_rules(target)
    assert made.id == "maple-grove" and made.school_years() == ["2026-27"]
    assert [lane.id for lane in made.lanes] == ["BA", "BA+15", "MA"] and made.lane("MA").degree == "master"
    assert made.steps.hiring_step == 2  # letter B is step 2
    monkeypatch.setenv("LANEWISE_DISTRICT_RULES", str(tmp_path))
    estimate = CliRunner().invoke(estimate_command, ["--district", "maple-grove", "--school-year", "2026-27",
                                                     "--step", "C", "--lane", "MA", "--years", "2", "--json"])
    assert estimate.exit_code == 0, estimate.output
    assert [y["base_salary"] for y in json.loads(estimate.output)["timeline"]] == ["51788.00", "53614.00"]


def test_a_new_district_needs_a_name_and_state(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text(LETTERS)
    result = invoke(grid, "--effective", "2026-07-01", "--into", tmp_path / "maple-grove.yaml")
    assert result.exit_code == 2 and "a new district needs --name and --state" in result.output
    assert not (tmp_path / "maple-grove.yaml").exists()


def test_print_mode_prints_a_whole_checked_rule_file(tmp_path):
    grid = tmp_path / "maple.csv"
    grid.write_text(LETTERS)
    result = CliRunner().invoke(rules, ["import-grid", str(grid), "--effective", "2026-07-01", *NEW])
    assert result.exit_code == 0, result.stderr
    assert parse_rules("maple.yaml", result.stdout).lane("BA+15").credits == 15
    assert "lane 'BA+15': bachelor + 15" in result.stderr and "steps B to D: letters" in result.stderr


def test_print_mode_refuses_what_it_cannot_read(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text("step,BA,MA\n1,50000,53000\nL.5,51000,54000\n")
    result = invoke(grid, "--effective", "2026-07-01", *NEW)
    assert result.exit_code == 1
    assert "grid.csv:3: column 1 (step): expected a step label" in result.output


def test_index_multipliers_are_not_read_as_dollars(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text("step,BA,MA\n1,1.0000,1.1800\n2,1.0450,1.2926\n")
    refused = invoke(grid, "--effective", "2026-07-01", *NEW)
    assert refused.exit_code == 1 and "look like index multipliers" in refused.output and "--index --base" in refused.output
    target = tmp_path / "idx.yaml"
    made = invoke(grid, "--effective", "2026-07-01", "--into", target, "--index", "--base", "41000.00", *NEW)
    assert made.exit_code == 0, made.output
    schedule = next(iter(parse_rules(target).schedules.values()))
    assert schedule.kind == "index" and schedule.base == 41000 and str(schedule.rows[1].index[1]) == "1.2926"


def test_amounts_with_more_than_two_decimals_need_a_rounding_rule(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text("step,BA,MA\n1,50000.125,53000\n2,51000,54000.5\n")
    refused = invoke(grid, "--effective", "2026-07-01", *NEW)
    assert refused.exit_code == 1
    assert "grid.csv:2: column 2 (BA): 50000.125 has more than two decimals" in refused.output
    target = tmp_path / "round.yaml"
    made = invoke(grid, "--effective", "2026-07-01", "--into", target, "--rounding", "half_even", *NEW)
    assert made.exit_code == 0, made.output
    assert str(next(iter(parse_rules(target).schedules.values())).rows[0].amounts[0]) == "50000.12"


def test_a_new_schedule_joins_an_existing_district_with_its_new_lane(tmp_path):
    target = tmp_path / "cedar-valley.yaml"
    shutil.copy(RULES / "cedar-valley.yaml", target)
    grid = tmp_path / "grid.csv"
    grid.write_text("step,BA,BA+15,MA+45\n1,50000,52000,60000\n2,51000,53000,61000\n")
    result = invoke(grid, "--effective", "2027-07-01", "--into", target)
    assert result.exit_code == 0, result.output
    cedar = parse_rules(target)
    assert cedar.school_years()[-1] == "2027-28" and len(cedar.school_years()) == 3
    assert cedar.lane("MA+45").degree == "master" and cedar.lane("MA+45").credits == 45
    again = invoke(grid, "--effective", "2027-07-01", "--into", target)
    assert again.exit_code == 1 and "a schedule dated 2027-07-01 is in the file already" in again.output


def test_a_lane_whose_degree_cannot_be_read_is_asked_for(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text("step,APL NBC,Masters NBC\n1,67647,70661\n")
    refused = invoke(grid, "--effective", "2026-07-01", *NEW)
    assert refused.exit_code == 1 and "--lane 'APL NBC=bachelor'" in refused.output
    told = invoke(grid, "--effective", "2026-07-01", "--lane", "APL NBC=bachelor", *NEW)
    assert told.exit_code == 0, told.output


def test_a_row_of_longevity_amounts_is_flagged_and_can_be_left_out(tmp_path):
    brainerd = SHARED / "brainerd-181-mn_2023-2024.csv"
    warned = CliRunner().invoke(rules, ["import-grid", str(brainerd), "--effective", "2023-07-01", *NEW])
    assert warned.exit_code == 0
    assert "row 18+ (line 20) pays 1,100-1,350, under a tenth of the row above" in warned.stderr
    target = tmp_path / "brainerd.yaml"
    left_out = invoke(brainerd, "--effective", "2023-07-01", "--into", target, "--skip-row", "18+", *NEW)
    assert left_out.exit_code == 0, left_out.output
    assert [row.label for row in next(iter(parse_rules(target).schedules.values())).rows][-1] == "17"


def test_an_xlsx_grid_is_read_and_a_huge_one_refused(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [["step", "BA", "MA"], [1, 50000, 53000], [2, 51000.5, 54000]]:
        sheet.append(row)
    path = tmp_path / "grid.xlsx"
    book.save(path)
    target = tmp_path / "xl.yaml"
    result = invoke(path, "--effective", "2026-07-01", "--into", target, *NEW)
    assert result.exit_code == 0, result.output
    assert str(next(iter(parse_rules(target).schedules.values())).rows[1].amounts[0]) == "51000.50"
    for number in range(MAX_ROWS + 5):
        sheet.append([number + 3, 52000, 55000])
    book.save(path)
    refused = invoke(path, "--effective", "2026-07-01", *NEW)
    assert refused.exit_code == 1 and f"more than {MAX_ROWS} rows" in refused.output


def test_a_large_file_is_refused_before_it_is_read(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_bytes(b"step,BA\n" + b"1,50000\n" * 300_000)
    result = invoke(grid, "--effective", "2026-07-01", *NEW)
    assert result.exit_code == 1 and "larger than 2 MB" in result.output


# --- flask estimate: labels, a broken neighbour, LANEWISE_DISTRICT_RULES, --batch ---------------------------------


@pytest.fixture
def folder(tmp_path):
    """A rule folder with Cedar Valley, a file whose `schedules:` is empty, and a self-referencing alias."""
    shutil.copy(RULES / "cedar-valley.yaml", tmp_path / "cedar-valley.yaml")
    (tmp_path / "half-done.yaml").write_text("district: {id: half-done, name: Half Done, state: MN}\n"
                                             "lanes:\n  - {id: BA, degree: bachelor}\nschedules:\n")
    (tmp_path / "loop.yaml").write_text("district: {id: loop, name: Loop, state: MN}\nlanes: &l\n  - *l\n")
    return tmp_path


def test_the_cli_reads_the_folder_named_by_the_environment_and_a_broken_file_costs_only_its_district(folder):
    env = {"LANEWISE_DISTRICT_RULES": str(folder)}
    fine = CliRunner(env=env).invoke(estimate_command, ["--district", "cedar-valley", "--school-year", "2026-27",
                                                        "--step", "13", "--lane", "BA", "--years", "1", "--json"])
    assert fine.exit_code == 0, fine.output and json.loads(fine.output)["base_salary"] == "62348.00"
    broken = CliRunner(env=env).invoke(estimate_command, ["--district", "half-done", "--school-year", "2026-27",
                                                          "--step", "1", "--lane", "BA"])
    assert broken.exit_code == 1 and "half-done.yaml:4: schedules: expected at least one schedule" in broken.output
    unknown = CliRunner(env=env).invoke(estimate_command, ["--district", "dysart", "--school-year", "2026-27",
                                                           "--step", "1", "--lane", "BA"])
    assert unknown.exit_code == 2 and "unknown district 'dysart' (districts: cedar-valley, half-done, loop)" in unknown.output
    check = CliRunner(env=env).invoke(rules, ["check"])
    assert check.exit_code == 1 and "cedar-valley.yaml: ok" in check.output
    assert "loop.yaml:2: (top): an alias refers to the mapping or list that holds it" in check.output


def test_a_batch_in_csv_answers_each_line_and_names_the_bad_one(folder):
    batch = "district,school_year,step,lane,micro_credentials,subjects\n" \
            "cedar-valley,2026-27,5,BA,15,math;science\n" \
            "cedar-valley,2026-27,6,BA,0,\n" \
            "nowhere,2026-27,1,BA,0,\n"
    result = CliRunner(env={"LANEWISE_DISTRICT_RULES": str(folder)}).invoke(estimate_command, ["--batch", "-"],
                                                                             input=batch)
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert lines[0]["lane"] == "BA+15" and lines[0]["base_salary"] == "56190.00"
    assert lines[1] == {"line": 3, "error": "step 6 is reserved or not on the schedule: no one is placed on it"}
    assert lines[2]["line"] == 4 and "unknown district 'nowhere'" in lines[2]["error"]


def test_a_batch_line_that_is_not_json_is_an_answer_not_a_crash(folder):
    deep = "[" * 5000 + "]" * 5000
    batch = '{"district": "cedar-valley", "school_year": "2026-27", "step": 5, "lane": "BA", "years": 1}\n' + deep + "\n"
    result = CliRunner(env={"LANEWISE_DISTRICT_RULES": str(folder)}).invoke(estimate_command, ["--batch", "-"],
                                                                             input=io.StringIO(batch).read())
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert lines[0]["base_salary"] == "53790.00" and lines[1]["line"] == 2 and "expected a JSON object" in lines[1]["error"]
