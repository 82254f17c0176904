"""Schedule changes as negotiators write them, and the dated schedules they make: a raise, steps added, a lane
added, from an effective school year (`ScheduleChanges`). Each change is a transformed copy of the district's
schedules, so both projection engines and the pay engine read the same rules. Pure: no Flask, no database.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from engine.money import round_money
from engine.pay.cells import cola_factor, latest_schedule_year, schedule_for
from engine.rules import DistrictRules, Row, Schedule, dated_value
from engine.school_year import SchoolYear

Percent = Annotated[Decimal, Field(ge=0, le=100, description="a percentage, e.g. 4 for 4%")]
HUNDRED = Decimal(100)


class Strict(BaseModel):
    """A closed set of keys: anything unknown is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AddedLane(Strict):
    """A lane negotiators add: its requirement and its amounts as a percent over an existing lane."""

    id: Annotated[str, Field(min_length=1, max_length=20)]
    degree: Annotated[str, Field(pattern=r"^(bachelor|master|specialist|doctorate)$")]
    credits: Annotated[int, Field(ge=0)] = 0
    after: str = Field(description="the lane it sits right of, and whose amounts it builds on")
    percent_over: Percent = Decimal(4)


class LaneCredits(Strict):
    """A lane whose credit requirement changes."""

    lane: str
    credits: Annotated[int, Field(ge=0)]


class ScheduleChanges(Strict):
    """Changes to the salary schedule as negotiators model them."""

    raise_percent: Annotated[Decimal, Field(ge=-50, le=100)] = Decimal(0)
    add_step: bool = False
    added_step_percent: Percent = Decimal(2)
    freeze_years: list[Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]] = []
    add_lane: AddedLane | None = None
    lane_credits: list[LaneCredits] = []
    effective_year: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")] | None = Field(
        None, description="the school year the raise, the added step and the added lane take effect; empty: the first "
                          "projected year without a schedule of its own (an adopted schedule is not raised unless told)")

    @property
    def is_empty(self) -> bool:
        return self.model_copy(update={"effective_year": None}) == ScheduleChanges()


def schedules_from(rules: DistrictRules, effective: SchoolYear, changes: ScheduleChanges) -> dict:
    """The dated schedules with the changes made from the effective year on: schedules adopted for later years are
    changed, and where no schedule is adopted for the effective year, the one carried forward to it (by COLA) is
    adopted then, changed."""
    schedules = dict(rules.schedules)
    if not (changes.raise_percent or changes.add_step or changes.add_lane):
        return schedules
    for adopted, schedule in rules.schedules.items():
        if adopted >= effective.start:
            schedules[adopted] = changed_schedule(rules, schedule, changes)
    if effective.start not in rules.schedules and rules.adopted_schedule(effective) is not None:
        # The years between the last adopted schedule and the effective year keep their COLA: each is adopted as
        # carried forward (a grid's cells exactly; an index base or a growth cap rounded to the cent, as adopted).
        year = latest_schedule_year(rules).plus(1)
        while year.start < effective.start:
            schedules[year.start] = carried_to(rules, year)
            year = year.plus(1)
        schedules[effective.start] = changed_schedule(rules, carried_to(rules, effective), changes)
    return dict(sorted(schedules.items()))


def carried_to(rules: DistrictRules, year: SchoolYear) -> Schedule:
    """The schedule in force in a school year as an adopted one: amounts carried forward by COLA, rounded as cells are."""
    schedule, _, assumed = schedule_for(rules, year)
    factor = cola_factor(rules, assumed)
    update: dict = {}
    if not assumed:
        return schedule
    if schedule.kind == "index":
        update["base"] = round_money(schedule.base * factor)
    else:
        update["rows"] = [row if row.reserved else row.model_copy(update={"amounts": [_scale(rules, a, factor) for a in row.amounts]})
                          for row in schedule.rows]
    if schedule.growth is not None:
        growth = schedule.growth
        cents = lambda value: None if value is None else round_money(value * factor)  # noqa: E731
        update["growth"] = growth.model_copy(update={"cap": cents(_in_force(growth.cap, year)),
                                                     "minimum": cents(_in_force(growth.minimum, year))})
    return schedule.model_copy(update=update)


def _in_force(value, year: SchoolYear):
    return None if value is None else dated_value(value, year.start)


def _scale(rules: DistrictRules, amount: Decimal | None, factor: Decimal) -> Decimal | None:
    if amount is None:
        return None
    cells = rules.pay.cells
    return round_money(amount * factor, cells.quantum, cells.mode)


def _scale_index(value: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if value is None else (value * factor).quantize(Decimal("0.0001"))


def changed_schedule(rules: DistrictRules, schedule: Schedule, changes: ScheduleChanges) -> Schedule:
    raise_factor = 1 + changes.raise_percent / HUNDRED
    rows = list(schedule.rows)
    update: dict = {}
    if changes.raise_percent:
        if schedule.kind == "index":
            update["base"] = _scale(rules, schedule.base, raise_factor)
        else:
            rows = [row if row.reserved else row.model_copy(update={"amounts": [_scale(rules, a, raise_factor) for a in row.amounts]})
                    for row in rows]
        if schedule.growth is not None:
            growth = schedule.growth
            update["growth"] = growth.model_copy(update={
                "cap": _scale_dated(rules, growth.cap, raise_factor), "minimum": _scale_dated(rules, growth.minimum, raise_factor)})
    lanes = list(schedule.lanes)
    cells = "index" if schedule.kind == "index" else "amounts"
    if changes.add_lane:
        added = changes.add_lane
        col = lanes.index(added.after)
        factor = 1 + added.percent_over / HUNDRED
        lanes.insert(col + 1, added.id)
        new_rows = []
        for row in rows:
            if row.reserved:
                new_rows.append(row)
                continue
            values = list(getattr(row, cells))
            source = values[col]
            values.insert(col + 1, None if source is None else
                          (_scale_index(source, factor) if cells == "index" else _scale(rules, source, factor)))
            new_rows.append(row.model_copy(update={cells: values}))
        rows = new_rows
    if changes.add_step:
        last = rows[-1]
        while last.reserved:
            rows = rows[:-1]
            last = rows[-1]
        top = last.last if last.last is not None else last.first
        factor = 1 + changes.added_step_percent / HUNDRED
        values = getattr(last, cells)
        new_values = [None if v is None else (_scale_index(v, factor) if cells == "index" else _scale(rules, v, factor))
                      for v in values]
        closed = last.model_copy(update={"step": last.step if last.last is not None else top})
        rows = rows[:-1] + [closed, Row(step=top + 1, **{cells: new_values})]
    update["rows"] = rows
    update["lanes"] = lanes
    return schedule.model_copy(update=update)


def _scale_dated(rules: DistrictRules, value, factor: Decimal):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _scale(rules, v, factor) for k, v in value.items()}
    return _scale(rules, value, factor)
