"""A published salary grid (CSV or XLSX) read and understood, on its way to a rule file.

`read_grid` reads the table within bounds (bytes, rows, columns, decompressed size).
`understand` says what it makes of it: each lane's degree and credit read from its
name ("MA+30", "BA+60/MA", "APC w/Master's +30"), the steps (numbers, letters, bands,
open ends, skipped numbers), reserved and blank rows, blank cells, amounts or index
multipliers, and what it had to guess. The CLI and the admin page show that reading,
let a person correct it, and write it with `engine.rules.writer`.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from engine.money import ROUNDING_MODES
from engine.rules.steps import parse_label, span_text
from engine.rules.values import DEGREES

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


# --- lanes: the degree and credit a lane's name says ------------------------------------------------

_DEGREE_WORDS = [
    ("none", r"non[- ]?licen[cs]ed|unlicen[cs]ed|no[- ]degree|non[- ]?degreed?|uncertified|nl"),
    ("doctorate", r"ph\.?\s?d\.?|ed\.?\s?d\.?|doctorate|doctoral|doctor|doc|dr"),
    ("specialist", r"ed\.?\s?s\.?|specialist|spec|cags"),
    ("master", r"master'?s?|masters'?|mast|m\.?a\.?|m\.?s\.?|m\.?ed\.?|mat|m"),
    ("bachelor", r"bachelor'?s?|bachelors'?|bach|b\.?a\.?|b\.?s\.?|b"),
]
_WORD = re.compile(r"(?<![A-Za-z])(?:" + "|".join(f"(?P<{d}>{p})" for d, p in _DEGREE_WORDS) + r")(?![A-Za-z])",
                   re.IGNORECASE)
_CREDITS = re.compile(r"\s*\+\s*(\d{1,3})(?!\d)")
_ANOTHER_DEGREE = re.compile(r"\+\s*[A-Za-z]")


@dataclass
class LaneReading:
    """What a lane's name says: its degree and credit beyond it, other ways in, and whether it is a guess."""

    label: str
    degree: str | None
    credits: int = 0
    equivalent: list[tuple[str, int]] = field(default_factory=list)
    sure: bool = True
    given: bool = False  # set by the person, not read from the name

    @property
    def id(self) -> str:
        return self.label

    def describe(self) -> str:
        if self.degree is None:
            return "no degree read: say which"
        text = _requirement(self.degree, self.credits)
        if self.equivalent:
            text += " (or " + ", or ".join(_requirement(d, c) for d, c in self.equivalent) + ")"
        return text


def _requirement(degree: str, credits: int) -> str:
    if degree == "none":
        return "no degree"
    return degree + (f" + {credits}" if credits else "")


def read_lane(label: str) -> LaneReading:
    """A lane's degree and credit from its published name; `sure` is False where the name leaves doubt."""
    text = re.sub(r"\bw/", "with ", label, flags=re.IGNORECASE)
    alternatives = [part for part in re.split(r"/|\bor\b", text, flags=re.IGNORECASE) if part.strip()]
    found: list[tuple[str, int]] = []
    sure = True
    for part in alternatives:
        matches = list(_WORD.finditer(part))
        if not matches:
            credits = _CREDITS.search(part)
            if credits and found:  # "MA/+15": credit on the previous alternative's degree
                found.append((found[-1][0], int(credits.group(1))))
            else:
                sure = False
            continue
        if len({m.lastgroup for m in matches}) > 1 or _ANOTHER_DEGREE.search(part):
            sure = False  # "MA+MA", "MA+60 Specialist": more than one degree in one part
        for match in matches:
            # Credit belongs to the degree it follows ("MA+60"); a lone "+30" goes with the part's only degree.
            credits = _CREDITS.match(part, match.end())
            if credits is None and len(matches) == 1:
                credits = _CREDITS.search(part)
            found.append((match.lastgroup, int(credits.group(1)) if credits else 0))
    if not found:
        return LaneReading(label, None, sure=False)
    found.sort(key=lambda need: (DEGREES.index(need[0]), -need[1]), reverse=True)
    primary = found[0]
    equivalent = []
    for need in found[1:]:
        if need != primary and need not in equivalent:
            equivalent.append(need)
    return LaneReading(label, primary[0], primary[1], equivalent, sure)


def parse_requirement(text: str) -> tuple[str, int]:
    """'master+30', 'none', 'bachelor' as (degree, credits); ValueError says what was expected."""
    match = re.fullmatch(r"\s*([a-z]+)\s*(?:\+\s*(\d{1,3}))?\s*", text.lower())
    if not match or match.group(1) not in DEGREES:
        raise ValueError(f"expected a degree ({', '.join(DEGREES)}) and optional credits, e.g. master+30; got {text!r}")
    return match.group(1), int(match.group(2) or 0)


