"""A teacher's state as the projection sees it: which parts the district's rules look at, one integer row
per state, and grouping rows that are the same state."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from engine.budget.projection.arithmetic import HUNDRED, round_half_up
from engine.budget.scenario import Assumptions
from engine.pay.additions import Placement, addition_applies
from engine.rules import DEGREES, DistrictRules
from engine.school_year import SchoolYear

CREDIT_UNIT = 10_000  # credit hours are held as integers of 1/10,000 hour
KEY_COLUMNS = ("step", "lane", "growth", "mc_growth", "mc_progress", "mc_total", "credit", "service", "degree", "profile",
               "earning", "role", "mc_now", "new_lane", "new_lane_share")
(STEP, LANE, GROWTH, MC_GROWTH, MC_PROGRESS, MC_TOTAL, CREDIT, SERVICE, DEGREE, PROFILE, EARNING, ROLE,
 MC_NOW, NEW_LANE, NEW_LANE_SHARE) = range(len(KEY_COLUMNS))
SHARE_UNIT = 10_000  # a share of the school year is held in 1/10,000ths
# EARNING is 1 for a teacher who earned micro-credentials last year (a cohort that persists), where that matters.
# ROLE is the district role a roster teacher holds (1 + its place in the rule file's roles; 0 none): its supplement
# is paid while they stay, and additions for that role apply. MC_NOW is the micro-credentials a roster teacher earned
# in the roster's school year: the per-credential stipend pays them in the first projected year only. NEW_LANE is a
# lane change HR approved part-way through the roster's school year (1 + the lane's place in the rules; 0 none), paid
# for NEW_LANE_SHARE of that year (in SHARE_UNIT): the first projected year pays the old cell plus the difference for
# that share, as the teacher's own timeline does; the year after, the teacher is in the new lane.


def role_code(rules: DistrictRules, role_id: str | None) -> int:
    """A held district role as the state's number: 1 + its place among the rule file's roles, 0 for none."""
    return 0 if not role_id else 1 + [role.id for role in rules.roles].index(role_id)


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
    def of(cls, rules: DistrictRules, assumptions: Assumptions) -> StateShape:
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
        thresholds |= {payment.min_years for _, payment in assumptions.one_time if payment.min_years is not None}
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


def profile_flags(rules: DistrictRules, band, subjects, certifications, certified, wide: list | None = None) -> tuple[int, ...]:
    """Which additions a teacher's band, subjects and certifications allow (degree and years are judged apart).

    `wide` is `wide_additions(rules)`, when the caller asks for many profiles."""
    probe = Placement(step=0, lane=rules.lanes[0].id, degree="doctorate", band=band, years_of_service=10**6,
                      subjects=tuple(subjects), certifications=tuple(certifications), certified=certified)
    return tuple(int(addition_applies(addition, rules, probe)) for addition in (wide or wide_additions(rules)))


def wide_additions(rules: DistrictRules) -> list:
    """The rules' additions with their degree, years and role conditions lifted."""
    return [addition.model_copy(update={"eligibility": addition.eligibility.model_copy(
        update={"degrees": None, "min_years": None, "roles": None})}) for addition in rules.additions]


def service_years(hire_ordinal: int, school_year: SchoolYear, step: int) -> int:
    """Whole years from the hire date to the start of a school year; the step when the date is unknown."""
    if not hire_ordinal:
        return step
    from datetime import date

    hired = date.fromordinal(hire_ordinal)
    start = school_year.start
    return max(0, start.year - hired.year - ((start.month, start.day) < (hired.month, hired.day)))


EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal(): numpy's day zero


def service_years_array(hire_ordinals: np.ndarray, school_year: SchoolYear) -> np.ndarray:
    """`service_years` for many known hire dates (ordinals > 0) at once: each date's year, month and day by integer
    arithmetic on the proleptic Gregorian calendar (H. Hinnant's civil_from_days), then whole years to the start."""
    z = np.asarray(hire_ordinals, dtype=np.int64) - EPOCH_ORDINAL + 719_468   # days since 0000-03-01
    era = z // 146_097
    day_of_era = z - era * 146_097
    year_of_era = (day_of_era - day_of_era // 1_460 + day_of_era // 36_524 - day_of_era // 146_096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153                                # 0 is March
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= 2)
    start = school_year.start
    before_anniversary = (start.month < month) | ((start.month == month) & (start.day < day))
    return np.maximum(0, start.year - year - before_anniversary)


