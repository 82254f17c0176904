"""A salary schedule: rows of steps by lanes, its shape checked, and indexed once for look-ups.

Rows are read at load into step numbers (`engine.rules.steps`), and each schedule is
indexed once: which row a step falls in, and which cell pays a step in each lane
(skipped steps, reserved rows, lanes that start late or end early, holes). Pay
look-ups then cost a dictionary read, not a scan of the rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from engine.errors import RuleInputError
from engine.rules.steps import StepSpan, normal_label, parse_label
from engine.rules.values import Cited, Count, DatedMoney, Memo, Money, Percent, Strict, memo

IndexValue = Annotated[Decimal, Field(gt=0)]


class Row(Strict):
    """One row of a schedule: a step label (a number, band, letter, open end...) and its cells."""

    step: int | str = Field(description="a step number, a band such as '10-14' or '1 & 2', an open end such as "
                                        "'25+', a letter such as 'B' or 'L-N', or a label with its number: 'D (1)'")
    reserved: bool = Field(False, description="a step no one is placed on: teachers skip it when they advance")
    amounts: list[Money | None] | None = None
    index: list[IndexValue | None] | None = None

    @field_validator("step")
    @classmethod
    def _step_label(cls, value: int | str) -> int | str:
        parse_label(value)
        return value

    @property
    def span(self) -> StepSpan:
        return parse_label(self.step)

    @property
    def first(self) -> int:
        return self.span.first

    @property
    def last(self) -> int | None:
        """The last step the row covers; None for an open end such as '25+'."""
        return self.span.last

    @property
    def label(self) -> str:
        return str(self.step)

    def covers(self, step: int) -> bool:
        return self.first <= step and (self.last is None or step <= self.last)

    def cells(self, kind: str) -> list | None:
        return self.index if kind == "index" else self.amounts


class GrowthRule(Cited):
    """Percent growth steps applied to a placement, under a cap (Dysart)."""

    percent: Percent
    compounding: bool = Field(False, description="true: each step multiplies the last; false: each adds percent of the placement")
    cap: DatedMoney | None = None
    minimum: DatedMoney | None = None
    max_steps: Count | None = None


@dataclass
class ScheduleIndex:
    """Where each step falls and which cell pays it, lane by lane; built once per schedule."""

    rows: list[Row]
    first_step: int
    top: int  # the highest step a closed row covers (an open row's first step)
    open_row: int | None
    row_at: dict[int, int | None]  # step -> row (None: a skipped step read as next_row)
    cols: dict[str, int]
    paying: list[dict[int, int]]  # per lane: step -> the row whose cell pays it
    refused: list[dict[int, str]]  # per lane: step -> why it has no cell
    lane_last: list[int]  # per lane: the last step with a cell of its own
    labels: dict[str, int]  # a row's label (and the text before a bracketed number) -> its first step


class Schedule(Cited, Memo):
    """A salary schedule adopted for the school years from its date on."""

    kind: Literal["grid", "index", "growth"]
    lanes: list[str]
    rows: list[Row]
    base: Money | None = Field(None, description="index schedules: the amount at index 1.0000")
    growth: GrowthRule | None = Field(None, description="growth schedules: the percent step and cap")
    skipped_steps: Literal["longevity", "next_row"] | None = Field(
        None, description="when step numbers skip (18, then 21): longevity = a teacher stays on 18 until year 21; "
                          "next_row = a teacher moves one row a year (18 -> 21)")
    blank_cells: Literal["carry", "none"] | None = Field(
        None, description="a blank cell after a lane's first amount (past its end, or a hole): carry = paid as the "
                          "last amount above it in the lane; none = no such cell: refused, and teachers in the "
                          "lane never sit on it")

    @property
    def cell_key(self) -> str:
        return "index" if self.kind == "index" else "amounts"

    @model_validator(mode="after")
    def _shape(self) -> "Schedule":
        problems = _shape_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        memo(self)["index"] = _build_index(self)
        return self

    def indexed(self) -> ScheduleIndex:
        """The schedule's index (rebuilt if a copy changed its rows)."""
        cache = memo(self)
        found = cache.get("index")
        if found is None or found.rows is not self.rows:
            found = cache["index"] = _build_index(self)
        return found

    def row_for(self, step: int) -> Row | None:
        """The row that covers a step, or None."""
        index = self.indexed()
        if step > index.top:
            return self.rows[index.open_row] if index.open_row is not None else None
        found = index.row_at.get(step)
        row = self.rows[found] if found is not None else None
        return row if row is not None and row.covers(step) else None

    @property
    def first_step(self) -> int:
        return self.indexed().first_step

    def last_step(self, lane: str) -> int:
        """The last step a lane has a cell of its own (earlier for a ragged lane); open ends count as their first step."""
        index = self.indexed()
        return index.lane_last[index.cols[lane]]

    def paying_row(self, step: int, lane: str) -> Row:
        """The row whose cell pays a step in a lane; RuleInputError says why there is none."""
        index = self.indexed()
        col = index.cols[lane]
        if step < index.first_step:
            raise RuleInputError(f"step {step} is below the schedule's first step {self.label_of(index.first_step)}")
        if step > index.top and index.open_row is None:
            if index.lane_last[col] < index.top and self.blank_cells == "none":
                raise RuleInputError(f"lane {lane} has no cell at step {step}: it ends at step "
                                     f"{self.label_of(index.lane_last[col])}")
            step = index.lane_last[col]  # past the schedule's end: its last step pays
        elif step > index.top:
            step = index.top
        found = index.paying[col].get(step)
        if found is None:
            raise RuleInputError(index.refused[col].get(step) or f"step {step} is not on the schedule")
        return self.rows[found]

    def can_sit(self, step: int, lane: str | None = None) -> bool:
        """Whether a teacher can be placed on a step (in a lane, where blank cells are no cells)."""
        index = self.indexed()
        if step < index.first_step:
            return False
        if step > index.top:
            if index.open_row is None:
                return False
            step = index.top
        found = index.row_at.get(step)
        if found is None or self.rows[found].reserved:
            return False
        if lane is None or self.blank_cells != "none":
            return True
        col = index.cols[lane]
        return step in index.paying[col] and self.rows[index.paying[col][step]].covers(step)

    def step_of(self, value: int | str) -> int:
        """The step number of a step as a person gives it: a number, or a label of this schedule ('B', 'D', 'L.5 (10)')."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.isdigit():
            return int(text)
        index = self.indexed()
        found = index.labels.get(normal_label(text))
        if found is not None:
            return found
        try:
            span = parse_label(text)
        except ValueError:
            raise RuleInputError(f"unknown step {text!r} (steps: {', '.join(r.label for r in self.rows)})") from None
        return span.first

    def label_of(self, step: int) -> str:
        """The label of the row a step falls in ('B', '1 & 2'); the number where no row covers it."""
        row = self.row_for(step)
        return row.label if row is not None else str(step)


def _shape_problems(schedule: Schedule) -> list[str]:
    """Every way the schedule's shape is wrong, each starting with its place (rows[3], lanes[1]...)."""
    problems = []
    lanes, kind, cells = schedule.lanes, schedule.kind, schedule.cell_key
    if len(set(lanes)) != len(lanes):
        problems.append("expected each lane once in lanes")
    if kind == "index" and schedule.base is None:
        problems.append("an index schedule needs base: the amount at index 1.0000")
    if kind == "growth" and schedule.growth is None:
        problems.append("a growth schedule needs growth: {percent, cap}")
    if kind != "growth" and schedule.growth is not None:
        problems.append("growth: is only for kind: growth")
    other = "amounts" if cells == "index" else "index"
    previous: Row | None = None
    gap = None
    for number, row in enumerate(schedule.rows):
        where = f"rows[{number}]: step {row.label}"
        if getattr(row, other) is not None:
            problems.append(f"rows[{number}]: a {kind} schedule holds {cells}, not {other}")
        values = row.cells(kind)
        if row.reserved:
            if values is not None and any(v is not None for v in values):
                problems.append(f"{where}: a reserved step has no {cells} (leave them out, or blank)")
        elif values is None or len(values) != len(lanes):
            problems.append(f"{where}: expected {len(lanes)} {cells}, one per lane, got {0 if values is None else len(values)}")
        elif all(v is None for v in values):
            problems.append(f"{where}: every cell is blank: mark the row reserved: true if no one is paid on this step")
        if previous is not None:
            if previous.last is None:
                problems.append(f"{where}: comes after the open step {previous.label}, which covers every step after it")
            elif row.first <= previous.last:
                problems.append(f"{where}: overlaps step {previous.label} (steps must go down the schedule in order)")
            elif row.first > previous.last + 1 and gap is None:
                gap = (number, previous, row)
        previous = row
    if problems:
        return problems
    if not any(not r.reserved for r in schedule.rows):
        return ["expected at least one row with amounts"]
    if gap is not None and schedule.skipped_steps is None:
        number, above, below = gap
        problems.append(f"rows[{number}]: steps skip from {above.label} to {below.label}: say what skipped steps mean "
                        f"with skipped_steps: longevity (a teacher stays on {above.label} until step {below.first}) or "
                        f"next_row (a teacher moves one row a year, {above.label} then {below.label})")
    for col, lane in enumerate(lanes):
        filled = [n for n, row in enumerate(schedule.rows) if not row.reserved and row.cells(kind)[col] is not None]
        if not filled:
            problems.append(f"lanes[{col}]: lane {lane} has no {cells} in any row; fill the column or leave the lane out")
            continue
        if schedule.blank_cells is None:
            for n in range(filled[0] + 1, len(schedule.rows)):
                row = schedule.rows[n]
                if not row.reserved and row.cells(kind)[col] is None:
                    problems.append(
                        f"rows[{n}].{cells}[{col}]: lane {lane} is blank at step {row.label}, below its {cells} above: "
                        "say what such a blank cell means with blank_cells: carry (paid as the last amount above it "
                        "in the lane) or none (no such cell: teachers in the lane never sit on it)")
                    break
    return problems


