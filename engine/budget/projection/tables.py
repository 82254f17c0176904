"""Per-year look-up tables for the projection: each state's base pay and additions in cents, who may hold the
scenario's role, who is at the top of their lane, where each state moves next year, and the hires' states."""
from __future__ import annotations

from decimal import Decimal

import numpy as np

from engine.budget.projection.arithmetic import HUNDRED, line_cents_table, round_half_up
from engine.budget.projection.state import (
    CREDIT,
    CREDIT_UNIT,
    DEGREE,
    EARNING,
    GROWTH,
    KEY_COLUMNS,
    LANE,
    MC_GROWTH,
    MC_NOW,
    MC_PROGRESS,
    MC_TOTAL,
    NEW_LANE,
    NEW_LANE_SHARE,
    PROFILE,
    ROLE,
    SERVICE,
    SHARE_UNIT,
    STEP,
    StateShape,
    counted_micro_credentials,
    profile_flags,
    role_code,
    unique_rows,
    unique_values,
    wide_additions,
)
from engine.budget.roster import Roster
from engine.budget.scenario import Assumptions
from engine.pay.additions import Placement, role_line
from engine.pay.cells import cell_amount, effective_step, lines_round, next_step, schedule_for, step_cap
from engine.pay.credit import earnable, lane_need
from engine.rules import DEGREES, DistrictRules, dated_value
from engine.rules.values import memo
from engine.school_year import SchoolYear


