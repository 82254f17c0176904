"""Schedule cells: the schedule in force in a school year, a cell's amount (grid, index or
growth steps under a cap, carried forward by COLA), how steps advance, and rounding."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import HUNDRED, ONE, money_str, round_money
from engine.rules import DistrictRules, Schedule, dated_value
from engine.rules.values import memo
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
    step_label: str = ""
    illustrative: bool = False


MAX_STEP = 60  # as the estimate's options bound a step given as a number
MAX_CACHED_CELLS = 100_000  # per rule set; a 10-year estimate reads about 40 cells


def latest_schedule_year(rules: DistrictRules) -> SchoolYear:
    """The school year of the most recently adopted schedule."""
    cache = memo(rules)
    found = cache.get("latest")
    if found is None or found[0] is not rules.schedule_dates():
        month, day = (int(p) for p in rules.district.school_year_starts.split("-"))
        found = cache["latest"] = (rules.schedule_dates(), SchoolYear.containing(rules.schedule_dates()[-1], month, day))
    return found[1]


def schedule_for(rules: DistrictRules, school_year: SchoolYear) -> tuple[Schedule, str, int]:
    """The schedule in force in a school year, its date, and how many years COLA carries it forward."""
    cache = memo(rules).setdefault("schedule_for", {})
    found = cache.get(school_year.start)
    if found is None:
        found = cache[school_year.start] = _schedule_for(rules, school_year)
    return found


def _schedule_for(rules: DistrictRules, school_year: SchoolYear) -> tuple[Schedule, str, int]:
    found = rules.adopted_schedule(school_year)
    if found is None:
        first = rules.schedule_dates()[0]
        raise RuleInputError(f"{rules.district.name} has no schedule for {school_year.label}; the first is dated {first}")
    start, schedule = found
    latest = latest_schedule_year(rules)
    assumed = max(0, school_year.start.year - latest.start.year)
    if assumed > MAX_ASSUMED_YEARS:
        # COLA compounded over centuries overflows the money arithmetic (9999-00 was a 500); no plan looks that far.
        raise RuleInputError(f"{school_year.label} is more than {MAX_ASSUMED_YEARS} years after the latest adopted "
                             f"schedule ({latest.label})")
    return schedule, str(start), assumed


def step_number(rules: DistrictRules, school_year: SchoolYear, step: int | str) -> int:
    """A step as a person gives it (a number, or a label of the schedule in force: 'B', 'L.5 (10)') as the engine's number."""
    schedule, _, _ = schedule_for(rules, school_year)
    number = schedule.step_of(step)
    if not 0 <= number <= MAX_STEP:
        raise RuleInputError(f"step {step!r}: expected a step between 0 and {MAX_STEP}")
    return number


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
    """The step whose cell pays a teacher: their own, or the step above it that the schedule says pays it
    (a lane's last step past its end, the step before skipped longevity steps, the cell above a hole)."""
    row = schedule.paying_row(step, lane)
    return step if row.covers(step) else (row.last if row.last is not None else row.first)


def cell_amount(rules: DistrictRules, school_year: SchoolYear, step: int, lane: str, growth_steps: int = 0) -> Cell:
    """The schedule amount for a step and lane in a school year, with its arithmetic (kept once computed)."""
    cache = memo(rules).setdefault("cells", {})
    key = (school_year.start, step, lane, growth_steps)
    found = cache.get(key)
    if found is None:
        if len(cache) >= MAX_CACHED_CELLS:
            cache.clear()
        found = cache[key] = _cell_amount(rules, school_year, step, lane, growth_steps)
    return found


def _cell_amount(rules: DistrictRules, school_year: SchoolYear, step: int, lane: str, growth_steps: int) -> Cell:
    schedule, start, assumed = schedule_for(rules, school_year)
    if lane not in schedule.indexed().cols:
        raise RuleInputError(f"lane {lane!r} is not on the {start} schedule (lanes: {', '.join(schedule.lanes)})")
    col = schedule.indexed().cols[lane]
    row = schedule.paying_row(step, lane)
    if row.covers(step):
        used, label = step, f"step {row.label}"
    else:
        used = row.last if row.last is not None else row.first
        label = f"step {schedule.label_of(step)} paid as step {row.label} ({_why_above(schedule, step, lane, row)})"
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
    # Illustrative when any value it used is: the schedule, the lane, the growth rule, or an assumed COLA.
    illustrative = (schedule.illustrative or rules.district.illustrative or rules.lane(lane).illustrative
                    or (schedule.kind == "growth" and growth_steps > 0 and schedule.growth.illustrative)
                    or (assumed > 0 and rules.budget.illustrative))
    return Cell(amount, used, start, assumed, f"{text} = {money_str(amount)} (schedule of {start})", row.label,
                illustrative)


