"""A bargaining proposal as negotiators write it: school year by school year, each year's raises (percent or dollars,
on every cell or on chosen lanes and steps, from the year's start or mid-year), a proposed grid (CSV, read by the
same reader as `flask rules import-grid`), steps added or removed, lanes merged, hold on step, and one-time
off-schedule payments.

The schedule part becomes dated schedules in a copy of the district's rules (`proposal_schedules`): year by year,
each proposal year's schedule is the one before it (as the rules carry it by COLA to the year before the first
proposal year) changed by that year's terms, so the settlement's raises stand in for the COLA assumption in the
years it covers; after its last year, COLA carries the last schedule forward. A mid-year raise is paid for the
months left in the school year: the year's schedule pays each cell's old amount plus the raise times that share,
rounded once, and the next year starts from the whole raise. Both projection engines read those rules; one-time
payments are paid by the engines themselves (`OneTimePayment.qualifies`). Pure: no Flask, no database.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from engine.budget.changes import HUNDRED, Percent, Strict, carried_to
from engine.money import round_money
from engine.pay.cells import cola_factor, latest_schedule_year, schedule_for
from engine.rules import DistrictRules, Row, Schedule
from engine.school_year import SchoolYear

YearLabel = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]
MAX_PROPOSAL_YEARS = 10
MAX_GRID_TEXT = 100_000     # characters of a proposed grid (a 40-step, 20-lane grid is about 6,000)


class CellRaise(Strict):
    """A raise on the schedule: a percent or a dollar amount, on every cell or only on chosen lanes and steps."""

    percent: Annotated[Decimal, Field(ge=-50, le=100)] | None = None
    dollars: Annotated[Decimal, Field(ge=-100_000, le=100_000, decimal_places=2)] | None = None
    lanes: list[str] = Field([], max_length=80, description="empty: every lane")
    steps: list[Annotated[int, Field(ge=0, le=99)]] = Field([], max_length=100, description="empty: every step")
    effective: date | None = Field(None, description="the first day of a month in the school year; empty: its first day")

    @model_validator(mode="after")
    def _one_amount(self) -> "CellRaise":
        if (self.percent is None) == (self.dollars is None):
            raise ValueError("a raise is a percent or a dollar amount: give one of them")
        if self.effective is not None and self.effective.day != 1:
            raise ValueError(f"effective: a mid-year raise starts on the first day of a month, got {self.effective}")
        return self


class LaneMerge(Strict):
    """A lane merged into another: its teachers are paid the other lane's cells from that year on."""

    lane: str
    into: str


class OneTimePayment(Strict):
    """An off-schedule payment made once, in one school year: flat (times FTE) or a percent of base pay, to those who
    qualify (in chosen lanes, from a step, after some years of service)."""

    name: Annotated[str, Field(min_length=1, max_length=80)] = "One-time payment"
    amount: Annotated[Decimal, Field(ge=0, le=100_000, decimal_places=2)] | None = None
    percent: Percent | None = None
    lanes: list[str] = Field([], max_length=80, description="empty: every lane")
    min_step: Annotated[int, Field(ge=0, le=99)] | None = None
    min_years: Annotated[int, Field(ge=0, le=60)] | None = None
    pensionable: bool = Field(False, description="retirement is paid on it (most states: not on one-time payments)")

    @model_validator(mode="after")
    def _one_amount(self) -> "OneTimePayment":
        if (self.amount is None) == (self.percent is None):
            raise ValueError("a one-time payment is an amount or a percent of base pay: give one of them")
        return self

    def qualifies(self, lane: str, step: int, years_of_service: int) -> bool:
        return ((not self.lanes or lane in self.lanes) and (self.min_step is None or step >= self.min_step)
                and (self.min_years is None or years_of_service >= self.min_years))


class ProposalYear(Strict):
    """One school year of a proposal."""

    school_year: YearLabel
    raises: list[CellRaise] = Field([], max_length=20)
    grid_csv: Annotated[str, Field(max_length=MAX_GRID_TEXT)] | None = Field(
        None, description="a proposed grid (steps down the first column, lanes across): the year's schedule before its raises")
    add_steps: Annotated[int, Field(ge=0, le=10)] = 0
    added_step_percent: Percent = Decimal(2)
    remove_steps: list[Annotated[int, Field(ge=0, le=99)]] = Field([], max_length=40)
    merge_lanes: list[LaneMerge] = Field([], max_length=40)
    hold_on_step: bool = Field(False, description="no one moves a step into this year")
    one_time: list[OneTimePayment] = Field([], max_length=10)

    def changes_schedule(self) -> bool:
        return bool(self.raises or self.grid_csv or self.add_steps or self.remove_steps or self.merge_lanes)