class Tables:
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
        self.role_ids = {r.id for r in rules.roles}
        # Additions look at the step only through percent-of-schedule lines, at the degree only through degree conditions.
        self.additions_use_step = any(a.kind == "percent" for a in rules.additions)
        self.additions_use_degree = any(a.eligibility.degrees is not None for a in rules.additions)
        self._rows: dict = {}
        self._build_profiles(roster)

    def _build_profiles(self, roster: Roster) -> None:
        wide = wide_additions(self.rules)
        flags = [profile_flags(self.rules, *p, wide=wide) for p in roster.profiles]
        pairs, inverse = unique_rows(np.stack([roster.profile, roster.fte_hundredths], axis=1))
        keys = [(fte, flags[p]) for p, fte in pairs.tolist()]
        distinct = sorted(set(keys))
        self.static_flags = np.array([flags_ for _, flags_ in distinct], dtype=np.int64).reshape(len(distinct), len(self.rules.additions))
        index = {key: i for i, key in enumerate(distinct)}
        pair_profile = np.array([index[key] for key in keys], dtype=np.int64)
        self.teacher_profile = pair_profile[inverse]
        # A representative teacher for each profile: eligibility depends on the flags only.
        self.profile_fte = np.array([fte for fte, _ in distinct], dtype=np.int64)
        ftes, codes = np.unique(self.profile_fte, return_inverse=True)
        self.fte_values = [Decimal(int(f)) / 100 for f in ftes]
        self.profile_fte_code = codes.ravel().astype(np.int64)
        self.profile_rep: list[tuple] = [None] * len(distinct)
        for (p, _), key in zip(pairs.tolist(), keys):
            if self.profile_rep[index[key]] is None:
                self.profile_rep[index[key]] = roster.profiles[p]

    # per-year tables

    def base_cents(self, year: SchoolYear, states: np.ndarray) -> np.ndarray:
        """Each group's base pay in cents: the schedule cell x FTE, rounded by the district's line rule; a lane change
        part-way through the year pays the old cell plus the difference for its share, rounded once with the rest.

        Decimal arithmetic runs once per distinct cell (and change), never per group."""
        columns = [LANE, STEP, GROWTH] + ([NEW_LANE, NEW_LANE_SHARE] if states[:, NEW_LANE].any() else [])
        keys, inverse = unique_rows(states[:, columns])
        amounts = []
        for lane, step, growth, *change in keys.tolist():
            amount = self._cell(year, lane, step, growth)
            if change and change[0]:
                new, share = change
                amount += (self._cell(year, new - 1, step, growth) - amount) * Decimal(share) / SHARE_UNIT
            amounts.append(amount)
        return self._times_fte(amounts, inverse, states[:, PROFILE])

    def _cell(self, year: SchoolYear, lane: int, step: int, growth: int) -> Decimal:
        """The schedule amount for a lane (by number), step and growth steps in a school year."""
        schedule, start, _ = schedule_for(self.rules, year)
        lane_id = self.lane_ids[lane]
        # Steps on one row (a band such as 13-16, or past a ragged lane's end) share its amount.
        row_key = (start, lane_id, step)
        if row_key not in self._rows:
            used = effective_step(schedule, lane_id, step)
            self._rows[row_key] = schedule.row_for(used).first if used == step else used
        return cell_amount(self.rules, year, self._rows[row_key], lane_id, growth).amount

    def _times_fte(self, amounts: list[Decimal], inverse: np.ndarray, profile: np.ndarray) -> np.ndarray:
        """amounts[inverse] x each group's FTE as cents, each line rounded by the district's rule."""
        rounding = self.rules.pay.lines
        table = line_cents_table(amounts, self.fte_values, rounding.quantum, rounding.mode)
        if table is None:   # a figure past what int64 holds exactly: Decimal, each (amount, FTE) once
            table = np.array([[round_half_up(lines_round(self.rules, a * f) * 100) for f in self.fte_values]
                              for a in amounts], dtype=np.int64).reshape(len(amounts), len(self.fte_values))
        return table[inverse, self.profile_fte_code[profile]]

    def addition_cents(self, year: SchoolYear, states: np.ndarray, earned: bool) -> np.ndarray:
        """Each group's additions in cents, one column per addition (in rule order), as `addition_lines` gives them."""
        plain, paid = self.addition_pair(year, states)
        return paid if earned else plain

    def addition_pair(self, year: SchoolYear, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`addition_cents` for teachers who earn no micro-credentials this year and for those who do.

        Only per-micro-credential stipends differ between the two, so everything else is worked out once."""
        rules = self.rules
        on = year.start
        count = len(states)
        values = np.zeros((count, len(rules.additions)), dtype=np.int64)
        present = np.zeros((count, len(rules.additions)), dtype=bool)
        earned_columns: dict[int, np.ndarray] = {}
        profile = states[:, PROFILE]
        fte = [Decimal(int(f)) / 100 for f in self.profile_fte]
        in_cents = lambda amount: round_half_up(lines_round(rules, amount) * 100)
        for j, addition in enumerate(rules.additions):
            rule = addition.eligibility
            eligible = self.static_flags[profile, j].astype(bool)
            if rule.degrees is not None:
                eligible &= np.isin(states[:, DEGREE], [DEGREES.index(d) for d in rule.degrees])
            if rule.min_years is not None:
                eligible &= states[:, SERVICE] >= rule.min_years
            if rule.roles is not None:
                # District roles held on the roster (a scenario's new role pays its supplement only).
                eligible &= np.isin(states[:, ROLE], [role_code(rules, r) for r in rule.roles if r in self.role_ids])
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
                steps, inverse = unique_values(states[:, STEP])
                shares = [cell_amount(rules, year, int(step), addition.of_lane).amount * percent / HUNDRED for step in steps]
                amounts = self._times_fte(shares, inverse, profile)
            elif kind == "per_micro_credential":
                # Paid for the micro-credentials earned this year: those the roster says were earned in its own
                # year (the first projected year only), and the year's uptake for those who earn.
                amount = dated_value(addition.amount, on)
                if amount is None:
                    continue
                held, inverse = unique_values(states[:, MC_NOW])

                def stipends(extra: int) -> np.ndarray:
                    out = []
                    for now in held.tolist():
                        counted = counted_micro_credentials(rules, now + extra)
                        if addition.per_year_cap is not None:
                            counted = min(counted, addition.per_year_cap)
                        out.append(in_cents(amount * counted))
                    return np.array(out, dtype=np.int64)[inverse]

                held_pay = np.where(eligible, stipends(0), 0)
                earned_pay = np.where(eligible, stipends(self.earned), 0)
                if earned_pay.any() or held_pay.any():
                    earned_columns[j] = (held_pay, eligible & (earned_pay != 0))
                    values[:, j] = earned_pay
                continue
            elif kind == "longevity":
                amount = dated_value(addition.amount, on)
                if amount is None:
                    continue
                services, inverse = unique_values(states[:, SERVICE])
                reached = [sum(1 for y in addition.at_years if years >= y) for years in services]
                owed = [amount * (r if addition.cumulative else 1) if r else Decimal(0) for r in reached]
                amounts = self._times_fte(owed, inverse, profile)
            else:
                continue
            present[:, j] = eligible & (amounts != 0)
            values[:, j] = np.where(present[:, j], amounts, 0)
        plain = values.copy()
        plain_present = present.copy()
        for j, (held_pay, _) in earned_columns.items():
            plain[:, j] = held_pay
            plain_present[:, j] = held_pay != 0
        if not earned_columns:
            plain = self._keep_best_of_groups(plain, present)
            return plain, plain
        paid_present = present.copy()
        for j, (_, eligible) in earned_columns.items():
            paid_present[:, j] = eligible
        return self._keep_best_of_groups(plain, plain_present), self._keep_best_of_groups(values, paid_present)

    def held_role_cents(self, year: SchoolYear, states: np.ndarray, pensionable: bool | None = None) -> np.ndarray:
        """Each group's supplement per teacher for the district role it holds (by FTE, rounded once), in cents; only
        of pensionable (or not pensionable) roles when `pensionable` says."""
        if not states[:, ROLE].any():
            return np.zeros(len(states), dtype=np.int64)
        pairs, inverse = unique_rows(np.stack([states[:, ROLE], self.profile_fte[states[:, PROFILE]]], axis=1))
        values = []
        for code, fte in pairs.tolist():
            line = None
            if code and (pensionable is None or self.rules.roles[code - 1].pensionable == pensionable):
                placement = Placement(step=0, lane=self.lane_ids[0], fte=Decimal(int(fte)) / 100)
                line = role_line(self.rules, self.rules.roles[code - 1], year, placement)
            values.append(round_half_up(line.amount * 100) if line is not None else 0)
        return np.array(values, dtype=np.int64)[inverse.ravel()]

    def _keep_best_of_groups(self, values: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Additions in one group do not stack: the first largest, in rule order, is kept."""
        count = len(values)
        groups: dict[str, list[int]] = {}
        for j, addition in enumerate(self.rules.additions):
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

    def over_wage_base(self, year: SchoolYear, base: np.ndarray, additions: np.ndarray) -> np.ndarray:
        """Each group's pay per teacher (base and additions) above Social Security's wage base, in cents."""
        wage_base = self.assumptions.wage_base_in(self.rules, year)
        if wage_base is None:
            return np.zeros(len(base), dtype=np.int64)
        return np.maximum(0, base + additions.sum(axis=1) - round_half_up(wage_base * 100))

    def one_time_cents(self, year: SchoolYear, states: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each group's one-time payments per teacher this year, in cents: all of them, and the pensionable part.

        A flat payment is its amount x FTE, a percent one that percent of the group's base pay, each rounded once."""
        total = np.zeros(len(states), dtype=np.int64)
        pensionable = np.zeros(len(states), dtype=np.int64)
        for payment in self.assumptions.one_time_in(year):
            lanes = [self.lane_ids.index(lane) for lane in payment.lanes] if payment.lanes else None
            qualifies = np.ones(len(states), dtype=bool) if lanes is None else np.isin(states[:, LANE], lanes)
            if payment.min_step is not None:
                qualifies &= states[:, STEP] >= payment.min_step
            if payment.min_years is not None:
                qualifies &= states[:, SERVICE] >= payment.min_years
            if payment.amount is not None:
                table = np.array([round_half_up(lines_round(self.rules, payment.amount * f) * 100) for f in
                                  self.fte_values], dtype=np.int64)
                amounts = table[self.profile_fte_code[states[:, PROFILE]]]
            else:
                values, inverse = np.unique(base, return_inverse=True)
                table = np.array([round_half_up(lines_round(self.rules, Decimal(int(v)) / 100 * payment.percent / HUNDRED) * 100)
                                  for v in values], dtype=np.int64)
                amounts = table[inverse.ravel()]
            paid = np.where(qualifies, amounts, 0)
            total += paid
            if payment.pensionable:
                pensionable += paid
        return total, pensionable

    def at_top(self, year: SchoolYear, states: np.ndarray) -> np.ndarray:
        schedule, _, _ = schedule_for(self.rules, year)
        last = np.array([schedule.last_step(l) if l in schedule.lanes else 10**6 for l in self.lane_ids])
        return states[:, STEP] >= last[states[:, LANE]]

    def advance(self, year: SchoolYear, states: np.ndarray, earned: bool) -> np.ndarray:
        """Each group's state in the next school year, for survivors who did (or did not) earn micro-credentials."""
        rules, shape = self.rules, self.shape
        nxt = states.copy()
        # A lane change part-way through last year: the teacher starts this one in the new lane.
        nxt[:, LANE] = np.where(states[:, NEW_LANE] > 0, states[:, NEW_LANE] - 1, states[:, LANE])
        nxt[:, NEW_LANE] = nxt[:, NEW_LANE_SHARE] = 0
        schedule, _, _ = schedule_for(rules, year)
        nxt[:, SERVICE] = np.minimum(nxt[:, SERVICE] + 1, shape.service_cap) if shape.use_service else 0
        if year.label not in rules.steps.freeze_years:
            # Per lane: where blank cells are no cells, a lane's teachers only step onto its own cells.
            # Kept with the schedule (rules that share it share the table): its steps, the advance and the caps decide.
            top = int(states[:, STEP].max()) + 1
            caps = tuple((lane, step_cap(rules, schedule, lane)) for lane in self.lane_ids)
            key = ("next steps", rules.steps.advance_per_year, caps, top)
            table = memo(schedule).get(key)
            if table is None:
                table = memo(schedule)[key] = np.array(
                    [[next_step(schedule, s, rules.steps.advance_per_year, cap, lane) for s in range(top)]
                     for lane, cap in caps], dtype=np.int64)
            nxt[:, STEP] = table[nxt[:, LANE], states[:, STEP]]
        nxt[:, EARNING] = int(earned and self.assumptions.cohorts)
        nxt[:, MC_NOW] = 0   # micro-credentials the roster says were earned in its year are paid once
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

    def hire_states(self, profiles: np.ndarray, year: SchoolYear) -> np.ndarray:
        """The state of a hire for each (profile, hiring lane and experience) pair, profile-major."""
        rows = []
        for profile in profiles:
            for lane_id, years, _ in self.assumptions.hiring_mix:
                lane = self.lane_ids.index(lane_id)
                credit = int(self.lane_credits[lane])
                growth = credit // self.shape.credit_per_growth_step if self.shape.credit_per_growth_step else 0
                row = [0] * len(KEY_COLUMNS)
                row[STEP] = self.assumptions.hire_step(self.rules, year, lane_id, years)
                row[LANE], row[GROWTH], row[CREDIT] = lane, growth, credit * CREDIT_UNIT
                row[SERVICE] = min(years, self.shape.service_cap) if self.shape.use_service else 0
                row[DEGREE], row[PROFILE] = int(self.lane_degree[lane]), int(profile)
                rows.append(row)
        return np.array(rows, dtype=np.int64).reshape(-1, len(KEY_COLUMNS))
