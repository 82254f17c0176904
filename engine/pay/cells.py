"""Schedule cells: the schedule in force in a school year, a cell's amount (grid, index or
growth steps under a cap, carried forward by COLA), how steps advance, and rounding."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import HUNDRED, ONE, money_str, round_money
from engine.rules import DistrictRules, Schedule, dated_value
from engine.school_year import SchoolYear


# The furthest a schedule is carried forward by COLA: a 50-year timeline starting 50 years out.
MAX_ASSUMED_YEARS = 100


@dataclass(frozen=True)
class Cell:
    """The schedule amount of one cell in one school year."""

    amount: Decimal
    step_used: int
    schedule_start: str
    assumed_years: int
    explanation: str


def latest_schedule_year(rules: DistrictRules) -> SchoolYear:
    """The school year of the most recently adopted schedule."""
    month, day = (int(p) for p in rules.district.school_year_starts.split("-"))
    return SchoolYear.containing(max(rules.schedules), month, day)


def schedule_for(rules: DistrictRules, school_year: SchoolYear) -> tuple[Schedule, str, int]:
    """The schedule in force in a school year, its date, and how many years COLA carries it forward."""
    found = rules.adopted_schedule(school_year)
    if found is None:
        first = min(rules.schedules)
        raise RuleInputError(f"{rules.district.name} has no schedule for {school_year.label}; the first is dated {first}")
    start, schedule = found
    latest = latest_schedule_year(rules)
    assumed = max(0, school_year.start.year - latest.start.year)
    if assumed > MAX_ASSUMED_YEARS:
        # COLA compounded over centuries overflows the money arithmetic (9999-00 was a 500); no plan looks that far.
        raise RuleInputError(f"{school_year.label} is more than {MAX_ASSUMED_YEARS} years after the latest adopted "
                             f"schedule ({latest.label})")
    return schedule, str(start), assumed


def cola_factor(rules: DistrictRules, years: int) -> Decimal:
    """The growth of an adopted schedule carried forward `years` by the COLA assumption."""
    return (ONE + rules.budget.cola_percent / HUNDRED) ** years


def _cells_round(rules: DistrictRules, amount: Decimal) -> Decimal:
    rounding = rules.pay.cells
    return round_money(amount, rounding.quantum, rounding.mode)


def lines_round(rules: DistrictRules, amount: Decimal) -> Decimal:
    """A pay line rounded once, by the district's rule."""
    rounding = rules.pay.lines
    return round_money(amount, rounding.quantum, rounding.mode)


def effective_step(schedule: Schedule, lane: str, step: int) -> int:
    """The step whose row pays a teacher: their own, or their lane's last (ragged lanes, past the end)."""
    if step < schedule.first_step:
        raise RuleInputError(f"step {step} is below the schedule's first step {schedule.first_step}")
    last = schedule.last_step(lane)
    if step > last:
        return last
    row = schedule.row_for(step)
    if row is None or row.reserved:
        raise RuleInputError(f"step {step} is reserved or not on the schedule")
    return step


def cell_amount(rules: DistrictRules, school_year: SchoolYear, step: int, lane: str, growth_steps: int = 0) -> Cell:
    """The schedule amount for a step and lane in a school year, with its arithmetic."""
    schedule, start, assumed = schedule_for(rules, school_year)
    if lane not in schedule.lanes:
        raise RuleInputError(f"lane {lane!r} is not on the {start} schedule (lanes: {', '.join(schedule.lanes)})")
    col = schedule.lanes.index(lane)
    used = effective_step(schedule, lane, step)
    row = schedule.row_for(used)
    label = f"step {row.step}" if used == step else f"step {row.step} (the last step of lane {lane})"
    if schedule.kind == "index":
        index = row.index[col]
        raw = schedule.base * index
        text = f"{label}, lane {lane}: base {money_str(schedule.base)} x index {index}"
    else:
        raw = row.amounts[col]
        text = f"{label}, lane {lane}: {money_str(raw)}"
    if assumed:
        raw = raw * cola_factor(rules, assumed)
        text += f" x (1 + {rules.budget.cola_percent}% COLA)^{assumed} (assumed: no schedule adopted yet)"
    if schedule.kind == "growth":
        raw, growth_text = _apply_growth(rules, schedule, school_year, raw, growth_steps, assumed)
        text += growth_text
    amount = _cells_round(rules, raw) if (schedule.kind != "grid" or assumed) else raw
    return Cell(amount, used, start, assumed, f"{text} = {money_str(amount)} (schedule of {start})")


def _apply_growth(rules, schedule, school_year, placement, growth_steps, assumed) -> tuple[Decimal, str]:
    growth = schedule.growth
    if growth.max_steps is not None:
        growth_steps = min(growth_steps, growth.max_steps)
    rate = growth.percent / HUNDRED
    if growth.compounding:
        amount = placement * (ONE + rate) ** growth_steps
        text = f" x (1 + {growth.percent}%)^{growth_steps} growth steps"
    else:
        amount = placement * (ONE + rate * growth_steps)
        text = f" x (1 + {growth.percent}% x {growth_steps} growth steps)"
    factor = cola_factor(rules, assumed)
    minimum = dated_value(growth.minimum, school_year.start) if growth.minimum is not None else None
    cap = dated_value(growth.cap, school_year.start) if growth.cap is not None else None
    if minimum is not None and amount < minimum * factor:
        amount = minimum * factor
        text += f", raised to the minimum {money_str(_cells_round(rules, amount))}"
    if cap is not None and amount > cap * factor:
        amount = cap * factor
        text += f", limited to the cap {money_str(_cells_round(rules, amount))}"
    return amount, text


def next_step(schedule, step: int, advance: int, cap: int) -> int:
    """The step after advancing, skipping reserved rows, never past the cap."""
    target = min(step + advance, cap)
    while target < cap:
        row = schedule.row_for(target)
        if row is not None and not row.reserved:
            break
        target += 1
    return target


def step_cap(rules: DistrictRules, schedule) -> int:
    """The highest step a teacher can reach: the schedule's last row, or the rules' maximum step."""
    last = max(r.last if r.last is not None else r.first for r in schedule.rows if not r.reserved)
    return min(last, rules.steps.max_step) if rules.steps.max_step else last


def schedule_table(rules: DistrictRules, school_year: str) -> dict:
    """A school year's schedule as rows of amounts, lanes across, for the viewer and the API."""
    year = rules.year(school_year)
    schedule, start, assumed = schedule_for(rules, year)
    rows = []
    for row in schedule.rows:
        cells = []
        for lane in schedule.lanes:
            if row.reserved:
                cells.append(None)
                continue
            values = row.index if schedule.kind == "index" else row.amounts
            if values[schedule.lanes.index(lane)] is None:
                cells.append(None)
            else:
                cells.append(money_str(cell_amount(rules, year, row.first, lane).amount))
        rows.append({"step": row.step, "first_step": row.first, "last_step": row.last, "reserved": row.reserved,
                     "amounts": cells})
    return {"district": rules.id, "school_year": year.label, "kind": schedule.kind, "adopted": start,
            "assumed": assumed > 0, "illustrative": schedule.illustrative or rules.district.illustrative,
            "lanes": [{"id": l, "name": rules.lane(l).label} for l in schedule.lanes], "rows": rows,
            "latest_adopted": latest_schedule_year(rules).label}