class ProposalError(ValueError):
    """A proposal that does not fit the district's schedules; `problems` are "path: message" each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def check_proposal(rules: DistrictRules, proposal: list[ProposalYear], lanes: list[str]) -> list[str]:
    """Every way a proposal does not fit the district (lane names, years in order, grids that read)."""
    problems = []
    labels = [p.school_year for p in proposal]
    if labels != sorted(set(labels)):
        problems.append("proposal: each school year once, in order")
    for i, year in enumerate(proposal):
        where = f"proposal[{i}]"
        for j, cell_raise in enumerate(year.raises):
            unknown = [lane for lane in cell_raise.lanes if lane not in lanes]
            if unknown:
                problems.append(f"{where}.raises[{j}].lanes: expected lanes of {', '.join(lanes)}, got {', '.join(unknown)}")
            if cell_raise.effective is not None:
                school_year = rules.year(year.school_year)
                if not school_year.start <= cell_raise.effective < school_year.end:
                    problems.append(f"{where}.raises[{j}].effective: {cell_raise.effective} is not in {year.school_year}")
        for j, merge in enumerate(year.merge_lanes):
            for name in ("lane", "into"):
                if getattr(merge, name) not in lanes:
                    problems.append(f"{where}.merge_lanes[{j}].{name}: expected one of {', '.join(lanes)}, got {getattr(merge, name)!r}")
            if merge.lane == merge.into:
                problems.append(f"{where}.merge_lanes[{j}]: a lane cannot merge into itself")
        for j, payment in enumerate(year.one_time):
            unknown = [lane for lane in payment.lanes if lane not in lanes]
            if unknown:
                problems.append(f"{where}.one_time[{j}].lanes: expected lanes of {', '.join(lanes)}, got {', '.join(unknown)}")
        if year.grid_csv:
            try:
                proposed_grid(rules, year.grid_csv, lanes)
            except ProposalError as exc:
                problems += [f"{where}.grid_csv: {p}" for p in exc.problems]
    return problems


def proposed_grid(rules: DistrictRules, text: str, lanes: list[str]) -> Schedule:
    """A proposed grid read as `flask rules import-grid` reads one; its lanes must be the schedule's."""
    from engine.rules.grid import GridChoices, GridError, read_grid, understand

    try:
        reading = understand(read_grid(text.encode(), "proposed-grid.csv"), GridChoices(effective=date(2000, 7, 1)))
    except GridError as exc:
        raise ProposalError([str(exc)]) from None
    if reading.problems:
        raise ProposalError(list(reading.problems))
    found = [lane.id for lane in reading.lanes]
    if sorted(found) != sorted(lanes):
        raise ProposalError([f"expected the lanes {', '.join(lanes)} (as now), got {', '.join(found)}"])
    data = reading.schedule_data()
    if data.get("kind") == "index":
        raise ProposalError(["expected dollar amounts in every cell, not index multipliers"])
    return Schedule.model_validate(data)


# --- the dated schedules a proposal makes ------------------------------------------------------------------------