def _why_above(schedule: Schedule, step: int, lane: str, row) -> str:
    if step > schedule.indexed().top and schedule.indexed().open_row is None:
        return f"the last step of lane {lane}" if schedule.last_step(lane) < schedule.indexed().top else "the last step"
    if schedule.row_for(step) is None:
        return "longevity: the next step is further down"
    if step > schedule.last_step(lane):
        return f"the last step of lane {lane}"
    return f"lane {lane} is blank at this step"


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


def next_step(schedule: Schedule, step: int, advance: int, cap: int, lane: str | None = None) -> int:
    """The step after advancing, skipping reserved rows and steps a row-a-year schedule skips, never past the cap;
    with a lane whose blank cells are no cells, only onto steps that lane has a cell for."""
    if lane is not None and lane not in schedule.indexed().cols:
        lane = None
    target = min(step + advance, cap)
    while target < cap and not schedule.can_sit(target, lane):
        target += 1
    return target


MAX_CACHED_ADVANCES = 100_000  # per rule set; at most (school years) x (steps) x (lanes) of them


def advanced_step(rules: DistrictRules, school_year: SchoolYear, step: int, lane: str) -> int:
    """The step a school year's advance moves a teacher to under the schedule in force (kept once worked out)."""
    cache = memo(rules).setdefault("advanced", {})
    key = (school_year.start, step, lane)
    found = cache.get(key)
    if found is None:
        if len(cache) >= MAX_CACHED_ADVANCES:
            cache.clear()
        schedule, _, _ = schedule_for(rules, school_year)
        found = cache[key] = next_step(schedule, step, rules.steps.advance_per_year, step_cap(rules, schedule, lane), lane)
    return found


def step_cap(rules: DistrictRules, schedule: Schedule, lane: str | None = None) -> int:
    """The highest step a teacher can reach: the schedule's last row (or a lane's last cell, where blank cells
    are no cells), or the rules' maximum step."""
    cache = memo(schedule).setdefault("caps", {})
    key = (rules.steps.max_step, lane if schedule.blank_cells == "none" else None)
    found = cache.get(key)
    if found is None:
        last = max(r.last if r.last is not None else r.first for r in schedule.rows if not r.reserved)
        if lane is not None and schedule.blank_cells == "none" and lane in schedule.indexed().cols:
            last = min(last, schedule.last_step(lane))
        found = cache[key] = min(last, rules.steps.max_step) if rules.steps.max_step else last
    return found


def schedule_table(rules: DistrictRules, school_year: str) -> dict:
    """A school year's schedule as rows of amounts, lanes across, for the viewer and the API."""
    year = rules.year(school_year)
    schedule, start, assumed = schedule_for(rules, year)
    rows = []
    for row in schedule.rows:
        cells = []
        values = row.cells(schedule.kind)
        for col, lane in enumerate(schedule.lanes):
            if row.reserved or values[col] is None:
                cells.append(None)
            else:
                cells.append(money_str(cell_amount(rules, year, row.first, lane).amount))
        rows.append({"step": row.step, "first_step": row.first, "last_step": row.last, "reserved": row.reserved,
                     "amounts": cells})
    source = rules.district.sources.get(schedule.reference) if schedule.reference else None
    cited = ({"title": source.title, "url": source.url} if source is not None else
             {"title": schedule.reference, "url": None} if schedule.reference else None)
    return {"district": rules.id, "school_year": year.label, "kind": schedule.kind, "adopted": start, "source": cited,
            "assumed": assumed > 0, "illustrative": schedule.illustrative or rules.district.illustrative,
            "lanes": [{"id": l, "name": rules.lane(l).label} for l in schedule.lanes], "rows": rows,
            "latest_adopted": latest_schedule_year(rules).label}
