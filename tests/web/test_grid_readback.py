"""Real published grids go through `flask rules import-grid` and come back cell for cell through the API.

The eight grids are public salary schedules (tests/data/schedules/, sources in its
SOURCES.md: vcsto/k12-salary-schedule at 90f8198d, the data behind k12salaryschedule.com);
between them they have bands ("1 & 2", "23+"), letters (B-O without L, A-Q with blank
rows), step 0, skipped steps (16, 25, 30), mid-lane holes, ragged lanes that end early
or start late, letter+number labels ("L.5 (10)") and 20 lanes. The index schedule is
derived from one of them for the test (tests/engine/grids/README.md).
"""
import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import create_app
from cli.estimate import estimate_command
from cli.rules import rules

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / "tests" / "data" / "schedules"
DERIVED = REPO / "tests" / "engine" / "grids"
SOURCE = "vcsto/k12-salary-schedule on GitHub (k12salaryschedule.com), commit 90f8198d"

# grid file -> (district id, name, state, effective date, school year, extra import-grid options)
GRIDS = {
    "anoka-hennepin-11-mn_2023-2024.csv": ("anoka-hennepin", "Anoka-Hennepin ISD 11", "MN", "2023-07-01", "2023-24", []),
    "brainerd-181-mn_2023-2024.csv": ("brainerd", "Brainerd ISD 181", "MN", "2023-07-01", "2023-24", []),
    "chisago-lakes-2144-mn_2024-2025.csv": ("chisago-lakes", "Chisago Lakes ISD 2144", "MN", "2024-07-01", "2024-25", []),
    "forest-lake-831-mn_2024-2025.csv": ("forest-lake", "Forest Lake ISD 831", "MN", "2024-07-01", "2024-25", []),
    "hastings-200-mn_2023-2024.csv": ("hastings", "Hastings ISD 200", "MN", "2023-07-01", "2023-24",
                                      ["--skipped-steps", "next-row", "--lane", "MA+60 Specialist=master+60"]),
    "milton-wi_year-unstated.csv": ("milton", "Milton School District", "WI", "2024-07-01", "2024-25",
                                    ["--skipped-steps", "longevity", "--blank-cells", "carry"]),
    "norfolk-59-0002-ne_2024-2025.csv": ("norfolk", "Norfolk Public Schools", "NE", "2024-07-01", "2024-25",
                                         ["--lane", "MA+MA/EDS=specialist"]),
    "worcester-county-md_year-unstated.csv": (
        "worcester", "Worcester County Public Schools", "MD", "2024-07-01", "2024-25",
        [arg for tier in ("NBC", "1st Maint", "2nd Maint", "3rd Maint") for arg in ("--lane", f"APL {tier}=bachelor")]),
    "norfolk-index-derived.csv": ("norfolk-index", "Norfolk (index, derived)", "NE", "2024-07-01", "2024-25",
                                  ["--index", "--base", "39457.00"]),
}
BASE = Decimal("39457.00")


def grid_path(name: str) -> Path:
    return (DERIVED if name.endswith("-derived.csv") else SHARED) / name


def published_cells(name: str) -> tuple[list[str], list[tuple[str, list[str | None]]]]:
    """The grid's lanes and its rows as the schedule should read them: amounts with two decimals, blanks None."""
    with grid_path(name).open(newline="") as handle:
        table = list(csv.reader(handle))
    rows = []
    for label, *cells in table[1:]:
        values = []
        for cell in cells:
            if not cell:
                values.append(None)
            elif name.endswith("-derived.csv"):
                values.append(str((BASE * Decimal(cell)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)))
            else:
                values.append(f"{Decimal(cell):.2f}")
        rows.append((label, values))
    return table[0][1:], rows


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every grid imported into one folder of rule files, the way the README says, and an app reading it."""
    folder = tmp_path_factory.mktemp("rules")
    for name, (district, title, state, effective, _, extra) in GRIDS.items():
        result = CliRunner().invoke(rules, [
            "import-grid", str(grid_path(name)), "--effective", effective, "--into", str(folder / f"{district}.yaml"),
            "--name", title, "--state", state, "--source-title", f"{SOURCE}: {name}",
            "--source-url", "https://github.com/vcsto/k12-salary-schedule", *extra])
        assert result.exit_code == 0, (name, result.output)
    app = create_app({"TESTING": True, "ENV_NAME": "testing", "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{folder / 'unused.db'}", "DISTRICT_RULES": str(folder)})
    yield folder, app
    app.extensions["lanewise_engine"].dispose()


def test_the_grids_are_there():
    assert len([n for n in GRIDS if not n.endswith("-derived.csv")]) == 8
    assert all(grid_path(name).is_file() for name in GRIDS), f"expected the published grids in {SHARED}"


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_schedule_reads_back_cell_for_cell_through_the_api(imported, name):
    folder, app = imported
    district, title, _, _, school_year, _ = GRIDS[name]
    lanes, rows = published_cells(name)
    table = app.test_client().get(f"/api/v1/districts/{district}/schedules/{school_year}").get_json()
    assert table["source"]["title"] == f"{SOURCE}: {name}"
    assert [lane["name"] for lane in table["lanes"]] == lanes
    assert [str(row["step"]) for row in table["rows"]] == [label for label, _ in rows]
    assert [row["amounts"] for row in table["rows"]] == [values for _, values in rows]


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_every_cell_is_the_base_salary_of_an_estimate_by_its_step_label(imported, name):
    folder, app = imported
    district, _, _, _, school_year, _ = GRIDS[name]
    lanes, rows = published_cells(name)
    client = app.test_client()
    wrong = []
    for label, values in rows:
        for lane, value in zip(lanes, values):
            if value is None:
                continue
            answer = client.post("/api/v1/estimate", json={"district": district, "school_year": school_year,
                                                            "step": label, "lane": lane, "years": 1})
            got = answer.get_json().get("base_salary") if answer.status_code == 200 else answer.get_json()
            if got != value:
                wrong.append((label, lane, value, got))
    assert not wrong


def test_a_batch_of_every_cell_answers_one_line_each(imported):
    folder, _ = imported
    lanes, rows = published_cells("forest-lake-831-mn_2024-2025.csv")
    cases = [{"district": "forest-lake", "school_year": "2024-25", "step": label, "lane": lane, "years": 1}
             for label, values in rows for lane in lanes]
    batch = folder / "batch.jsonl"
    batch.write_text("".join(json.dumps(case) + "\n" for case in cases))
    result = CliRunner(env={"LANEWISE_DISTRICT_RULES": str(folder)}).invoke(estimate_command, ["--batch", str(batch)])
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["base_salary"] for a in answers] == [v for _, values in rows for v in values]


def test_a_reserved_row_is_refused_and_skipped(imported):
    _, app = imported
    client = app.test_client()
    refused = client.post("/api/v1/estimate", json={"district": "chisago-lakes", "school_year": "2024-25", "step": "E",
                                                     "lane": "BA"})
    assert refused.status_code == 422 and "reserved" in refused.get_json()["detail"]
    moved = client.post("/api/v1/estimate", json={"district": "chisago-lakes", "school_year": "2024-25", "step": "D",
                                                   "lane": "BA", "years": 2}).get_json()
    assert moved["timeline"][1]["step"] == 6 and moved["timeline"][1]["base_salary"] == "50911.00"  # D, then F
