"""Budget projection for a whole roster, on arrays.

Teachers in the same state (step, lane, growth steps, micro-credentials, credit,
service, degree, pay profile) move together as one group with a count, so the
cost grows with the number of distinct placements, not with head count. Money
is integer cents (int64) inside; `finish` turns each year's sums into Decimal.

The model, year by year (the per-teacher reference in `engine.budget.reference`
follows the same words one teacher at a time):

1. During year k a share of teachers (uptake) earn `micro_credentials_per_participant`
   micro-credentials; they are paid any per-micro-credential stipend that year.
2. Pay: base = the schedule cell x FTE, rounded by the district's line rule; every
   addition the rules give (`addition_lines`); the scenario's new role for the
   share of eligible teachers who take it; the program cost per micro-credential.
3. Benefits: FICA (where paid) and the retirement rate on all pay, stipends
   included; health per head.
4. At the year's end teachers leave: retirements at the top of their lane,
   other leavers elsewhere. Survivors advance a step (unless the year is a
   freeze), earned micro-credentials count (growth steps or lane credit), and
   lane moves follow credit. Leavers are replaced by hires at the hiring step,
   split by the lane mix, with the leavers' pay profiles.

Expected values count teachers in 1/10,000ths and split them by largest
remainder: exact integers, deterministic, and the per-teacher reference gets the
same cents. Monte Carlo draws uptake and leavers as binomials on the head count
of each placement cell (step, lane) and draw, with a fixed seed, in fixed chunks
of draws; the same seed gives the same bands.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

import numpy as np

from engine.budget.roster import Roster
from engine.budget.scenario import Assumptions, Scenario, prepare
from engine.money import CENT
from engine.pay.additions import Placement, addition_applies
from engine.pay.cells import (
    cell_amount,
    effective_step,
    lines_round,
    next_step,
    schedule_for,
    step_cap,
)
from engine.pay.credit import earnable, lane_need
from engine.rules import DEGREES, DistrictRules, dated_value
from engine.school_year import SchoolYear

HUNDRED = Decimal(100)
CREDIT_UNIT = 10_000  # credit hours are held as integers of 1/10,000 hour
# Expected values count teachers in 1/10,000ths: 8% of one teacher leaves as 800 units, so the
# expectation carries no rounding bias, and every sum stays an exact integer.
HEAD_UNIT = 10_000
KEY_COLUMNS = ("step", "lane", "growth", "mc_growth", "mc_progress", "mc_total", "credit", "service", "degree", "profile")
(STEP, LANE, GROWTH, MC_GROWTH, MC_PROGRESS, MC_TOTAL, CREDIT, SERVICE, DEGREE, PROFILE) = range(len(KEY_COLUMNS))


# --- pieces both engines share: whole-number arithmetic, the state's shape, the year's sums ---------------


def round_half_up(value: Decimal) -> int:
    """A non-negative Decimal rounded to a whole number, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(cents, percent: Decimal):
    """Cents x percent / 100, rounded half up to the cent (ints or int64 arrays, >= 0)."""
    num, den = (Decimal(percent) / HUNDRED).as_integer_ratio()
    return (cents * (2 * num) + den) // (2 * den)


def apportion(total: int, weights: list[int]) -> list[int]:
    """`total` whole units split in proportion to `weights` by largest remainder; ties go to the earlier weight."""
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[i] += 1
    return shares


def apportion_array(total: int, weights: np.ndarray) -> np.ndarray:
    """`apportion` on an int64 array."""
    weights = np.asarray(weights, dtype=np.int64)
    whole = int(weights.sum())
    if whole == 0 or total == 0:
        return np.zeros_like(weights)
    shares = total * weights // whole
    remainders = total * weights % whole
    left = total - int(shares.sum())
    if left:
        order = np.lexsort((np.arange(len(weights)), -remainders))
        shares[order[:left]] += 1
    return shares


def from_units(values, unit: int):
    """Sums over counts in `unit`ths of a teacher, back to whole cents, rounded half away from zero."""
    if unit == 1:
        return values
    values = np.asarray(values, dtype=np.int64)
    magnitude = (2 * np.abs(values) + unit) // (2 * unit)
    return np.where(values < 0, -magnitude, magnitude)


