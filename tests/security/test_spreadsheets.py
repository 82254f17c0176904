"""Issue 10, item 8: roster files that would stall a worker are refused within stated bounds, and the error says
which bound. Each hostile file is built at a small size against bounds lowered for the test."""
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from engine.budget import roster_file
from engine.budget.roster_file import RosterFileError, read_table
from tests.conftest import csrf_token


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def claiming_the_whole_sheet() -> bytes:
    """A few KB: a header, one row at the sheet's last line, and a dimension that claims A1:XFD1048576."""
    book = Workbook()
    sheet = book.active
    sheet.append(["employee_id", "step", "lane"])
    sheet["A1048576"] = "X1"
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
                assert b"A1:XFD1048576" in data
            target.writestr(item, data)
    return patched.getvalue()


def test_a_sheet_that_claims_every_row_and_column_is_refused_at_the_row_bound(monkeypatch):
    content = claiming_the_whole_sheet()
    assert len(content) < 10_000
    monkeypatch.setattr(roster_file, "MAX_XLSX_ROWS", 2_000)
    with pytest.raises(RosterFileError, match=r"past row 2,001; an XLSX roster may have at most 2,000 teachers"):
        read_table(content, "claims.xlsx")


def test_a_sheet_of_more_rows_than_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(roster_file, "MAX_XLSX_ROWS", 500)
    content = workbook([["employee_id", "step", "lane"]] + [[f"E{i}", 3, "BA"] for i in range(600)])
    with pytest.raises(RosterFileError, match="at most 500 teachers"):
        read_table(content, "many.xlsx")
    monkeypatch.setattr(roster_file, "MAX_XLSX_ROWS", 600)
    headers, rows = read_table(content, "many.xlsx")
    assert headers == ["employee_id", "step", "lane"] and len(rows) == 600 and rows[-1][0] == 601


def test_a_sheet_or_csv_wider_than_the_bound_is_refused():
    wide = [f"column {i}" for i in range(roster_file.MAX_COLUMNS + 1)]
    with pytest.raises(RosterFileError, match="more than 100 columns"):
        read_table(workbook([wide, ["x"] * len(wide)]), "wide.xlsx")
    with pytest.raises(RosterFileError, match="101 columns; a roster may have at most 100"):
        read_table((",".join(wide) + "\n").encode(), "wide.csv")


def test_reading_a_sheet_stops_at_the_time_bound(monkeypatch):
    monkeypatch.setattr(roster_file, "XLSX_SECONDS", 0.0)
    content = workbook([["employee_id", "step", "lane"]] + [[f"E{i}", 3, "BA"] for i in range(2_500)])
    with pytest.raises(RosterFileError, match=r"took more than 0 seconds \(stopped at row 1,000\); save the roster as CSV"):
        read_table(content, "slow.xlsx")


def test_a_workbook_that_unpacks_past_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(roster_file, "MAX_XLSX_UNPACKED", 4_096)
    content = workbook([["employee_id", "step", "lane"]] + [[f"E{i}", 3, "BA"] for i in range(300)])
    with pytest.raises(RosterFileError, match="unpacks to"):
        read_table(content, "bomb.xlsx")


def test_a_csv_of_more_teachers_than_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(roster_file, "MAX_ROWS", 50)
    content = ("employee_id,step,lane\n" + "".join(f"E{i},3,BA\n" for i in range(51))).encode()
    with pytest.raises(RosterFileError, match="more than 50 teachers"):
        read_table(content, "many.csv")


def test_the_mapping_page_says_which_bound_a_sheet_broke(client, login_as, app, tmp_path, monkeypatch):
    app.config["FINANCE_UPLOAD_DIR"] = str(tmp_path / "uploads")
    monkeypatch.setattr(roster_file, "MAX_XLSX_ROWS", 2_000)
    login_as("finance")
    response = client.post("/finance/rosters/new", data={
        "csrf_token": csrf_token(client, "/finance/rosters/new"), "district_id": "cedar-valley", "name": "Claims",
        "file": (io.BytesIO(claiming_the_whole_sheet()), "claims.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "an XLSX roster may have at most 2,000 teachers" in page
