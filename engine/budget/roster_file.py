"""Reading a roster file: CSV or XLSX rows within stated bounds, and their column names matched to ours.
Checking the rows is `engine.budget.roster_checks`. Pure: no Flask, no database.
"""
from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from itertools import islice

# The roster's fields, in file order, with the header names districts commonly use for them.
FIELDS: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee id", "employee", "emp id", "empid", "employee number", "id", "staff id"),
    "school": ("school", "campus", "site", "building", "location"),
    "step": ("step", "salary step", "step number"),
    "lane": ("lane", "column", "salary lane", "salary column", "class"),
    "fte": ("fte", "full time equivalent", "fte percent"),
    "hire_date": ("hire date", "hired", "date hired", "start date", "hire"),
    "degree": ("degree", "highest degree", "education"),
    "band": ("band", "pay band", "payband", "grade"),
    "micro_credentials": ("micro credentials", "microcredentials", "mcs", "mc count", "micro credential count"),
    "credit_hours": ("credit hours", "credits", "graduate credits", "hours beyond degree", "credit"),
    "subjects": ("subjects", "subject", "stipend subjects", "subject stipends", "assignment"),
    "certifications": ("certifications", "certification", "endorsements"),
    "certified": ("certified", "certification status", "is certified"),
    "years_of_service": ("years of service", "service years", "years", "yos", "experience", "years experience"),
    "growth_steps": ("growth steps", "growth steps held", "professional growth steps"),
    "role": ("role", "teacher leader role", "leadership role", "role held"),
    "micro_credentials_this_year": ("micro credentials this year", "mcs this year", "stipend micro credentials",
                                    "micro credentials earned this year"),
    "actual_salary": ("actual salary", "salary", "base salary", "annual salary", "current salary"),
    "unit": ("unit", "bargaining unit", "employee group", "union"),
    "funding": ("funding", "funding source", "fund", "fund source"),
    "new_lane": ("new lane", "lane from mid year", "mid year lane", "lane change"),
    "new_lane_share": ("new lane share", "share of year in new lane", "lane change share"),
}
REQUIRED = ("employee_id", "step", "lane")
MAX_ERRORS_SHOWN = 1000

# Bounds on what a file may make us read (a 358 KB XLSX can claim a million rows, a 4.7 KB one 16,384 columns).
MAX_ROWS = 1_000_000          # teachers in a CSV file
MAX_XLSX_ROWS = 200_000       # teachers in an XLSX sheet (slow to read: save larger rosters as CSV)
MAX_COLUMNS = 100
XLSX_SECONDS = 20.0           # reading one sheet
MAX_XLSX_UNPACKED = 512 * 1024 * 1024   # the sheet's XML once unzipped


@dataclass(frozen=True)
class RowError:
    """One problem in one row: its line, the column, and what was expected."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    def to_json(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


class RosterError(ValueError):
    """A roster that cannot be imported: every bad row, or a missing column mapping."""

    def __init__(self, errors: list[RowError], rows_checked: int = 0, unmapped: list[str] | None = None):
        self.errors = errors
        self.rows_checked = rows_checked
        self.unmapped = unmapped or []
        lines = sorted({e.line for e in errors})
        text = f"{len(lines)} bad row(s) of {rows_checked}: nothing was imported" if errors else "columns are not mapped"
        super().__init__(text)


class RosterFileError(ValueError):
    """A file that cannot be read as a roster at all, or that goes past a bound; the message says which."""


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name or "").lower()).strip()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Our field -> the file's header, for every header whose name we recognise."""
    mapping: dict[str, str] = {}
    normal = {_normal(h): h for h in headers if h is not None and str(h).strip()}
    for name, synonyms in FIELDS.items():
        for candidate in (_normal(name),) + synonyms:
            if candidate in normal and normal[candidate] not in mapping.values():
                mapping[name] = normal[candidate]
                break
    return mapping


# --- reading files, within bounds ---------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header and the data rows (with their line numbers) of a CSV or XLSX file; RosterFileError past a bound."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return [], []
    if len(header) > MAX_COLUMNS:
        raise RosterFileError(f"the file has {len(header)} columns; a roster may have at most {MAX_COLUMNS}")
    if '"' not in text:
        # No quoted cells, so no cell spans lines: record i is on line i + 2, and the reader runs at C speed.
        records = list(islice(reader, MAX_ROWS * 2 + 1))
        rows = [(line, values) for line, values in enumerate(records, start=2) if "".join(values).strip()]
        if len(rows) > MAX_ROWS or (len(records) > MAX_ROWS * 2 and next(reader, None) is not None):
            raise RosterFileError(f"the file has more than {MAX_ROWS:,} teachers; split it into smaller rosters")
        return [h.strip() for h in header], rows
    rows = []
    for values in reader:
        if "".join(values).strip():
            if len(rows) == MAX_ROWS:
                raise RosterFileError(f"the file has more than {MAX_ROWS:,} teachers; split it into smaller rosters")
            rows.append((reader.line_num, values))
    return [h.strip() for h in header], rows


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """The first sheet, read row by row with bounded rows, columns, unpacked size and time.

    A sheet's own dimension is not trusted: a tiny file may claim A1:XFD1048576."""
    import zipfile

    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise RosterFileError("the file is not an XLSX workbook") from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise RosterFileError(f"the workbook unpacks to {unpacked // 2**20:,} MiB; at most {MAX_XLSX_UNPACKED // 2**20} MiB "
                              "is read (save the roster as CSV)")
    deadline = time.monotonic() + XLSX_SECONDS
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()   # read what the sheet holds, not what it claims
        rows_iter = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        header = next(rows_iter, None)
        if header is None:
            return [], []
        header = list(header)
        while header and (header[-1] is None or not str(header[-1]).strip()):
            header.pop()
        if len(header) > MAX_COLUMNS:
            raise RosterFileError(f"the sheet has more than {MAX_COLUMNS} columns; a roster may have at most {MAX_COLUMNS}")
        width = len(header)
        rows = []
        for number, values in enumerate(rows_iter, start=2):
            if number > MAX_XLSX_ROWS + 1:
                raise RosterFileError(f"the sheet goes past row {MAX_XLSX_ROWS + 1:,}; an XLSX roster may have at most "
                                      f"{MAX_XLSX_ROWS:,} teachers (save larger rosters as CSV)")
            if number % 1000 == 0 and time.monotonic() > deadline:
                raise RosterFileError(f"reading the sheet took more than {XLSX_SECONDS:.0f} seconds (stopped at row "
                                      f"{number:,}); save the roster as CSV")
            values = values[:width]
            if any(v is not None and str(v).strip() for v in values):
                rows.append((number, list(values)))
    finally:
        book.close()
    return ["" if h is None else str(h).strip() for h in header], rows
