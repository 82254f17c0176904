"""A published salary grid (CSV or XLSX) read and understood, on its way to a rule file.

`read_grid` reads the table within bounds (bytes, rows, columns, decompressed size).
`understand` says what it makes of it: each lane's degree and credit read from its
name ("MA+30", "BA+60/MA", "APC w/Master's +30"), the steps (numbers, letters, bands,
open ends, skipped numbers), reserved and blank rows, blank cells, amounts or index
multipliers, and what it had to guess. The CLI and the admin page show that reading,
let a person correct it, and write it with `engine.rules.writer`.

The pieces, by what they are about: `grid_table` (the file read within bounds), `grid_lanes` (a lane's name
read), `grid_reading` (what was made of the grid, as rule-file data) and `grid_understand` (the guessing).
This module is their public face: callers import from here.
"""
from engine.rules.grid_lanes import LaneReading, parse_requirement, read_lane
from engine.rules.grid_reading import GridChoices, GridReading, RowReading
from engine.rules.grid_table import (
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNZIPPED,
    SAMPLE_CSV,
    GridError,
    RawGrid,
    read_grid,
)
from engine.rules.grid_understand import understand

__all__ = [
    "MAX_BYTES",
    "MAX_CELL",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNZIPPED",
    "SAMPLE_CSV",
    "GridChoices",
    "GridError",
    "GridReading",
    "LaneReading",
    "RawGrid",
    "RowReading",
    "parse_requirement",
    "read_grid",
    "read_lane",
    "understand",
]
