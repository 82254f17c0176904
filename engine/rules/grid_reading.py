"""What was made of a salary grid: the person's choices, each row read, and the reading as rule-file data.

`engine.rules.grid_understand` fills a `GridReading`; the CLI and the admin page show its summary, and
`engine.rules.writer` writes its schedule and lanes into a rule file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from engine.rules.grid_lanes import LaneReading
from engine.rules.grid_table import RawGrid

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
