"""What the journeys do on the pages and read from them, as a user would: labels, roles and test ids only."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from playwright.sync_api import Page, expect

PDF = b"%PDF-1.4\n% certificate of completion\n%%EOF\n"


def evidence(tmp_path: Path, name: str) -> Path:
    """A small PDF to upload as evidence."""
    path = tmp_path / name
    path.write_bytes(PDF)
    return path


# --- the teacher -------------------------------------------------------------------------------------------------


def file_credit(page: Page, *, kind: str, amount: str, title: str, earned_on: str, file: Path) -> None:
    """File credit with its evidence on the teacher's ledger (/teacher/credits); it waits for HR as submitted."""
    page.goto("/teacher/credits")
    page.get_by_label("Evidence file").set_input_files(str(file))
    page.get_by_label("Kind of credit").select_option(kind)
    page.get_by_label("Amount (micro-credentials, hours or points)").fill(amount)
    page.get_by_label("Title (micro-credential, course or workshop)").fill(title)
    page.get_by_label("Earned on").fill(earned_on)
    page.get_by_role("button", name="File it for HR").click()
    expect(ledger_row(page, title).get_by_test_id("credit-status")).to_have_text("submitted")


def ledger_row(page: Page, title: str):
    """A ledger item's row, by its title (the ledger's own rows: HR's record log names the item in its lines too)."""
    return page.locator("tr[data-testid^='credit-']").filter(has_text=re.compile(re.escape(title)))


def preview_request(page: Page, *, kind: str, file: Path | None = None, role: str | None = None) -> None:
    """Start a request at /requests/new (the credit awaiting HR is ticked already) and see what it would give."""
    page.goto("/requests/new")
    page.get_by_label("What are you asking for?").select_option(kind)
    if role:
        page.get_by_label("Role", exact=True).select_option(label=role)
    if file:
        page.get_by_label("Evidence file").set_input_files(str(file))
    page.get_by_role("button", name="See what it would give").click()


def save_and_submit(page: Page) -> int:
    """Save the previewed request as a draft and submit it to HR; give its number."""
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("button", name="Submit to HR").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def timeline(page: Page) -> dict[str, tuple[str, str, str, str]]:
    """The year-by-year table of a teacher's path: school year -> (step, base, additions, total), as shown."""
    rows = page.get_by_test_id(re.compile(r"^year-\d{4}-\d{2}$"))
    found = {}
    for index in range(rows.count()):
        row = rows.nth(index)
        found[row.get_attribute("data-testid").removeprefix("year-")] = tuple(
            row.get_by_test_id(part).inner_text() for part in ("year-step", "year-base", "year-additions", "year-total"))
    return found


def pay_lines(page: Page) -> dict[str, str]:
    """The parts of this year's pay (the table captioned "Pay in ..."): part -> amount, the total included."""
    rows = page.get_by_role("table", name=re.compile(r"^Pay in \d{4}-\d{2}")).get_by_role("row")
    found = {}
    for index in range(1, rows.count()):  # the first row holds the column headers
        row = rows.nth(index)
        part = row.get_by_role("rowheader") if row.get_by_role("rowheader").count() else row.get_by_role("cell").first
        found[part.inner_text()] = row.get_by_test_id("line-amount").inner_text()
    return found


# --- HR ----------------------------------------------------------------------------------------------------------


def grant(hr: Page, teacher_id: int, title: str) -> None:
    """HR opens the teacher's record and grants one ledger item on its evidence."""
    hr.goto(f"/hr/teachers/{teacher_id}")
    row = ledger_row(hr, title)
    expect(row.get_by_role("link", name=re.compile(r"\.pdf$"))).to_be_visible()  # the evidence HR grants it on
    row.get_by_role("button", name="Grant").click()
    expect(ledger_row(hr, title)).to_contain_text("granted")


def approve(hr: Page, request_id: int) -> None:
    """HR approves a request on its page."""
    hr.goto(f"/hr/requests/{request_id}")
    hr.get_by_role("button", name="Approve", exact=True).click()


def payroll(hr: Page, start: str, end: str) -> tuple[list[dict], list[dict]]:
    """The payroll page's rows and the lines of its CSV download, for a period: each a dict by column name."""
    hr.goto(f"/hr/payroll?start={start}&end={end}")
    table = hr.get_by_role("table", name="Approved changes")
    expect(table).to_be_visible()
    headers = [h.replace(" ", "_") for h in table.get_by_role("columnheader").all_inner_texts()]
    shown = []
    rows = table.get_by_role("row")
    for index in range(1, rows.count()):
        shown.append(dict(zip(headers, rows.nth(index).get_by_role("cell").all_inner_texts(), strict=True)))
    with hr.expect_download() as download:
        hr.get_by_role("link", name="Download CSV").click()
    lines = list(csv.DictReader(download.value.path().read_text(encoding="utf-8").splitlines()))
    return shown, lines


# --- finance -----------------------------------------------------------------------------------------------------


def project_one_teacher(finance: Page, tmp_path: Path, *, district: str, roster: str, start_year: str,
                        name: str) -> dict[str, dict[str, str]]:
    """Upload a one-teacher roster (CSV), run a scenario on it with no attrition, no uptake and the district's COLA
    (left empty: the rule file's), and give each school year's figures from the run's table, as shown."""
    path = tmp_path / f"{district}-one-teacher.csv"
    path.write_text(roster, encoding="utf-8")
    finance.goto("/finance/rosters/new")
    finance.get_by_label("District").select_option(district)
    finance.get_by_label("Roster name").fill(name)
    finance.get_by_label("Roster file").set_input_files(str(path))
    finance.get_by_role("button", name="Upload and match columns").click()
    finance.get_by_role("button", name="Check every row and import").click()
    expect(finance.get_by_test_id("roster-count")).to_contain_text("1 teachers")
    finance.get_by_role("link", name="Build a scenario on this roster").click()
    finance.get_by_label("Scenario name").fill(f"{name}: no attrition, no uptake")
    finance.get_by_label("District").select_option(district)
    # Choosing the district swaps in its fields (htmx): fill them once the swap has landed, or it resets them.
    finance.wait_for_load_state("networkidle")
    finance.get_by_label("First school year").fill(start_year)
    finance.get_by_label("Years to project").fill("10")
    expect(finance.get_by_label("COLA % a year")).to_have_value("")
    finance.get_by_label("Attrition % a year").fill("0")
    finance.get_by_label("Micro-credential uptake % a year").fill("0")
    finance.get_by_label("Monte Carlo draws").fill("0")
    finance.get_by_role("button", name="Save and run").click()
    table = finance.get_by_test_id("projection-table")
    expect(table).to_be_visible()
    headers = table.get_by_role("columnheader").all_inner_texts()
    wanted = {"base": "Base pay", "additions": "Additions (all)", "roles": "Role supplements", "pay": "Pay",
              "headcount": "Head count"}
    years = {}
    rows = table.get_by_role("row")
    for index in range(1, rows.count()):
        row = rows.nth(index)
        cells = row.get_by_role("cell").all_inner_texts()  # the school year is the row header, not a cell
        years[row.get_by_role("rowheader").inner_text()] = {
            key: cells[headers.index(header) - 1] for key, header in wanted.items()}
    return years