# --- the whole grid -----------------------------------------------------------------------------


@dataclass
class GridChoices:
    """What the person says about the grid (the rest is read or guessed)."""

    effective: date
    index: bool = False
    base: Decimal | None = None
    rounding: str | None = None  # a mode of engine.money.ROUNDING_MODES: round amounts with more than 2 decimals
    skipped_steps: str | None = None  # longevity | next_row
    blank_cells: str | None = None  # carry | none
    lanes: dict[str, tuple[str, int]] = field(default_factory=dict)  # lane label -> (degree, credits)
    skip_rows: tuple[str, ...] = ()


@dataclass
class RowReading:
    line: int
    label: str
    first: int
    last: int | None
    values: list[Decimal | None]
    reserved: bool


@dataclass
class GridReading:
    """What was understood of a grid, what was guessed, and what stops it being a schedule."""

    grid: RawGrid
    choices: GridChoices
    lanes: list[LaneReading]
    rows: list[RowReading]
    understood: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped_steps: str | None = None
    blank_cells: str | None = None

    @property
    def kind(self) -> str:
        return "index" if self.choices.index else "grid"

    @property
    def ok(self) -> bool:
        return not self.problems

    def blank_map(self) -> list[list[str]]:
        """Per row and lane: '' (a value), 'before' (the lane has not started), 'hole', 'after' (past its end), 'reserved'."""
        marks = []
        for row_number, row in enumerate(self.rows):
            marks.append([])
            for col in range(len(self.lanes)):
                if row.reserved:
                    marks[-1].append("reserved")
                elif row.values[col] is not None:
                    marks[-1].append("")
                else:
                    above = any(r.values[col] is not None for r in self.rows[:row_number] if not r.reserved)
                    below = any(r.values[col] is not None for r in self.rows[row_number + 1:] if not r.reserved)
                    marks[-1].append("before" if not above else "hole" if below else "after")
        return marks

    def schedule_data(self) -> dict:
        """The schedule as rule-file data (the writer turns it into YAML)."""
        cells = "index" if self.choices.index else "amounts"
        data: dict = {"kind": self.kind}
        if self.choices.index:
            data["base"] = self.choices.base
        if self.skipped_steps:
            data["skipped_steps"] = self.skipped_steps
        if self.blank_cells:
            data["blank_cells"] = self.blank_cells
        data["lanes"] = [lane.id for lane in self.lanes]
        data["rows"] = [{"step": _step_value(row.label), "reserved": True} if row.reserved else
                        {"step": _step_value(row.label), cells: list(row.values)} for row in self.rows]
        return data

    def lanes_data(self) -> list[dict]:
        """The lanes as rule-file data, left to right."""
        result = []
        for lane in self.lanes:
            entry: dict = {"id": lane.id, "degree": lane.degree or "bachelor"}
            if lane.credits:
                entry["credits"] = lane.credits
            if lane.equivalent:
                entry["equivalent"] = [{"degree": d, "credits": c} if c else {"degree": d} for d, c in lane.equivalent]
            result.append(entry)
        return result

    def summary(self) -> list[str]:
        """What was understood, guessed, doubtful and wrong, one line each, for a person to confirm."""
        lines = [f"{len(self.lanes)} lanes, {len(self.rows)} rows ({self.kind})"]
        for lane in self.lanes:
            mark = "" if lane.sure or lane.given else "   <- a guess: confirm with --lane"
            lines.append(f"  lane {lane.label!r}: {lane.describe()}{mark}")
        lines += [f"  {text}" for text in self.understood]
        lines += [f"guessed: {text}" for text in self.guessed]
        lines += [f"warning: {text}" for text in self.warnings]
        lines += [f"problem: {text}" for text in self.problems]
        return lines


def _step_value(label: str) -> int | str:
    return int(label) if label.isdigit() else label


