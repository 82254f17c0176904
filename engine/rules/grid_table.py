"""A published salary grid's table read within bounds: the CSV or XLSX file, its lanes and rows.

`read_grid` reads the table within bounds (bytes, rows, columns, decompressed size); `engine.rules.grid_lanes`
reads each lane's name and `engine.rules.grid_understand` the rest.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 200
MAX_COLUMNS = 80
MAX_CELL = 100  # characters in one cell
MAX_UNZIPPED = 40 * 1024 * 1024  # an XLSX's parts, decompressed
SAMPLE_CSV = """step,BA,BA+15,MA,MA+30
1,"48,000",49500,52000,55000
2,49000,50500,53000,56000
3-5,50000,51500,54000,57000
6+,51000,,55000,58000"""


class GridError(ValueError):
    """A grid that cannot be read; each problem names the file, line and column."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class RawGrid:
    """A grid's text: lane labels across, then (line, step label, cells) down."""

    name: str
    lanes: list[str]
    rows: list[tuple[int, str, list[str]]]


# --- reading ---------------------------------------------------------------------------------


def read_grid(content: bytes, filename: str) -> RawGrid:
    """The lanes and rows of a CSV or XLSX grid (first sheet): the first column holds step labels."""
    if len(content) > MAX_BYTES:
        raise GridError([f"{filename}: larger than {MAX_BYTES // (1024 * 1024)} MB; a salary grid is a few KB"])
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        table = _xlsx_table(content, filename)
    else:
        table = _csv_table(content, filename)
    table = [(line, cells) for line, cells in table if any(c.strip() for c in cells)]
    if len(table) < 2:
        raise GridError([f"{filename}: expected a header row (step, then one lane name a column) and at least one step row"])
    header_line, header = table[0]
    while header and not header[-1].strip():
        header = header[:-1]
    lanes = [" ".join(cell.split()) for cell in header[1:]]
    problems = []
    if not lanes:
        problems.append(f"{filename}:{header_line}: expected lane names after the step column")
    for column, lane in enumerate(lanes, start=2):
        if not lane:
            problems.append(f"{filename}:{header_line}: column {column}: expected a lane name, got a blank")
        elif lanes.index(lane) != column - 2:
            problems.append(f"{filename}:{header_line}: column {column}: lane {lane!r} appears twice")
    rows = []
    for line, cells in table[1:]:
        extra = [c for c in cells[len(lanes) + 1:] if c.strip()]
        if extra:
            problems.append(f"{filename}:{line}: {len(cells) - 1} cells but {len(lanes)} lanes in the header")
        cells = (cells + [""] * (len(lanes) + 1))[: len(lanes) + 1]
        rows.append((line, " ".join(cells[0].split()), [c.strip() for c in cells[1:]]))
    if problems:
        raise GridError(problems)
    return RawGrid(filename, lanes, rows)


def _csv_table(content: bytes, filename: str) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # spreadsheets saved as "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    table = []
    try:
        for cells in reader:
            _check_size(len(table), len(cells), filename, reader.line_num)
            if any(len(c) > MAX_CELL for c in cells):
                raise GridError([f"{filename}:{reader.line_num}: a cell longer than {MAX_CELL} characters"])
            table.append((reader.line_num, cells))
    except csv.Error as exc:
        raise GridError([f"{filename}:{reader.line_num}: not a CSV row: {exc}"]) from None
    return table


def _check_size(rows: int, columns: int, filename: str, line: int) -> None:
    if rows >= MAX_ROWS:
        raise GridError([f"{filename}:{line}: more than {MAX_ROWS} rows; a salary grid has at most a few dozen steps"])
    if columns > MAX_COLUMNS + 1:
        raise GridError([f"{filename}:{line}: more than {MAX_COLUMNS} lanes"])


def _xlsx_table(content: bytes, filename: str) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise GridError([f"{filename}: not a readable XLSX file ({exc})"]) from None
    if unzipped > MAX_UNZIPPED:
        raise GridError([f"{filename}: unpacks to more than {MAX_UNZIPPED // (1024 * 1024)} MB; a salary grid is a few KB"])
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise GridError([f"{filename}: not a readable XLSX file ({type(exc).__name__})"]) from None
    try:
        sheet = book.worksheets[0]
        table = []
        # Rows and columns are bounded as they are read: a sheet's claimed dimension is not trusted.
        for line, values in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 2, values_only=True),
                                      start=1):
            cells = [_xlsx_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            _check_size(len(table), len(cells), filename, line)
            table.append((line, cells))
        return table
    finally:
        book.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel keeps numbers as binary floats; 52340.5 is read back as its shortest decimal text.
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()[:MAX_CELL]