class _Grid:
    """A schedule's cells as dollar amounts, to change cell by cell (an index schedule becomes a grid)."""

    def __init__(self, rules: DistrictRules, schedule: Schedule):
        self.rules = rules
        self.schedule = schedule
        self.lanes = list(schedule.lanes)
        if schedule.kind == "index":
            cells = lambda value: None if value is None else self._round(schedule.base * value)  # noqa: E731
            self.rows = [(row, None if row.reserved else [cells(v) for v in row.index]) for row in schedule.rows]
        else:
            self.rows = [(row, None if row.reserved else list(row.amounts)) for row in schedule.rows]
        growth = schedule.growth
        self.cap = growth.cap if growth is not None else None
        self.minimum = growth.minimum if growth is not None else None

    def _round(self, amount: Decimal) -> Decimal:
        cells = self.rules.pay.cells
        return round_money(amount, cells.quantum, cells.mode)

    def copy(self) -> "_Grid":
        other = _Grid.__new__(_Grid)
        other.rules, other.schedule, other.lanes = self.rules, self.schedule, list(self.lanes)
        other.rows = [(row, None if cells is None else list(cells)) for row, cells in self.rows]
        other.cap, other.minimum = self.cap, self.minimum
        return other

    def to_schedule(self) -> Schedule:
        kind = "growth" if self.schedule.kind == "growth" else "grid"
        rows = [row.model_copy(update={"amounts": cells, "index": None}) if cells is not None else row
                for row, cells in self.rows]
        update = {"kind": kind, "rows": rows, "lanes": self.lanes, "base": None}
        if self.schedule.growth is not None:
            update["growth"] = self.schedule.growth.model_copy(update={"cap": self.cap, "minimum": self.minimum})
        return self.schedule.model_copy(update=update)

    def raised(self, cell_raise: CellRaise) -> "_Grid":
        """The cells after a raise (each rounded as the district rounds cells)."""
        other = self.copy()
        change = ((lambda a: a * (1 + cell_raise.percent / HUNDRED)) if cell_raise.percent is not None
                  else (lambda a: a + cell_raise.dollars))
        columns = [c for c, lane in enumerate(self.lanes) if not cell_raise.lanes or lane in cell_raise.lanes]
        steps = set(cell_raise.steps)
        for row, cells in other.rows:
            if cells is None or (steps and not any(row.covers(s) for s in steps)):
                continue
            for c in columns:
                if cells[c] is not None:
                    cells[c] = max(Decimal(0), self._round(change(cells[c])))
        if self.schedule.growth is not None and not cell_raise.lanes and not steps:
            # A raise on every cell moves the board's cap and minimum with the placements.
            other.cap = _dated_change(self.cap, lambda v: self._round(change(v)))
            other.minimum = _dated_change(self.minimum, lambda v: self._round(change(v)))
        return other

    def blended(self, before: "_Grid", share: Decimal) -> "_Grid":
        """Cells paid in a year whose raise starts part way: before + (after - before) x share, rounded once."""
        other = self.copy()
        for (row, cells), (_, old) in zip(other.rows, before.rows):
            if cells is None or old is None:
                continue
            for c, (new, was) in enumerate(zip(cells, old)):
                if new is not None and was is not None:
                    cells[c] = self._round(was + (new - was) * share)
        blend = lambda new, was: _dated_pair(new, was, lambda n, w: self._round(w + (n - w) * share))  # noqa: E731
        other.cap, other.minimum = blend(self.cap, before.cap), blend(self.minimum, before.minimum)
        return other

    def add_steps(self, count: int, percent: Decimal) -> None:
        for _ in range(count):
            while self.rows[-1][1] is None:
                self.rows.pop()
            row, cells = self.rows[-1]
            top = row.last if row.last is not None else row.first
            closed = row.model_copy(update={"step": row.step if row.last is not None else top})
            new = [None if v is None else self._round(v * (1 + percent / HUNDRED)) for v in cells]
            self.rows[-1] = (closed, cells)
            self.rows.append((Row(step=top + 1, amounts=new), new))

    def remove_steps(self, steps: list[int]) -> list[str]:
        """A removed step pays as the next step up (its teachers are paid a step more); the top cannot go."""
        problems = []
        for step in sorted(steps, reverse=True):
            at = next((i for i, (row, cells) in enumerate(self.rows) if cells is not None and row.covers(step)), None)
            if at is None:
                problems.append(f"step {step} is not on the schedule")
                continue
            row = self.rows[at][0]
            if row.last != row.first:
                problems.append(f"step {step} is in the band {row.label}: a band cannot be removed a step at a time")
                continue
            after = next((cells for _, cells in self.rows[at + 1:] if cells is not None), None)
            if after is None:
                problems.append(f"step {step} is the last step: add steps, or lower it with a raise, instead")
                continue
            self.rows[at] = (row, list(after))
        return problems

    def merge(self, lane: str, into: str) -> None:
        source, target = self.lanes.index(lane), self.lanes.index(into)
        for _, cells in self.rows:
            if cells is not None:
                cells[source] = cells[target]


def _dated_change(value, change):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: None if v is None else change(v) for k, v in value.items()}
    return change(value)


def _dated_pair(new, old, combine):
    if new is None or old is None:
        return new
    if isinstance(new, dict) or isinstance(old, dict):
        return new  # a dated cap keeps the whole raise; the schedules' cells carry the blend
    return combine(new, old)