def understand(grid: RawGrid, choices: GridChoices) -> GridReading:
    """What a grid says, with every guess named and every problem located."""
    lanes = []
    for label in grid.lanes:
        if label in choices.lanes:
            degree, credits = choices.lanes[label]
            lanes.append(LaneReading(label, degree, credits, given=True))
        else:
            lanes.append(read_lane(label))
    reading = GridReading(grid, choices, lanes, [])
    problems = reading.problems
    unknown = [label for label in choices.lanes if label not in grid.lanes]
    if unknown:
        problems.append(f"no lane named {', '.join(map(repr, unknown))} in the header ({', '.join(grid.lanes)})")
    for lane in lanes:
        if lane.degree is None:
            problems.append(f"lane {lane.label!r}: no degree can be read from its name; say it, e.g. "
                            f"--lane '{lane.label}=bachelor' or '{lane.label}=master+30' (degrees: {', '.join(DEGREES)})")
        elif not lane.sure and not lane.given:
            reading.guessed.append(f"lane {lane.label!r} read as {lane.describe()}")
    if choices.index and (choices.base is None or choices.base <= 0):
        problems.append("an index schedule needs --base: the amount at index 1.0000")
    skip = {" ".join(label.split()).casefold() for label in choices.skip_rows}
    left_out = []
    for line, label, cells in grid.rows:
        if " ".join(label.split()).casefold() in skip:
            left_out.append(label)
            continue
        row = _read_row(reading, line, label, cells)
        if row is not None:
            reading.rows.append(row)
    missing = skip - {" ".join(label.split()).casefold() for label in left_out}
    if missing:
        problems.append(f"--skip-row: no row labelled {', '.join(sorted(missing))}")
    if left_out:
        reading.understood.append(f"left out as asked: row(s) {', '.join(left_out)}")
    if problems or not reading.rows:
        if not reading.rows and not problems:
            problems.append(f"{grid.name}: no step rows")
        return reading
    _read_values(reading)
    _read_steps(reading)
    _read_blanks(reading)
    _read_lane_order(reading)
    return reading


def _read_row(reading: GridReading, line: int, label: str, cells: list[str]) -> RowReading | None:
    name = reading.grid.name
    try:
        span = parse_label(_step_value(label))
    except ValueError as exc:
        reading.problems.append(f"{name}:{line}: column 1 (step): {exc}")
        return None
    values: list[Decimal | None] = []
    reserved_words = 0
    for column, text in enumerate(cells, start=2):
        lane = reading.grid.lanes[column - 2]
        cleaned = text.replace("$", "").replace(",", "").replace(" ", "")
        if cleaned.lower() in ("reserved", "-", "--", "n/a", "na", "\u2014", "\u2013"):
            reserved_words += cleaned.lower() == "reserved"
            values.append(None)
            continue
        if cleaned == "":
            values.append(None)
            continue
        try:
            value = Decimal(cleaned)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            reading.problems.append(f"{name}:{line}: column {column} ({lane}): expected "
                                    f"{'an index such as 1.0450' if reading.choices.index else 'an amount such as 52,340.00'}"
                                    f", got {text!r}")
            values.append(None)
            continue
        if value <= 0 and reading.choices.index or value < 0:
            reading.problems.append(f"{name}:{line}: column {column} ({lane}): expected a number above 0, got {text!r}")
        values.append(value)
    reserved = all(v is None for v in values)
    return RowReading(line, label, span.first, span.last, values, reserved)


def _read_values(reading: GridReading) -> None:
    """Amounts (at most two decimals, unless a rounding rule is given) or index multipliers."""
    name, choices = reading.grid.name, reading.choices
    values = [(row, col, v) for row in reading.rows for col, v in enumerate(row.values) if v is not None]
    if not values:
        reading.problems.append(f"{name}: every cell is blank")
        return
    if not choices.index and all(v < 10 for _, _, v in values):
        sample = values[0][2]
        reading.problems.append(f"{name}: every value is under 10 (e.g. {sample}): these look like index multipliers, "
                                "not dollars; import with --index --base AMOUNT (the amount at index 1.0000)")
        return
    if choices.index:
        reading.understood.append(f"index schedule: cell = base {choices.base} x index, rounded by the rule file's pay.cells")
        return
    long = [(row, col, v) for row, col, v in values if v.as_tuple().exponent < -2]
    if long and choices.rounding is None:
        row, col, v = long[0]
        reading.problems.append(f"{name}:{row.line}: column {col + 2} ({reading.grid.lanes[col]}): {v} has more than two "
                                f"decimals ({len(long)} such cell(s)); give a rounding rule (--rounding half_up, half_even, "
                                "down or up) to round them to the cent, or correct the grid")
    elif long:
        mode = ROUNDING_MODES[choices.rounding]
        for row in reading.rows:
            row.values = [None if v is None else v.quantize(Decimal("0.01"), rounding=mode) for v in row.values]
        reading.understood.append(f"{len(long)} amount(s) with more than two decimals rounded {choices.rounding} to the cent")
    for above, row in zip(reading.rows, reading.rows[1:]):
        low = [v for v in row.values if v is not None]
        high = [v for v in above.values if v is not None]
        if low and high and max(low) * 10 < min(high):
            reading.warnings.append(
                f"row {row.label} (line {row.line}) pays {min(low):,}-{max(low):,}, under a tenth of the row above "
                f"({min(high):,}-{max(high):,}): yearly longevity amounts, not salaries? If so, leave it out with "
                f"--skip-row '{row.label}' and add a longevity addition to the rule file")