def _build_index(schedule: Schedule) -> ScheduleIndex:
    rows, kind = schedule.rows, schedule.kind
    first_step = min(r.first for r in rows if not r.reserved)
    top = max(r.last if r.last is not None else r.first for r in rows)
    open_row = len(rows) - 1 if rows[-1].last is None else None
    row_at: dict[int, int | None] = {}
    for number, row in enumerate(rows):
        for step in range(row.first, (row.last if row.last is not None else row.first) + 1):
            row_at[step] = number
    previous = None
    for step in range(min(r.first for r in rows), top + 1):
        if step in row_at:
            previous = row_at[step]
        else:
            row_at[step] = previous if schedule.skipped_steps == "longevity" else None
    labels: dict[str, int] = {}
    for row in rows:
        labels.setdefault(normal_label(row.label), row.first)
        if row.span.bracketed:
            labels.setdefault(row.span.bracketed, row.first)
    cols = {lane: col for col, lane in enumerate(schedule.lanes)}
    paying: list[dict[int, int]] = []
    refused: list[dict[int, str]] = []
    lane_last: list[int] = []
    for col, lane in enumerate(schedule.lanes):
        pays: dict[int, int] = {}
        why: dict[int, str] = {}
        last_filled = None
        first_filled = None
        lane_end = first_step
        for step in range(first_step, top + 1):
            number = row_at.get(step)
            if number is None:
                why[step] = (f"step {step} is not on the schedule: its steps skip from "
                             f"{_label_before(rows, step)} to {_label_after(rows, step)}, one row a year")
                continue
            row = rows[number]
            if row.reserved:
                why[step] = f"step {row.label} is reserved or not on the schedule: no one is placed on it"
                continue
            if row.cells(kind)[col] is not None:
                pays[step] = last_filled = number
                first_filled = number if first_filled is None else first_filled
                lane_end = step
            elif first_filled is None:
                why[step] = (f"lane {lane} has no cell at step {row.label}: it starts at step "
                             f"{_first_filled_label(rows, kind, col)}")
            elif schedule.blank_cells == "carry":
                pays[step] = last_filled
            else:
                why[step] = (f"lane {lane} has no cell at step {row.label}: the cell is blank, and this schedule's "
                             "blank cells are no cells (blank_cells: none)")
        lane_last.append(lane_end)
        paying.append(pays)
        refused.append(why)
    return ScheduleIndex(rows, first_step, top, open_row, row_at, cols, paying, refused, lane_last, labels)


def _label_before(rows: list[Row], step: int) -> str:
    return next((r.label for r in reversed(rows) if r.first < step), "?")


def _label_after(rows: list[Row], step: int) -> str:
    return next((r.label for r in rows if r.first > step), "?")


def _first_filled_label(rows: list[Row], kind: str, col: int) -> str:
    return next(r.label for r in rows if not r.reserved and r.cells(kind)[col] is not None)