def dense_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Distinct values in order and each value's index among them, without a sort, when the values span a range
    not much wider than their count (a table of that range is marked); else None."""
    low, high = int(values.min()), int(values.max())
    if high - low > 8 * len(values) + 65_536:
        return None
    seen = np.zeros(high - low + 1, dtype=bool)
    offsets = values - low
    seen[offsets] = True
    distinct = np.flatnonzero(seen)
    index = np.cumsum(seen) - 1
    return distinct + low, index[offsets]


def packed_keys(rows: np.ndarray) -> np.ndarray | None:
    """One int64 per row that orders as the rows do (lexicographically): offsets from each column's minimum, packed
    side by side (a wide column is ranked first). None when the rows cannot fit in 62 bits."""
    low = rows.min(axis=0)
    spans = rows.max(axis=0) - low
    columns = [rows[:, c] - low[c] if low[c] else rows[:, c] for c in range(rows.shape[1])]
    bits = [int(span).bit_length() for span in spans]
    for col in sorted(range(len(bits)), key=lambda c: -bits[c]):
        if sum(bits) <= 62:
            break
        values, ranks = np.unique(columns[col], return_inverse=True)
        columns[col] = ranks.ravel()
        bits[col] = int(len(values) - 1).bit_length()
    if sum(bits) > 62:
        return None
    packed = np.zeros(len(rows), dtype=np.int64)
    for column, width in zip(columns, bits):
        if width:   # a column that never changes adds nothing to the order
            packed <<= width
            packed |= column
    return packed


def sorted_runs(rows: np.ndarray, packed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """An order that sorts the rows, and where each run of equal rows starts in it: one 1-D sort of packed keys."""
    packed = packed_keys(rows) if packed is None else packed
    if packed is None:
        _, inverse = np.unique(rows, axis=0, return_inverse=True)
        packed = inverse.ravel()
    order = np.argsort(packed, kind="stable")   # timsort: the rows come mostly in order already
    ordered = packed[order]
    return order, np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])


def unique_values(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(values, return_inverse=True)` for a 1-D int array, without a sort where the range is small."""
    if len(values) == 0:
        return values, np.zeros(0, dtype=np.int64)
    found = dense_unique(values)
    if found is None:
        distinct, inverse = np.unique(values, return_inverse=True)
        return distinct, inverse.ravel()
    return found


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows in lexicographic order and each row's index among them."""
    if len(rows) == 0:
        return rows, np.zeros(0, dtype=np.int64)
    packed = packed_keys(rows)
    found = dense_unique(packed) if packed is not None else None
    if found is not None:
        distinct, inverse = found
        first = np.empty(len(distinct), dtype=np.int64)
        first[inverse] = np.arange(len(rows))          # any row of each value will do: they are the same row
        return rows[first], inverse
    if packed is None:
        keys, inverse = np.unique(rows, axis=0, return_inverse=True)
        return keys, inverse.ravel()
    order, starts = sorted_runs(rows, packed)
    run = np.zeros(len(rows), dtype=np.int64)
    run[starts[1:]] = 1
    inverse = np.empty(len(rows), dtype=np.int64)
    inverse[order] = np.cumsum(run)
    return rows[order[starts]], inverse


def group(states: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct states in key order, with their counts summed (rows of zero count dropped)."""
    if len(states) == 0:
        return states, counts
    order, starts = sorted_runs(states)
    summed = np.add.reduceat(counts[order], starts, axis=0)
    keep = summed.any(axis=1)
    return states[order[starts[keep]]], summed[keep]


def group_roster(states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct roster states and how many teachers hold each."""
    keys, inverse = unique_rows(states)
    return keys, np.bincount(inverse, minlength=len(keys)).astype(np.int64)[:, None]
