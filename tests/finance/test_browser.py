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


def test_a_multi_year_proposal_for_two_units_runs_and_the_board_report_downloads_as_xlsx_and_pdf(
        app, page, make_user, districts, tmp_path):
    from decimal import Decimal

    from engine.budget.roster import synthesize_units

    app.config["FINANCE_UPLOAD_DIR"] = str(tmp_path / "uploads")
    rules = districts["cedar-valley"]
    roster_file = tmp_path / "cedar-units.csv"
    roster_file.write_text(roster_csv(synthesize_units(rules, 240, seed=9, shares={"teachers": 0.75, "counselors": 0.15,
                                                                                    "nurses": 0.10},
                                                       funding=("General fund", "Title I"))))
    sign_in(page, make_user("finance"))
    page.goto("/finance/rosters/new")
    page.get_by_label("District").select_option("cedar-valley")
    page.get_by_label("Roster name").fill("Cedar, three units")
    page.get_by_label("Roster file").set_input_files(str(roster_file))
    page.get_by_role("button", name="Upload and match columns").click()
    page.get_by_role("button", name="Check every row and import").click()
    assert "240 teachers" in page.get_by_test_id("roster-count").inner_text()

    # A three-year proposal for the teachers and the counselors (the nurses keep their baseline).
    page.get_by_role("link", name="Build a scenario on this roster").click()
    page.get_by_label("Scenario name").fill("Teachers and counselors, 2027-30")
    page.get_by_label("Years to project").fill("4")
    page.get_by_label("Teachers", exact=True).check()
    page.get_by_label("Counselors", exact=True).check()
    page.get_by_label("Vacancies (budgeted positions to fill)").fill("2, counselors, MA, 1.00, Title I")
    year_one, year_two, year_three = (page.get_by_role("group", name=f"Proposal year {k}") for k in (1, 2, 3))
    year_one.get_by_label("School year").fill("2027-28")
    year_one.get_by_label("Raise %", exact=True).fill("3")
    year_two.get_by_label("School year").fill("2028-29")
    year_two.get_by_label("Hold on step this year").check()
    year_two.get_by_label("Mid-year raise %").fill("1.5")
    year_two.get_by_label("Mid-year raise from").fill("2029-01-01")
    year_three.get_by_label("School year").fill("2029-30")
    year_three.get_by_label("Raise %", exact=True).fill("2")
    year_three.get_by_label("One-time payment $").fill("500")
    year_three.get_by_label("One-time: years of service at least").fill("5")
    page.get_by_role("button", name="Save and run").click()
    page.locator("#components[data-drawn='true']").wait_for()
    pieces = page.get_by_test_id("by-piece").inner_text()
    assert "Teachers, General fund" in pieces and "Counselors, Title I" in pieces and "School nurses" in pieces

    # The board's report, then its workbook and PDF.
    page.get_by_test_id("board-report").click()
    page.locator("#waterfall[data-drawn='true']").wait_for()
    components = page.get_by_test_id("report-components").inner_text()
    assert "One-time payments" in components and "Social Security" in components
    assert "Proposal 2028-29" in page.get_by_test_id("report-assumptions").inner_text()
    total_row = page.get_by_test_id("report-components").locator("tr.total").first.inner_text().split("\t")
    with page.expect_download() as xlsx_info:
        page.get_by_test_id("report-xlsx").click()
    with open(xlsx_info.value.path(), "rb") as downloaded:
        book = load_workbook(io.BytesIO(downloaded.read()))
    cost = [[c.value for c in row] for row in book["Cost"].iter_rows(min_row=5)]
    scenario_total = next(r for r in cost if r[0] == "Total" and r[1] == "scenario")
    first_year_on_page = Decimal(total_row[2].replace("$", "").replace(",", ""))
    assert Decimal(str(scenario_total[2])) == first_year_on_page
    assert {"Cost drivers", "Cost per FTE", "Units and funding", "Assumptions"} <= set(book.sheetnames)
    with page.expect_download() as pdf_info:
        page.get_by_test_id("report-pdf").click()
    with open(pdf_info.value.path(), "rb") as downloaded:
        pdf = downloaded.read()
    assert pdf.startswith(b"%PDF") and f"${first_year_on_page:,.2f}".encode() in pdf