def _months_left(year: SchoolYear, effective: date) -> Decimal:
    """The share of a school year paid from the first day of a month: whole months left / 12."""
    months = (year.end.year - effective.year) * 12 + year.end.month - effective.month
    return Decimal(max(0, min(12, months))) / 12


def proposal_schedules(rules: DistrictRules, proposal: list[ProposalYear]) -> tuple[dict, list[str], list[str]]:
    """The dated schedules a proposal makes, the school years held on step, and its problems."""
    schedules = dict(rules.schedules)
    years = [rules.year(p.school_year) for p in proposal]
    if not any(p.changes_schedule() for p in proposal):
        return schedules, [p.school_year for p in proposal if p.hold_on_step], []
    first, last = years[0], years[-1]
    latest = latest_schedule_year(rules)
    # The years between the last adopted schedule and the proposal keep their COLA (each adopted as carried).
    year = latest.plus(1)
    while year.start < first.start:
        schedules[year.start] = carried_to(rules, year)
        year = year.plus(1)
    before = first.plus(-1)
    start = carried_to(rules, before) if rules.adopted_schedule(before) is not None else schedule_for(rules, first)[0]
    full = _Grid(rules, start)
    by_label = {p.school_year: p for p in proposal}
    problems: list[str] = []
    year = first
    paid = full
    while year.start <= last.start:
        terms = by_label.get(year.label)
        if terms is not None:
            if terms.grid_csv:
                grid = _Grid(rules, proposed_grid(rules, terms.grid_csv, full.lanes))
                grid.lanes = full.lanes if sorted(grid.lanes) == sorted(full.lanes) else grid.lanes
                full = _reordered(grid, full.lanes, start)
            full.add_steps(terms.add_steps, terms.added_step_percent)
            problems += [f"{year.label}: remove_steps: {p}" for p in full.remove_steps(terms.remove_steps)]
            for merge in terms.merge_lanes:
                full.merge(merge.lane, merge.into)
            paid = full.copy()
            mid_year = False
            for cell_raise in terms.raises:
                after = full.raised(cell_raise)
                share = _months_left(year, cell_raise.effective) if cell_raise.effective else Decimal(1)
                paid = _add_share(paid, full, after, share)
                mid_year = mid_year or share != 1
                full = after
        else:
            paid, mid_year = full, False
        schedules[year.start] = paid.to_schedule()
        year = year.plus(1)
    if mid_year:
        # A raise that began mid-year is paid whole the next year, carried by COLA from there.
        following = last.plus(1)
        factor = cola_factor(rules, 1)
        carried = full.copy()
        for _, cells in carried.rows:
            if cells is not None:
                cells[:] = [None if v is None else carried._round(v * factor) for v in cells]
        carried.cap = _dated_change(carried.cap, lambda v: round_money(v * factor))
        carried.minimum = _dated_change(carried.minimum, lambda v: round_money(v * factor))
        schedules.setdefault(following.start, carried.to_schedule())
    return dict(sorted(schedules.items())), [p.school_year for p in proposal if p.hold_on_step], problems


def _add_share(paid: _Grid, before: _Grid, after: _Grid, share: Decimal) -> _Grid:
    """What a year pays once a raise (before -> after) is added for its share of the year to what it paid already."""
    step = after.blended(before, share)
    out = paid.copy()
    for (row, cells), (_, was), (_, now) in zip(out.rows, before.rows, step.rows):
        if cells is None or was is None:
            continue
        for c in range(len(cells)):
            if cells[c] is not None and was[c] is not None and now[c] is not None:
                cells[c] = cells[c] + (now[c] - was[c])
    out.cap, out.minimum = step.cap, step.minimum
    return out


def _reordered(grid: _Grid, lanes: list[str], like: Schedule) -> _Grid:
    """A proposed grid's columns in the schedule's lane order; a growth schedule keeps its growth rule."""
    order = [grid.lanes.index(lane) for lane in lanes]
    grid.rows = [(row, None if cells is None else [cells[i] for i in order]) for row, cells in grid.rows]
    grid.lanes = list(lanes)
    if like.kind == "growth":
        grid.schedule = grid.schedule.model_copy(update={"kind": "growth", "growth": like.growth})
        grid.cap = like.growth.cap
        grid.minimum = like.growth.minimum
    return grid
