"""A salary grid understood: values, steps, blank cells and lane order read, every guess named, every problem located."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from engine.money import ROUNDING_MODES
from engine.rules.grid_lanes import LaneReading, read_lane
from engine.rules.grid_reading import GridChoices, GridReading, RowReading, _step_value
from engine.rules.grid_table import RawGrid
from engine.rules.steps import parse_label, span_text
from engine.rules.values import DEGREES


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
