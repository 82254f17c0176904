"""Finance in Debian's Chromium: import a roster, build a scenario, run it, read the charts, compare with the
baseline and download the XLSX; and a long run's progress page that can be left and come back to."""
import io

import pytest
from openpyxl import load_workbook

from engine.budget.roster import roster_csv, synthesize
from engine.budget.scenario import Scenario
from services import finance
from services import roster as rosters
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_finance_imports_builds_runs_compares_and_downloads(app, page, make_user, districts, tmp_path):
    app.config["FINANCE_UPLOAD_DIR"] = str(tmp_path / "uploads")
    roster_file = tmp_path / "cedar-staff.csv"
    roster_file.write_text(roster_csv(synthesize(districts["cedar-valley"], 300, seed=21)))
    officer = make_user("finance")
    sign_in(page, officer)

    # Import the roster: upload, match columns (guessed), every row checked.
    page.goto("/finance/")
    page.get_by_role("link", name="Import a roster").click()
    page.get_by_label("District").select_option("cedar-valley")
    page.get_by_label("Roster name").fill("Cedar staff 2026")
    page.get_by_label("Roster file").set_input_files(str(roster_file))
    page.get_by_role("button", name="Upload and match columns").click()
    assert page.get_by_label("Employee id (required)").input_value() == "employee_id"
    page.get_by_role("button", name="Check every row and import").click()
    assert "300 teachers" in page.get_by_test_id("roster-count").inner_text()

    # Build a scenario on it and run it.
    page.get_by_role("link", name="Build a scenario on this roster").click()
    page.get_by_label("Scenario name").fill("MCs toward lanes + $200 stipend")
    page.get_by_label("District").select_option("cedar-valley")
    page.get_by_label("Micro-credentials count toward lanes").check()
    page.get_by_label("Stipend per micro-credential ($)").fill("200")
    page.get_by_label("At most this many a year").fill("8")
    page.get_by_label("Years to project").fill("6")
    page.get_by_label("Monte Carlo draws").fill("200")
    page.get_by_label("Seed").fill("7")
    page.get_by_role("button", name="Save and run").click()

    # The charts are drawn, and the figures compare the scenario with its baseline.
    for chart in ("components", "fan", "difference"):
        page.locator(f"#{chart}[data-drawn='true']").wait_for()
    assert page.get_by_test_id("total-difference").inner_text().startswith("$")
    table = page.get_by_test_id("projection-table")
    assert "Difference vs baseline" in table.inner_text()
    assert table.locator("tbody tr").count() == 6

    # Download the XLSX.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    with open(download_info.value.path(), "rb") as downloaded:
        workbook = load_workbook(io.BytesIO(downloaded.read()))
    headers = [cell.value for cell in workbook["Projection"][1]]
    assert {"Total cost", "Baseline total", "Difference vs baseline", "Total, median"} <= set(headers)
    assert workbook["Projection"].max_row == 7

    # A second scenario, then the two side by side.
    page.get_by_role("link", name="Copy the scenario").click()
    page.get_by_label("Scenario name").fill("Stipend only")
    page.get_by_label("Micro-credentials count toward lanes").uncheck()
    page.get_by_label("Monte Carlo draws").fill("0")
    page.get_by_role("button", name="Save and run").click()
    page.locator("#fan[data-drawn='true']").wait_for()
    page.get_by_label("Compare with").select_option(index=0)
    page.get_by_role("button", name="Compare side by side").click()
    page.locator("#comparison[data-drawn='true']").wait_for()
    comparison = page.get_by_test_id("comparison-table")
    assert comparison.get_by_role("columnheader", name="Total of Stipend only").count() == 1
    assert comparison.get_by_role("columnheader", name="Difference of MCs toward lanes + $200 stipend").count() == 1


def test_a_long_run_shows_progress_and_can_be_left_and_come_back_to(app, page, make_user, session, districts):
    rules = districts["dysart"]
    roster = rosters.save_roster(session=session, rules=rules, name="Dysart", roster=synthesize(rules, 200, seed=2))
    record = finance.save_scenario(session=session, rules=rules, roster_id=roster.id,
                                   scenario=Scenario(name="Growth steps", district_id="dysart", years=4))
    run = finance.queue_run(session=session, scenario_id=record.id)  # queued: no worker has picked it up yet
    sign_in(page, make_user("finance"))
    page.goto(f"/finance/runs/{run.id}")
    assert page.get_by_test_id("status").inner_text() == "queued"
    page.goto("/finance/")  # leave...
    finance.execute_run(session=session, run_id=run.id, districts=districts)  # ...the worker runs it...
    page.goto(f"/finance/runs/{run.id}")  # ...and come back.
    page.locator("#fan[data-drawn='true']").wait_for()


def test_the_progress_page_follows_the_worker(app, page, make_user, session, districts):
    rules = districts["harmony"]
    roster = rosters.save_roster(session=session, rules=rules, name="Harmony", roster=synthesize(rules, 150, seed=3))
    record = finance.save_scenario(session=session, rules=rules, roster_id=roster.id,
                                   scenario=Scenario(name="Stipends", district_id="harmony", years=3))
    run = finance.queue_run(session=session, scenario_id=record.id)
    sign_in(page, make_user("finance"))
    page.goto(f"/finance/runs/{run.id}")
    assert page.get_by_test_id("status").inner_text() == "queued"
    finance.execute_run(session=session, run_id=run.id, districts=districts)
    # The page polls the run's status and shows the result once the worker is done, without a manual reload.
    page.locator("#components[data-drawn='true']").wait_for()