def heads(units: int, unit: int) -> str:
    """A count of teachers held in `unit`ths, as a decimal string."""
    return str((Decimal(int(units)) / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) if unit != 1 else str(int(units))


def counted_micro_credentials(rules: DistrictRules, earned: int) -> int:
    """How many of a year's micro-credentials count: none below the yearly minimum, at most the yearly maximum."""
    counting = rules.counting
    if 0 < earned < counting.min_micro_credentials_per_year:
        return 0
    if counting.max_micro_credentials_per_year is not None:
        return min(earned, counting.max_micro_credentials_per_year)
    return earned


def leaver_targets(assumptions: Assumptions, headcount: int, at_top: int) -> tuple[int, int]:
    """Expected retirements (from the top) and other leavers this year, in whole teachers."""
    total = round_half_up(Decimal(headcount) * assumptions.attrition_percent / HUNDRED)
    retirees = min(total, round_half_up(Decimal(headcount) * assumptions.attrition_percent
                                        * assumptions.retiree_share_percent / (HUNDRED * HUNDRED)))
    retirees_at_top = min(retirees, at_top)
    others = min(total - retirees_at_top, headcount - at_top)
    return retirees_at_top, others


@dataclass(frozen=True)
class StateShape:
    """Which parts of a teacher's state matter to the district's rules (the rest is held at zero)."""

    growth_mode: bool
    lanes_mode: bool
    use_service: bool
    use_mc_total: bool
    service_cap: int
    service_classes: tuple[int, ...]
    credit_hours_each: int          # in CREDIT_UNIT
    per_growth_step: int
    max_growth_steps: int | None
    credit_per_growth_step: int     # hours; 0 when credit makes no growth steps
    role_id: str | None
    fold: bool = False              # micro-credential hours are added into the credit column
    credit_caps: tuple[int, ...] = ()   # per degree: credit beyond the largest requirement changes nothing
    mc_cap: int = 0                 # micro-credentials beyond every threshold change nothing

    @classmethod
    def of(cls, rules: DistrictRules, assumptions: Assumptions) -> "StateShape":
        rule = rules.micro_credentials
        role = rules.role(assumptions.role_id) if assumptions.role_id else None
        thresholds = set()
        for addition in rules.additions:
            if addition.kind == "longevity":
                thresholds.update(addition.at_years or [])
            if addition.eligibility.min_years is not None:
                thresholds.add(addition.eligibility.min_years)
        if role and role.min_years:
            thresholds.add(role.min_years)
        lanes_mode = rule.counts_toward == "lanes" and rule.credit_hours_each > 0
        each = rule.credit_hours_each * CREDIT_UNIT
        if each != each.to_integral_value():
            raise ValueError("credit_hours_each must have at most four decimals")
        fold = lanes_mode and rule.combine_with_other_credit
        caps = [0] * len(DEGREES)
        for lane in rules.lanes:
            for requirement in [lane] + list(lane.equivalent):
                rank = DEGREES.index(requirement.degree)
                caps[rank] = max(caps[rank], requirement.credits * CREDIT_UNIT)
        mc_thresholds = [role.micro_credentials] if role and role.micro_credentials else []
        if lanes_mode and not fold:
            mc_thresholds.append(-(-max(caps) // int(each)))
        return cls(
            growth_mode=rule.counts_toward == "growth_steps" and bool(rule.per_growth_step),
            lanes_mode=lanes_mode, use_service=bool(thresholds), fold=fold, credit_caps=tuple(caps),
            mc_cap=max(mc_thresholds, default=0), use_mc_total=bool(mc_thresholds),
            service_cap=max(thresholds) if thresholds else 0,
            service_classes=tuple(sorted(thresholds)), credit_hours_each=int(each),
            per_growth_step=rule.per_growth_step or 0, max_growth_steps=rule.max_growth_steps,
            credit_per_growth_step=rules.counting.credit_hours_per_growth_step or 0, role_id=assumptions.role_id)

    def credit_key(self, credit: Decimal, micro_credentials: int, degree: str) -> int:
        """The credit column: hours (with micro-credential hours when they fold in), capped at the degree's largest need."""
        units = int(credit * CREDIT_UNIT) + (micro_credentials * self.credit_hours_each if self.fold else 0)
        return min(units, self.credit_caps[DEGREES.index(degree)])

    def mc_key(self, micro_credentials: int) -> int:
        return min(micro_credentials, self.mc_cap) if self.use_mc_total else 0

    def progress_key(self, mc_growth: int, progress: int) -> int:
        maxed = self.max_growth_steps is not None and mc_growth >= self.max_growth_steps
        return 0 if maxed else progress

    def service_key(self, service: int) -> int:
        return min(service, self.service_cap) if self.use_service else 0

    def service_class(self, service: int) -> int:
        """The largest service threshold reached: every service-based rule treats these years alike."""
        reached = [t for t in self.service_classes if t <= service]
        return reached[-1] if reached else 0

    def initial_growth(self, micro_credentials: int, credit_hours: Decimal) -> tuple[int, int, int]:
        """Growth steps (all, from micro-credentials) and progress toward the next, for a roster teacher."""
        mc_growth = progress = 0
        if self.growth_mode:
            mc_growth = micro_credentials // self.per_growth_step
            if self.max_growth_steps is not None and mc_growth >= self.max_growth_steps:
                mc_growth, progress = self.max_growth_steps, 0
            else:
                progress = micro_credentials - mc_growth * self.per_growth_step
        credit_growth = int(credit_hours) // self.credit_per_growth_step if self.credit_per_growth_step else 0
        return mc_growth + credit_growth, mc_growth, progress


def profile_flags(rules: DistrictRules, band, subjects, certifications, certified) -> tuple[int, ...]:
    """Which additions a teacher's band, subjects and certifications allow (degree and years are judged apart)."""
    probe = Placement(step=0, lane=rules.lanes[0].id, degree="doctorate", band=band, years_of_service=10**6,
                      subjects=tuple(subjects), certifications=tuple(certifications), certified=certified)
    flags = []
    for addition in rules.additions:
        wide = addition.model_copy(update={"eligibility": addition.eligibility.model_copy(update={"degrees": None, "min_years": None, "roles": None})})
        flags.append(int(addition_applies(wide, rules, probe)))
    return tuple(flags)


def service_years(hire_ordinal: int, school_year: SchoolYear, step: int) -> int:
    """Whole years from the hire date to the start of a school year; the step when the date is unknown."""
    if not hire_ordinal:
        return step
    from datetime import date

    hired = date.fromordinal(hire_ordinal)
    start = school_year.start
    return max(0, start.year - hired.year - ((start.month, start.day) < (hired.month, hired.day)))


@dataclass
class YearSums:
    """One school year's sums: money in cents, heads in `unit`ths of a teacher (one column per draw)."""

    school_year: str
    unit: int
    headcount: np.ndarray
    fte_hundredths: np.ndarray
    base: np.ndarray
    additions: dict[str, np.ndarray]
    one_time_additions: np.ndarray
    roles: np.ndarray
    role_holders: np.ndarray
    participants: np.ndarray
    micro_credentials: np.ndarray
    program: np.ndarray
    leavers: np.ndarray
    retirees: np.ndarray
    hires: np.ndarray


COMPONENTS = ("base_pay", "additions", "role_supplements", "fica", "retirement", "health", "program_cost")


def finish(rules: DistrictRules, assumptions: Assumptions, sums: YearSums) -> dict[str, np.ndarray]:
    """Benefits, totals, one-time and recurring cost for a year's sums, all int64 cents per draw."""
    year = rules.year(sums.school_year)
    additions = sum(sums.additions.values(), np.zeros_like(sums.base))
    pay = sums.base + additions + sums.roles
    fica_rate = assumptions.fica_percent
    retirement_rate = assumptions.retirement_in(rules, year)
    health = round_half_up(assumptions.health_in(rules, year) * 100)
    fica = percent_of(pay, fica_rate)
    retirement = percent_of(pay, retirement_rate)
    health_total = from_units(sums.headcount * health, sums.unit)
    one_time = sums.one_time_additions + percent_of(sums.one_time_additions, fica_rate) \
        + percent_of(sums.one_time_additions, retirement_rate) + sums.program
    total = pay + fica + retirement + health_total + sums.program
    return {"base_pay": sums.base, "additions": additions, "role_supplements": sums.roles, "pay": pay, "fica": fica,
            "retirement": retirement, "health": health_total, "benefits": fica + retirement + health_total,
            "program_cost": sums.program, "total": total, "one_time": one_time, "recurring": total - one_time}


def cents(value) -> Decimal:
    """Integer cents as Decimal dollars."""
    return (Decimal(int(value)) / 100).quantize(CENT)


def money(value) -> str:
    return str(cents(value))


def year_result(rules: DistrictRules, assumptions: Assumptions, sums: YearSums, draw: int = 0) -> dict:
    """One school year of a projection as JSON: Decimal strings for money."""
    figures = finish(rules, assumptions, sums)
    pick = lambda array: int(array[draw])  # noqa: E731
    return {
        "school_year": sums.school_year,
        "headcount": heads(pick(sums.headcount), sums.unit),
        "fte": heads(pick(sums.fte_hundredths), sums.unit * 100),
        **{name: heads(pick(getattr(sums, name)), sums.unit)
           for name in ("participants", "micro_credentials", "role_holders", "leavers", "retirees", "hires")},
        "base_pay": money(pick(sums.base)),
        **{name: money(pick(figures[name])) for name in ("additions", "role_supplements", "pay", "fica", "retirement",
                                                        "health", "benefits", "program_cost", "total", "one_time", "recurring")},
        "additions_by_kind": {name: money(pick(values)) for name, values in sums.additions.items()},
    }


@dataclass
class Projection:
    """A projection's years: expected values, and Monte Carlo bands when draws were asked for."""

    district_id: str
    scenario: str
    years: list[dict]
    sums: list[YearSums] = field(repr=False, default_factory=list)
    draws: int = 0
    seed: int | None = None
    totals_by_draw: np.ndarray | None = field(repr=False, default=None)   # years x draws, cents
    bands: list[dict] = field(default_factory=list)
    groups: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"district": self.district_id, "scenario": self.scenario, "years": self.years, "draws": self.draws,
                "seed": self.seed, "bands": self.bands, "groups": self.groups}


# --- the vectorised engine --------------------------------------------------------------------------------


class _Context:
    """Rules, assumptions and per-year look-up tables for the vectorised engine."""

    def __init__(self, rules: DistrictRules, assumptions: Assumptions, roster: Roster):
        self.rules = rules
        self.assumptions = assumptions
        self.shape = StateShape.of(rules, assumptions)
        self.lane_ids = [lane.id for lane in rules.lanes]
        self.lane_degree = np.array([DEGREES.index(l.degree) for l in rules.lanes])
        self.lane_credits = np.array([l.credits for l in rules.lanes], dtype=np.int64)
        self.addition_names = [a.name for a in rules.additions]
        self.one_time_names = {a.name for a in rules.additions if a.kind == "per_micro_credential"}
        self.per_mc = any(a.kind == "per_micro_credential" for a in rules.additions)
        self.earned = assumptions.micro_credentials_per_participant
        self.counted = counted_micro_credentials(rules, self.earned)
        self.role = rules.role(assumptions.role_id) if assumptions.role_id else None
        # Additions look at the step only through percent-of-schedule lines, at the degree only through degree conditions.
        self.additions_use_step = any(a.kind == "percent" for a in rules.additions)
        self.additions_use_degree = any(a.eligibility.degrees is not None for a in rules.additions)
        self._rows: dict = {}
        self._build_profiles(roster)

    def _build_profiles(self, roster: Roster) -> None:
        flags = [profile_flags(self.rules, *p) for p in roster.profiles]
        pairs, inverse = unique_rows(np.stack([roster.profile, roster.fte_hundredths], axis=1))
        keys = [(int(fte), flags[int(p)]) for p, fte in pairs]
        self.static_flags = np.array([flags_ for _, flags_ in sorted(set(keys))], dtype=np.int64).reshape(len(set(keys)), len(self.rules.additions))
        distinct = sorted(set(keys))
        index = {key: i for i, key in enumerate(distinct)}
        pair_profile = np.array([index[key] for key in keys], dtype=np.int64)
        self.teacher_profile = pair_profile[inverse.ravel()]
        # A representative teacher for each profile: eligibility depends on the flags only.
        self.profile_fte = np.array([fte for fte, _ in distinct], dtype=np.int64)
        self.profile_rep: list[tuple] = [None] * len(distinct)
        for (p, fte), key in zip(pairs, keys):
            if self.profile_rep[index[key]] is None:
                self.profile_rep[index[key]] = roster.profiles[int(p)]

    # per-year tables

    def base_cents(self, year: SchoolYear, states: np.ndarray) -> np.ndarray:
        """Each group's base pay in cents: the schedule cell x FTE, rounded by the district's line rule."""
        schedule, start, _ = schedule_for(self.rules, year)
        combos, inverse = unique_rows(np.stack([states[:, LANE], states[:, STEP], states[:, GROWTH], states[:, PROFILE]], axis=1))
        values = np.empty(len(combos), dtype=np.int64)
        cells: dict = {}
        for i, (lane, step, growth, profile) in enumerate(combos):
            lane_id = self.lane_ids[int(lane)]
            # Steps on one row (a band such as 13-16, or past a ragged lane's end) share its amount.
            row_key = (start, lane_id, int(step))
            if row_key not in self._rows:
                used = effective_step(schedule, lane_id, int(step))
                self._rows[row_key] = schedule.row_for(used).first if used == int(step) else used
            key = (lane_id, self._rows[row_key], int(growth))
            if key not in cells:
                cells[key] = cell_amount(self.rules, year, key[1], lane_id, key[2]).amount
            fte = Decimal(int(self.profile_fte[profile])) / 100
            values[i] = round_half_up(lines_round(self.rules, cells[key] * fte) * 100)
        return values[inverse]

    def addition_cents(self, year: SchoolYear, states: np.ndarray, earned: bool) -> np.ndarray:
        """Each group's additions in cents, one column per addition (in rule order), as `addition_lines` gives them."""
        rules = self.rules
        on = year.start
        count = len(states)
        values = np.zeros((count, len(rules.additions)), dtype=np.int64)
        present = np.zeros((count, len(rules.additions)), dtype=bool)
        profile = states[:, PROFILE]
        fte = [Decimal(int(f)) / 100 for f in self.profile_fte]
        in_cents = lambda amount: round_half_up(lines_round(rules, amount) * 100)  # noqa: E731
        for j, addition in enumerate(rules.additions):
            rule = addition.eligibility
            eligible = self.static_flags[profile, j].astype(bool)
            if rule.degrees is not None:
                eligible &= np.isin(states[:, DEGREE], [DEGREES.index(d) for d in rule.degrees])
            if rule.min_years is not None:
                eligible &= states[:, SERVICE] >= rule.min_years
            if rule.roles is not None:
                eligible[:] = False  # the projection assigns no district roles
            if not eligible.any():
                continue
            kind = addition.kind
            if kind in ("flat", "deduction"):
                amount = dated_value(addition.amount, on)
                if amount is None:
                    continue
                table = np.array([in_cents(amount * f) for f in fte], dtype=np.int64)
                amounts = table[profile] * (-1 if kind == "deduction" else 1)
            elif kind == "percent":
                percent = dated_value(addition.percent, on)
                if percent is None:
                    continue
                pairs, inverse = unique_rows(np.stack([states[:, STEP], profile], axis=1))
                cells: dict = {}
                table = np.zeros(len(pairs), dtype=np.int64)
                for i, (step, p) in enumerate(pairs):
                    if step not in cells:
                        cells[step] = cell_amount(rules, year, int(step), addition.of_lane).amount
                    table[i] = in_cents(cells[step] * percent / HUNDRED * fte[p])
                amounts = table[inverse]
            elif kind == "per_micro_credential":
                amount = dated_value(addition.amount, on)
                mcs = self.counted if earned else 0
                if amount is None or mcs <= 0:
                    continue
                counted = min(mcs, addition.per_year_cap) if addition.per_year_cap is not None else mcs
                amounts = np.full(count, in_cents(amount * counted), dtype=np.int64)
            elif kind == "longevity":
                amount = dated_value(addition.amount, on)
                if amount is None:
                    continue
                pairs, inverse = unique_rows(np.stack([states[:, SERVICE], profile], axis=1))
                table = np.zeros(len(pairs), dtype=np.int64)
                for i, (years, p) in enumerate(pairs):
                    reached = sum(1 for y in addition.at_years if years >= y)
                    if reached:
                        table[i] = in_cents(amount * (reached if addition.cumulative else 1) * fte[p])
                amounts = table[inverse]
            else:
                continue
            present[:, j] = eligible & (amounts != 0)
            values[:, j] = np.where(present[:, j], amounts, 0)
        # Additions in one group do not stack: the first largest, in rule order, is kept.
        groups: dict[str, list[int]] = {}
        for j, addition in enumerate(rules.additions):
            if addition.group is not None:
                groups.setdefault(addition.group, []).append(j)
        for members in groups.values():
            best = np.full(count, -1)
            for j in members:
                better = present[:, j] & ((best < 0) | (values[:, j] > values[np.arange(count), np.maximum(best, 0)]))
                best = np.where(better, j, best)
            for j in members:
                values[:, j] = np.where(best == j, values[:, j], 0)
        return values

    def role_eligible(self, states: np.ndarray) -> np.ndarray:
        if self.role is None:
            return np.zeros(len(states), dtype=bool)
        ok = np.ones(len(states), dtype=bool)
        if self.role.min_years:
            ok &= states[:, SERVICE] >= self.role.min_years
        if self.role.micro_credentials:
            ok &= states[:, MC_TOTAL] >= self.role.micro_credentials
        if self.role.rating or self.role.stacks:
            ok[:] = False  # the roster holds no ratings or achievements
        return ok

    def at_top(self, year: SchoolYear, states: np.ndarray) -> np.ndarray:
        schedule, _, _ = schedule_for(self.rules, year)
        last = np.array([schedule.last_step(l) if l in schedule.lanes else 10**6 for l in self.lane_ids])
        return states[:, STEP] >= last[states[:, LANE]]

    def advance(self, year: SchoolYear, states: np.ndarray, earned: bool) -> np.ndarray:
        """Each group's state in the next school year, for survivors who did (or did not) earn micro-credentials."""
        rules, shape = self.rules, self.shape
        nxt = states.copy()
        schedule, _, _ = schedule_for(rules, year)
        nxt[:, SERVICE] = np.minimum(nxt[:, SERVICE] + 1, shape.service_cap) if shape.use_service else 0
        if year.label not in rules.steps.freeze_years:
            # Per lane: where blank cells are no cells, a lane's teachers only step onto its own cells.
            table = np.array([[next_step(schedule, s, rules.steps.advance_per_year, step_cap(rules, schedule, lane), lane)
                               for s in range(int(states[:, STEP].max()) + 1)] for lane in self.lane_ids], dtype=np.int64)
            nxt[:, STEP] = table[states[:, LANE], states[:, STEP]]
        counted = self.counted if earned else 0
        if counted and shape.use_mc_total:
            nxt[:, MC_TOTAL] = np.minimum(nxt[:, MC_TOTAL] + counted, shape.mc_cap)
        if counted and shape.fold:
            nxt[:, CREDIT] = np.minimum(nxt[:, CREDIT] + counted * shape.credit_hours_each,
                                        np.array(shape.credit_caps)[nxt[:, DEGREE]])
        if counted and shape.growth_mode:
            progress = nxt[:, MC_PROGRESS] + counted
            steps = progress // shape.per_growth_step
            if shape.max_growth_steps is not None:
                steps = np.minimum(steps, np.maximum(shape.max_growth_steps - nxt[:, MC_GROWTH], 0))
            nxt[:, MC_GROWTH] += steps
            nxt[:, GROWTH] += steps
            nxt[:, MC_PROGRESS] = progress - steps * shape.per_growth_step
            if shape.max_growth_steps is not None:
                nxt[:, MC_PROGRESS] = np.where(nxt[:, MC_GROWTH] >= shape.max_growth_steps, 0, nxt[:, MC_PROGRESS])
        # Lane moves: credit (and micro-credential hours where they count) against each lane's requirement.
        credit = nxt[:, CREDIT].copy()
        if shape.lanes_mode and not shape.fold:
            hours = nxt[:, MC_TOTAL] * shape.credit_hours_each
            own = np.where(self.lane_degree[nxt[:, LANE]] == nxt[:, DEGREE], self.lane_credits[nxt[:, LANE]], 0) * CREDIT_UNIT
            credit = np.maximum(credit, own + hours)
        order = schedule.lanes
        position = np.array([order.index(l) if l in order else -1 for l in self.lane_ids])[nxt[:, LANE]]
        need = np.full((len(DEGREES), len(order)), np.iinfo(np.int64).max, dtype=np.int64)
        can_earn = earnable([rules.lane(lane_id) for lane_id in order])
        for col, lane_id in enumerate(order):
            for rank, credits in enumerate(lane_need(rules.lane(lane_id)) if can_earn[col] else ()):
                if credits is not None:
                    need[rank, col] = credits * CREDIT_UNIT
        qualifies = credit[:, None] >= need[nxt[:, DEGREE]]
        any_lane = qualifies.any(axis=1)
        earned_position = len(order) - 1 - np.argmax(qualifies[:, ::-1], axis=1)
        move = any_lane & (position >= 0) & (earned_position > position)
        if rules.counting.lane_changes_per_year is not None:
            earned_position = np.where(move, np.minimum(earned_position, position + rules.counting.lane_changes_per_year),
                                       earned_position)
            move &= earned_position > position
        schedule_to_lane = np.array([self.lane_ids.index(l) for l in order])
        nxt[:, LANE] = np.where(move, schedule_to_lane[np.clip(earned_position, 0, len(order) - 1)], nxt[:, LANE])
        return nxt

    def hire_states(self, profiles: np.ndarray) -> np.ndarray:
        """The state of a hire for each (profile, hiring lane) pair, profile-major."""
        rows = []
        for profile in profiles:
            for lane_id, _ in self.assumptions.hiring_lanes:
                lane = self.lane_ids.index(lane_id)
                credit = int(self.lane_credits[lane])
                growth = credit // self.shape.credit_per_growth_step if self.shape.credit_per_growth_step else 0
                row = [0] * len(KEY_COLUMNS)
                row[STEP], row[LANE], row[GROWTH], row[CREDIT] = self.assumptions.hiring_step, lane, growth, credit * CREDIT_UNIT
                row[DEGREE], row[PROFILE] = int(self.lane_degree[lane]), int(profile)
                rows.append(row)
        return np.array(rows, dtype=np.int64).reshape(-1, len(KEY_COLUMNS))


def initial_states(context: _Context, roster: Roster, first: SchoolYear) -> np.ndarray:
    """One state row per roster teacher, in the key's columns."""
    shape = context.shape
    n = len(roster)
    states = np.zeros((n, len(KEY_COLUMNS)), dtype=np.int64)
    lane_map = np.array([context.lane_ids.index(l) for l in roster.lanes], dtype=np.int64)
    lanes = lane_map[roster.lane]
    states[:, STEP] = roster.step
    states[:, LANE] = lanes
    states[:, DEGREE] = roster.degree
    states[:, PROFILE] = context.teacher_profile
    own = np.where(context.lane_degree[lanes] == roster.degree, context.lane_credits[lanes] * 100, 0)
    credit_hundredths = np.maximum(roster.credit_hundredths, own)
    mcs = roster.micro_credentials
    credit = credit_hundredths * (CREDIT_UNIT // 100) + (mcs * shape.credit_hours_each if shape.fold else 0)
    states[:, CREDIT] = np.minimum(credit, np.array(shape.credit_caps)[roster.degree])
    if shape.use_mc_total:
        states[:, MC_TOTAL] = np.minimum(mcs, shape.mc_cap)
    if shape.growth_mode:
        mc_growth = mcs // shape.per_growth_step
        if shape.max_growth_steps is not None:
            capped = mc_growth >= shape.max_growth_steps
            mc_growth = np.minimum(mc_growth, shape.max_growth_steps)
            progress = np.where(capped, 0, mcs - mc_growth * shape.per_growth_step)
        else:
            progress = mcs - mc_growth * shape.per_growth_step
        states[:, MC_GROWTH] = mc_growth
        states[:, MC_PROGRESS] = progress
        states[:, GROWTH] = mc_growth
    if shape.credit_per_growth_step:
        states[:, GROWTH] += (credit_hundredths // 100) // shape.credit_per_growth_step
    if shape.use_service:
        start = first.start
        known = roster.hire_ordinal > 0
        service = np.array(roster.step, dtype=np.int64)
        if known.any():

            ordinals, inverse = np.unique(roster.hire_ordinal[known], return_inverse=True)
            years = np.array([service_years(int(o), first, 0) for o in ordinals], dtype=np.int64)
            service[known] = years[inverse.ravel()]
        states[:, SERVICE] = np.minimum(service, shape.service_cap)
    return states


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows in lexicographic order and each row's index among them.

    Columns are packed into one int64 (offsets from each column's minimum; a wide column is
    ranked first), so one 1-D sort replaces numpy's slow row-wise sort.
    """
    if len(rows) == 0:
        return rows, np.zeros(0, dtype=np.int64)
    low = rows.min(axis=0)
    spans = rows.max(axis=0) - low
    columns = [rows[:, c] - low[c] for c in range(rows.shape[1])]
    bits = [max(1, int(span).bit_length()) for span in spans]
    for col in sorted(range(len(bits)), key=lambda c: -bits[c]):
        if sum(bits) <= 62:
            break
        values, ranks = np.unique(columns[col], return_inverse=True)
        columns[col] = ranks.ravel()
        bits[col] = max(1, int(len(values) - 1).bit_length())
    if sum(bits) > 62:
        keys, inverse = np.unique(rows, axis=0, return_inverse=True)
        return keys, inverse.ravel()
    packed = np.zeros(len(rows), dtype=np.int64)
    for column, width in zip(columns, bits):
        packed = (packed << width) | column
    _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    return rows[first], inverse.ravel()


def _group(states: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct states in key order, with their counts summed (rows of zero count dropped)."""
    keys, inverse = unique_rows(states)
    order = np.argsort(inverse, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(inverse[order]) != 0])
    summed = np.add.reduceat(counts[order], starts, axis=0)
    keep = summed.any(axis=1)
    return keys[keep], summed[keep]


def _group_roster(states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct roster states and how many teachers hold each."""
    keys, inverse = unique_rows(states)
    return keys, np.bincount(inverse, minlength=len(keys)).astype(np.int64)[:, None]


def _matmul(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """values (groups, or groups x k) times counts (groups x draws): exact whole cents."""
    single = values.ndim == 1
    matrix = values[:, None] if single else values
    if counts.shape[1] == 1 or matrix.shape[0] == 0:
        product = matrix.T @ counts
    else:
        # Float64 BLAS is exact for whole numbers below 2**53; check the bound, else stay in int64.
        bound = float(np.abs(matrix).max(initial=0)) * float(counts.sum(axis=0).max(initial=0))
        if bound < 2.0 ** 52:
            product = np.rint(matrix.astype(np.float64).T @ counts.astype(np.float64)).astype(np.int64)
        else:
            product = matrix.T @ counts
    return product[0] if single else product


def project(rules: DistrictRules, scenario: Scenario, roster: Roster,
            progress: Callable[[float, str], None] | None = None) -> Projection:
    """Project a roster under a scenario: expected values, and Monte Carlo bands when `scenario.draws` > 0."""
    started = time.perf_counter()
    changed, assumptions = prepare(rules, scenario)
    expected = _run(changed, assumptions, roster, draws=0, progress=progress, share=0.2 if scenario.draws else 1.0)
    result = Projection(rules.id, scenario.name, [year_result(changed, assumptions, s) for s in expected],
                        sums=expected, seed=scenario.seed)
    if scenario.draws:
        simulated = _simulate(changed, assumptions, roster, scenario.draws, progress=progress, share=0.8, offset=0.2)
        totals = np.stack([finish(changed, assumptions, s)["total"] for s in simulated])
        result.draws = scenario.draws
        result.totals_by_draw = totals
        result.bands = bands([s.school_year for s in simulated], totals)
    result.groups = expected.groups[0] if expected.groups else 0
    result.seconds = time.perf_counter() - started
    return result


def bands(labels: list[str], totals: np.ndarray) -> list[dict]:
    """Median and 5th/95th percentile of total cost per year (each an actual draw, in cents)."""
    out = []
    for label, row in zip(labels, totals):
        p5, p50, p95 = np.percentile(row, [5, 50, 95], method="inverted_cdf")
        out.append({"school_year": label, "p5": money(p5), "median": money(p50), "p95": money(p95)})
    return out


class _Sums(list):
    groups: tuple[int, ...] = ()


def _run(rules: DistrictRules, assumptions: Assumptions, roster: Roster, draws: int = 0,
         progress=None, share: float = 1.0, offset: float = 0.0) -> _Sums:
    """Each year's expected sums: counts in 1/10,000ths of a teacher, split exactly by largest remainder."""
    assert draws == 0, "Monte Carlo runs go through _simulate"
    context = _Context(rules, assumptions, roster)
    years = assumptions.school_years()
    states, counts = _group_roster(initial_states(context, roster, years[0]))
    width = max(draws, 1)
    unit = HEAD_UNIT
    counts = np.repeat(counts * unit, width, axis=1)
    uptake = assumptions.uptake_percent
    program = round_half_up(assumptions.program_cost_per_micro_credential * 100)
    out = _Sums()
    group_sizes = []
    for k, year in enumerate(years):
        group_sizes.append(len(states))
        headcount = counts.sum(axis=0)
        # 1. Uptake: who earns micro-credentials this year.
        target = round_half_up(Decimal(int(headcount[0])) * uptake / HUNDRED)
        earners = apportion_array(target, counts[:, 0])[:, None]
        stayers = counts - earners
        # 2. Pay.
        base = context.base_cents(year, states)
        plain = context.addition_cents(year, states, earned=False)
        paid = context.addition_cents(year, states, earned=True) if context.per_mc and context.counted else plain
        additions_total = _matmul(plain, stayers) + _matmul(paid, earners)
        additions = {name: from_units(additions_total[i], unit) for i, name in enumerate(context.addition_names)}
        one_time = sum((additions[n] for n in context.one_time_names), np.zeros(width, dtype=np.int64))
        eligible = context.role_eligible(states)
        if context.role is not None and eligible.any():
            role_share = assumptions.role_share_percent / HUNDRED
            eligible_units = counts[eligible].sum(axis=0)
            holders = np.array([round_half_up(Decimal(int(eligible_units[0])) * role_share)])
            supplement = dated_value(context.role.supplement, year.start) or Decimal(0)
            roles = from_units(holders * round_half_up(lines_round(rules, supplement) * 100), unit)
        else:
            holders = np.zeros(width, dtype=np.int64)
            roles = np.zeros(width, dtype=np.int64)
        participants = earners.sum(axis=0)
        sums = YearSums(
            school_year=year.label, unit=unit, headcount=headcount,
            fte_hundredths=_matmul(context.profile_fte[states[:, PROFILE]], counts),
            base=from_units(_matmul(base, counts), unit), additions=additions, one_time_additions=one_time, roles=roles,
            role_holders=holders, participants=participants, micro_credentials=participants * context.earned,
            program=from_units(participants * context.earned * program, unit),
            leavers=np.zeros(width, dtype=np.int64), retirees=np.zeros(width, dtype=np.int64), hires=np.zeros(width, dtype=np.int64))
        out.append(sums)
        if progress:
            progress(offset + share * (k + 1) / len(years), f"{year.label}: {len(states)} groups")
        if k + 1 == len(years):
            break
        # 3. Leavers: retirements at the top, other leavers elsewhere.
        top = context.at_top(year, states)
        # Subgroups (state, earned) in key order, so the split is the same as the reference's.
        sub_top = np.repeat(top, 2)
        sub = np.stack([stayers[:, 0], earners[:, 0]], axis=1).reshape(-1)
        retirees, others = leaver_targets(assumptions, int(headcount[0]), int(sub[sub_top].sum()))
        leave = np.zeros_like(sub)
        leave[sub_top] = apportion_array(retirees, sub[sub_top])
        leave[~sub_top] = apportion_array(others, sub[~sub_top])
        leave0, leave1 = leave[0::2, None], leave[1::2, None]
        sums.retirees = np.array([retirees])
        sums.leavers = leave0.sum(axis=0) + leave1.sum(axis=0)
        # 4. Survivors move on; leavers are replaced by hires with their pay profiles.
        following = years[k + 1]
        moved = np.concatenate([context.advance(following, states, earned=False),
                                context.advance(following, states, earned=True)])
        profile_ids, profile_inverse = np.unique(states[:, PROFILE], return_inverse=True)
        profile_inverse = profile_inverse.ravel()
        leavers_by_profile = np.zeros((len(profile_ids), width), dtype=np.int64)
        np.add.at(leavers_by_profile, profile_inverse, leave0 + leave1)
        lane_shares = [share for _, share in assumptions.hiring_lanes]
        hire_counts = np.zeros((len(profile_ids), len(lane_shares), width), dtype=np.int64)
        total = int(leavers_by_profile[:, 0].sum())
        by_lane = apportion(total, [int(s * 10_000) for s in lane_shares])
        for j, lane_total in enumerate(by_lane):
            hire_counts[:, j, 0] = apportion_array(lane_total, leavers_by_profile[:, 0])
        sums.hires = hire_counts.sum(axis=(0, 1))
        hires = context.hire_states(profile_ids)
        states, counts = _group(np.concatenate([moved, hires]),
                                np.concatenate([stayers - leave0, earners - leave1, hire_counts.reshape(-1, width)]))
    out.groups = tuple(group_sizes)
    return out


# --- Monte Carlo ---------------------------------------------------------------------------------------

CHUNK = 100  # draws simulated together; fixed, so a seed gives the same draws on any machine


@dataclass
class _YearPlan:
    """What a Monte Carlo year needs that does not depend on the draw: groups, their pay, and how they move on."""

    year: SchoolYear
    groups: int
    base: np.ndarray             # cents per teacher, per group
    plain: np.ndarray            # groups x additions, cents
    paid: np.ndarray
    fte: np.ndarray
    eligible: np.ndarray
    top: np.ndarray
    cell_starts: np.ndarray      # placement cells (step, lane) are runs of groups in key order
    cell_lengths: np.ndarray
    cell_top: np.ndarray
    profile_matrix: np.ndarray | None = None   # profiles x groups, 1 where the group has the profile
    hire_rows: int = 0
    merge_order: np.ndarray | None = None
    merge_starts: np.ndarray | None = None
    merge_first: np.ndarray | None = None
    merge_more: list = field(default_factory=list)


def _plans(context: _Context, years: list[SchoolYear], states: np.ndarray) -> list[_YearPlan]:
    """Every year's plan. All paths are kept (no group is dropped), so the groups are the same in every draw."""
    plans = []
    for k, year in enumerate(years):
        change = np.any(np.diff(states[:, [STEP, LANE]], axis=0) != 0, axis=1)
        starts = np.flatnonzero(np.r_[True, change])
        top = context.at_top(year, states)
        plain = context.addition_cents(year, states, earned=False)
        paid = context.addition_cents(year, states, earned=True) if context.per_mc and context.counted else plain
        plan = _YearPlan(year, len(states), context.base_cents(year, states).astype(np.float64), plain.astype(np.float64),
                         paid.astype(np.float64), context.profile_fte[states[:, PROFILE]].astype(np.float64),
                         context.role_eligible(states), top, starts, np.diff(np.r_[starts, len(states)]), top[starts])
        plan.extra = plan.paid - plan.plain
        plan.cell_lane, plan.cell_step = states[starts, LANE], states[starts, STEP]
        plan.extra_columns = np.flatnonzero(np.any(plan.extra != 0, axis=0))
        plan.eligible_weights = plan.eligible.astype(np.float64)
        plan.top_weights = top.astype(np.float64)
        plans.append(plan)
        if k + 1 == len(years):
            break
        following = years[k + 1]
        profile_ids, profile_inverse = np.unique(states[:, PROFILE], return_inverse=True)
        matrix = np.zeros((len(profile_ids), len(states)))
        matrix[profile_inverse.ravel(), np.arange(len(states))] = 1.0
        plan.profile_matrix = matrix
        hires = context.hire_states(profile_ids)
        plan.hire_rows = len(hires)
        rows = np.concatenate([context.advance(following, states, earned=False),
                               context.advance(following, states, earned=True), hires])
        keys, inverse = unique_rows(rows)
        plan.merge_order = np.argsort(inverse, kind="stable")
        plan.merge_starts = np.flatnonzero(np.r_[True, np.diff(inverse[plan.merge_order]) != 0])
        # Rows that land on the same next state are added: the first of each run, then the 2nd, 3rd... where present.
        lengths = np.diff(np.r_[plan.merge_starts, len(rows)])
        plan.merge_first = plan.merge_order[plan.merge_starts]
        plan.merge_more = []
        for j in range(1, int(lengths.max())):
            targets = np.flatnonzero(lengths > j)
            plan.merge_more.append((targets, plan.merge_order[plan.merge_starts[targets] + j]))
        states = keys
    return plans


def _dot(weights: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Weights (groups) x counts (groups x draws), in numpy's own loops: BLAS threads only contend here."""
    return np.einsum("g,gd->d", weights, counts)


STEP_SPAN = 128  # uniforms drawn per lane, one per step number


def _normal_quantile(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9)."""
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
         -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
         -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
         4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    u = np.clip(u, 1e-12, 1 - 1e-12)
    out = np.empty_like(u)
    low, high = u < 0.02425, u > 1 - 0.02425
    mid = ~(low | high)
    q = u[mid] - 0.5
    r = q * q
    out[mid] = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    for mask, sign, tail in ((low, 1.0, u[low]), (high, -1.0, 1 - u[high])):
        q = np.sqrt(-2 * np.log(tail))
        out[mask] = sign * (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    return out


def binomial_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The binomial variate for uniforms u: exact inversion up to 400 trials, a normal quantile beyond.

    Monotone in u, so the same uniform gives a scenario and its baseline the same luck in a cell.
    """
    u, n, p = np.broadcast_arrays(np.asarray(u, float), np.asarray(n, np.int64), np.asarray(p, float))
    flip = p > 0.5
    q = np.where(flip, 1 - p, p)
    v = np.where(flip, 1 - u, u)
    x = np.zeros(u.shape, dtype=np.int64)
    small = n <= 400
    if small.any():
        ns, qs, vs = n[small], q[small], v[small]
        pmf = np.power(1 - qs, ns)
        cdf = pmf.copy()
        ks = np.zeros(ns.shape, dtype=np.int64)
        ratio = np.divide(qs, 1 - qs, out=np.zeros_like(qs), where=qs < 1)
        active = (vs > cdf) & (ks < ns)
        while active.any():
            idx = np.flatnonzero(active)
            k = ks[idx]
            pmf[idx] = pmf[idx] * (ns[idx] - k) / (k + 1) * ratio[idx]
            cdf[idx] += pmf[idx]
            ks[idx] = k + 1
            active[idx] = (vs[idx] > cdf[idx]) & (ks[idx] < ns[idx]) & (cdf[idx] < 1 - 1e-12)
        x[small] = ks
    large = ~small
    if large.any():
        nl, ql = n[large], q[large]
        spread = np.sqrt(nl * ql * (1 - ql))
        x[large] = np.clip(np.rint(nl * ql + spread * _normal_quantile(v[large])), 0, nl).astype(np.int64)
    return np.where(flip, n - x, x)


def _lane_code(lane_id: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.sha256(lane_id.encode()).digest()[:4], "big")


def _cell_uniforms(seed: int, chunk: int, year: int, purpose: int, lanes: list[str], plan, width: int) -> np.ndarray:
    """One uniform per placement cell and draw, keyed by (seed, chunk, year, purpose, lane, step): a scenario and
    its baseline draw the same numbers for the same cell, so their difference is not drowned in noise."""
    out = np.empty((len(plan.cell_starts), width))
    for lane in np.unique(plan.cell_lane):
        rows = np.flatnonzero(plan.cell_lane == lane)
        rng = np.random.default_rng([seed, chunk, year, purpose, _lane_code(lanes[lane])])
        out[rows] = rng.random((STEP_SPAN, width))[np.minimum(plan.cell_step[rows], STEP_SPAN - 1)]
    return out


def _cell_fractions(uniforms: np.ndarray, cells: np.ndarray, rate) -> np.ndarray:
    """The share of each placement cell that moves in each draw: a binomial on the cell's whole teachers."""
    whole = np.floor(cells + 1e-6).astype(np.int64)
    rate = np.broadcast_to(np.clip(rate, 0.0, 1.0), whole.shape)
    drawn = binomial_quantile(uniforms, whole, rate)
    return np.where(whole > 0, drawn / np.maximum(whole, 1), rate)


def _simulate(rules: DistrictRules, assumptions: Assumptions, roster: Roster, draws: int,
              progress=None, share: float = 1.0, offset: float = 0.0) -> list[YearSums]:
    """Monte Carlo: uptake and leavers drawn per placement cell (step, lane) and draw, spread over the cell's groups.

    Draws run in chunks of CHUNK, each with its own stream spawned from the seed; the same seed gives
    the same result. Counts are fractional teachers (float64); pay per group stays whole cents.
    """
    context = _Context(rules, assumptions, roster)
    years = assumptions.school_years()
    states, initial = _group_roster(initial_states(context, roster, years[0]))
    plans = _plans(context, years, states)
    uptake = float(assumptions.uptake_percent / HUNDRED)
    attrition = float(assumptions.attrition_percent / HUNDRED)
    retiree_share = float(assumptions.retiree_share_percent / HUNDRED)
    role_share = float(assumptions.role_share_percent / HUNDRED)
    shares = np.array([float(s) for _, s in assumptions.hiring_lanes])
    shares = shares / shares.sum()
    program = round_half_up(assumptions.program_cost_per_micro_credential * 100)
    supplements = [round_half_up(lines_round(rules, dated_value(context.role.supplement, y.start) or Decimal(0)) * 100)
                   if context.role else 0 for y in years]
    fields = ("headcount", "fte", "base", "additions", "roles", "holders", "participants", "leavers", "retirees", "hires")
    collected = [{name: [] for name in fields} for _ in years]
    chunks = [min(CHUNK, draws - start) for start in range(0, draws, CHUNK)]
    seed = assumptions.seed
    for c, width in enumerate(chunks):
        counts = np.repeat(initial.astype(np.float64), width, axis=1)
        for k, plan in enumerate(plans):
            got = collected[k]
            groups = plan.groups
            cells = np.add.reduceat(counts, plan.cell_starts, axis=0)
            luck = _cell_uniforms(seed, c, k, 0, context.lane_ids, plan, width)
            earners = counts * np.repeat(_cell_fractions(luck, cells, uptake), plan.cell_lengths, axis=0)
            headcount = counts.sum(axis=0)
            got["headcount"].append(headcount)
            got["fte"].append(_dot(plan.fte, counts))
            got["base"].append(_dot(plan.base, counts))
            # plain x stayers + paid x earners, without forming the stayers.
            additions = np.einsum("gk,gd->kd", plan.plain, counts)
            if plan.extra_columns.size:
                additions[plan.extra_columns] += np.einsum("gk,gd->kd", plan.extra[:, plan.extra_columns], earners)
            got["additions"].append(additions)
            if context.role is not None:
                eligible = _dot(plan.eligible_weights, counts)
                whole = np.floor(eligible + 1e-6).astype(np.int64)
                luck = np.random.default_rng([seed, c, k, 2]).random(width)
                holders = binomial_quantile(luck, whole, role_share) + (eligible - whole) * role_share
            else:
                holders = np.zeros(width)
            got["holders"].append(holders)
            got["roles"].append(holders * supplements[k])
            got["participants"].append(earners.sum(axis=0))
            if plan.merge_order is None:
                for name in ("leavers", "retirees", "hires"):
                    got[name].append(np.zeros(width))
                continue
            at_top = _dot(plan.top_weights, counts)
            retire_expected = attrition * retiree_share * headcount
            retire_rate = np.where(at_top > 0, np.minimum(1.0, retire_expected / np.maximum(at_top, 1e-9)), 0.0)
            others = headcount - at_top
            other_expected = attrition * headcount - np.minimum(retire_expected, at_top)
            other_rate = np.where(others > 0, np.minimum(1.0, other_expected / np.maximum(others, 1e-9)), 0.0)
            rate = np.where(plan.cell_top[:, None], retire_rate[None, :], other_rate[None, :])
            luck = _cell_uniforms(seed, c, k, 1, context.lane_ids, plan, width)
            stay = np.repeat(1.0 - _cell_fractions(luck, cells, rate), plan.cell_lengths, axis=0)
            # Rows: surviving stayers, surviving earners, hires; leavers are what the survivors are not.
            rows = np.empty((2 * groups + plan.hire_rows, width))
            survivors = rows[:groups]
            np.multiply(counts, stay, out=survivors)
            np.multiply(earners, stay, out=rows[groups:2 * groups])
            leavers = counts - survivors
            leavers_by_profile = np.einsum("pg,gd->pd", plan.profile_matrix, leavers)
            got["leavers"].append(leavers.sum(axis=0))
            got["retirees"].append(_dot(plan.top_weights, leavers))
            hires = leavers_by_profile[:, None, :] * shares[None, :, None]
            rows[2 * groups:] = hires.reshape(-1, width)
            got["hires"].append(hires.sum(axis=(0, 1)))
            survivors -= rows[groups:2 * groups]
            counts = rows[plan.merge_first]
            for targets, sources in plan.merge_more:
                counts[targets] += rows[sources]
        if progress:
            progress(offset + share * (c + 1) / len(chunks), f"Monte Carlo: {sum(chunks[:c + 1])} of {draws} draws")
    out = []
    whole = lambda values: np.rint(np.concatenate(values)).astype(np.int64)  # noqa: E731
    units = lambda values: np.rint(np.concatenate(values) * HEAD_UNIT).astype(np.int64)  # noqa: E731
    for plan, got in zip(plans, collected):
        additions = np.rint(np.concatenate(got["additions"], axis=1)).astype(np.int64)
        named = {name: additions[i] for i, name in enumerate(context.addition_names)}
        participants = units(got["participants"])
        out.append(YearSums(
            school_year=plan.year.label, unit=HEAD_UNIT, headcount=units(got["headcount"]),
            fte_hundredths=units(got["fte"]), base=whole(got["base"]), additions=named,
            one_time_additions=sum((named[n] for n in context.one_time_names), np.zeros(draws, dtype=np.int64)),
            roles=whole(got["roles"]), role_holders=units(got["holders"]), participants=participants,
            micro_credentials=participants * context.earned,
            program=from_units(participants * context.earned * program, HEAD_UNIT),
            leavers=units(got["leavers"]), retirees=units(got["retirees"]), hires=units(got["hires"])))
    return out