def _read_steps(reading: GridReading) -> None:
    rows = [r for r in reading.rows]
    letters = [r for r in rows if parse_label(_step_value(r.label)).letters]
    kinds = []
    if letters:
        kinds.append("letters (A = 1, B = 2 ...)")
    if any(r.last != r.first for r in rows):
        kinds.append("bands or open ends (" + ", ".join(r.label for r in rows if r.last != r.first) + ")")
    if any(parse_label(_step_value(r.label)).bracketed for r in rows):
        kinds.append("labels with their step number in brackets")
    reading.understood.append(f"steps {rows[0].label} to {rows[-1].label}" + (": " + "; ".join(kinds) if kinds else ""))
    reserved = [r.label for r in rows if r.reserved]
    if reserved:
        reading.understood.append(f"blank row(s) {', '.join(reserved)}: reserved steps (no one is paid on them; "
                                  "teachers skip them when they advance)")
    gaps = []
    for above, row in zip(rows, rows[1:]):
        if above.last is not None and row.first > above.last + 1:
            gaps.append((above, row))
    if not gaps:
        return
    said = reading.choices.skipped_steps
    text = ", ".join(f"{a.label} to {b.label}" for a, b in gaps)
    if said:
        reading.skipped_steps = said
        reading.understood.append(f"steps skip ({text}): {_skipped_meaning(said, gaps[0])}")
        return
    guess = "next_row" if letters else "longevity"
    reading.skipped_steps = guess
    reading.guessed.append(f"steps skip ({text}): read as {guess}: {_skipped_meaning(guess, gaps[0])}; "
                           f"say --skipped-steps {'longevity' if guess == 'next_row' else 'next-row'} if not")


def _skipped_meaning(reading: str, gap) -> str:
    above, row = gap
    if reading == "longevity":
        return f"a teacher stays on {above.label} until step {row.first} ({span_text(above.first, row.first - 1)} paid alike)"
    return f"a teacher moves one row a year ({above.label}, then {row.label})"


def _read_blanks(reading: GridReading) -> None:
    marks = reading.blank_map()
    for col, lane in enumerate(reading.lanes):
        column = [m[col] for m in marks]
        if all(m in ("before", "after", "hole", "reserved") for m in column):
            reading.problems.append(f"lane {lane.label!r} has no values in any row; drop the column or fill it")
            continue
        parts = []
        starts = next(r.label for r, m in zip(reading.rows, column) if m == "")
        ends = [r.label for r, m in zip(reading.rows, column) if m == ""][-1]
        if "before" in column:
            parts.append(f"starts at step {starts}")
        if "after" in column:
            parts.append(f"ends at step {ends}")
        holes = [r.label for r, m in zip(reading.rows, column) if m == "hole"]
        if holes:
            parts.append(f"is blank at {', '.join(holes)}")
        if parts:
            reading.understood.append(f"lane {lane.label!r} " + ", ".join(parts))
    needs_rule = any(m in ("hole", "after") for row in marks for m in row)
    if not needs_rule:
        return
    if reading.choices.blank_cells:
        reading.blank_cells = reading.choices.blank_cells
        reading.understood.append(f"blank cells below a lane's values: {_blank_meaning(reading.blank_cells)}")
    else:
        reading.blank_cells = "carry"
        reading.guessed.append(f"blank cells below a lane's values: {_blank_meaning('carry')}; say --blank-cells none if "
                               "there is no such cell")


def _blank_meaning(rule: str) -> str:
    if rule == "carry":
        return "carry (paid as the last value above it in the lane)"
    return "none (no such cell: teachers in the lane never sit on it)"


def _read_lane_order(reading: GridReading) -> None:
    ranked = [(DEGREES.index(l.degree), l.credits, l) for l in reading.lanes if l.degree is not None]
    for (rank_a, credits_a, left), (rank_b, credits_b, right) in zip(ranked, ranked[1:]):
        if (rank_b, credits_b) < (rank_a, credits_a):
            reading.warnings.append(f"lane {right.label!r} ({right.describe()}) asks less than lane {left.label!r} to its "
                                    "left ({}); credit never moves a teacher into it: check its degree".format(left.describe()))
