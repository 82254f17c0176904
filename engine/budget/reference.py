"""The per-teacher projection reference: the budget model written again, one teacher at a time.

It shares no code with the fast engine (`engine.budget.projection`): each teacher-year is paid by the
teacher engine's own function (`engine.teacher.state.pay_in_year`, the one the teacher's pages use),
lanes, steps and roles come from the pay engine's Decimal functions (`engine.pay`), the scenario's rules from
`engine.budget.scenario`, and the model below from its words. The fast engine must give the same
expected values to the cent, and both must give the hand-worked cases in tests/finance/projection_cases/.

The model, year by year (expected values):

1. Uptake. Earners are a cohort that persists: of the teachers who earned micro-credentials last year,
   persistence% earn again; of the others (everyone in the first year, and every hire), uptake% start.
   Where persistence equals uptake, earning last year changes nothing, and uptake% of the head count
   earn. Each earns `micro_credentials_per_participant` micro-credentials this year; as many of them
   count as the district allows in a year (none below its yearly minimum, at most its yearly maximum).
   Earners are paid any per-micro-credential stipend for them this year.
2. Pay. Base = the schedule cell (step, lane, growth steps) x FTE, rounded by the district's line
   rule; every addition the rules give the teacher (`addition_lines`); a scenario's new role, held by
   role-share% of the teachers eligible for it (`role_check`: years of service and micro-credentials
   held; the roster holds no ratings, so a role that asks for one has no holders), each paid its
   supplement; the program cost for every micro-credential earned (counted or not).
3. Benefits. Social Security (where paid) on all pay but what each teacher's base pay and additions
   pass the wage base of the calendar year the school year starts in (a role supplement is taxed in
   full); Medicare (where paid) and the retirement rate on all pay, stipends and supplements included;
   each rounded half up to the cent on the year's total; health per head. One-time cost is the
   per-micro-credential stipends with their Social Security, Medicare and retirement, plus the program
   cost; the rest of the total recurs.
4. Leavers, at the year's end: attrition% of the head count leave. Of them, retiree-share% retire,
   taken only from teachers at the top step of their lane (as many as there are); the other leavers
   come from everyone else (as many as there are).
5. Survivors move into the next year: one more year of service; a step (unless that year is a
   freeze) by `next_step` under the step cap; the micro-credentials they earned count toward growth
   steps (a phase of `per_growth_step`, at most `max_growth_steps`) or toward lanes as hours; then
   they move to the rightmost lane their degree and credit earn (one lane at most where the district
   allows one lane change a year).
6. Hires replace leavers one for one at the hiring step, split by the scenario's lane mix, each with
   a leaver's pay profile (FTE, band, subjects, certifications); a hire holds the lane's credit (and
   the growth steps that credit gives), no micro-credentials and no service.

Exact expected values. A teacher is held in 10,000ths, so 8% of a teacher is 800 parts and every sum
is exact. Each target (earners, leavers, retirees; role holders of the eligible) is a head count times
its rate, rounded half up to a part; hires equal the leavers. A target is handed out by largest
remainder (ties to the first) over groups of teachers in the same state, taken in the state's order:
step, lane (in rule-file order), growth steps, growth steps from micro-credentials, micro-credentials
toward the next phase, micro-credentials held, lane credit, years of service, degree, pay profile, earned
last year (only where persistence differs from uptake).
Earners are handed out over the groups of each pool (last year's earners, then the others) apart.
Only what the rules can tell apart makes a state: lane credit counts micro-credential hours where
they combine with other credit, and stops at the most any lane asks of the teacher's degree;
micro-credentials held and years of service count only when a rule looks at them (a role, a lane by
micro-credential hours; longevity, a years condition, a role) and stop at the last threshold; progress
toward a phase is nothing once every phase is held. Pay profiles are numbered by (FTE, which additions
the band, subjects and certifications allow). Earners and leavers are split group by group, each
group's non-earners before its earners; hires are split by lane, then by profile in profile order.
Money sums are the exact sum of each teacher's pay times their share, rounded half up to the cent.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from engine.budget.roster import Roster, RosterTeacher
from engine.budget.scenario import Assumptions, Scenario, prepare
from engine.budget.units import add_years, pieces
from engine.errors import RuleInputError
from engine.money import ZERO, money_str, round_money
from engine.pay.additions import Placement, addition_applies, role_check
from engine.pay.cells import lines_round, next_step, schedule_for, step_cap
from engine.pay.credit import base_credits, earned_lane, lane_after_move, lanes_on, micro_credential_hours
from engine.rules import DEGREES, DistrictRules, dated_value
from engine.teacher.progress import Position
from engine.teacher.state import pay_in_year
from engine.school_year import SchoolYear

PARTS = 10_000          # a teacher is held in 10,000ths
HUNDRED = Decimal(100)


def _part_round(value: Decimal) -> int:
    """A number of parts of a teacher, rounded half up to a whole part."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _cents(amount_times_parts: Decimal) -> Decimal:
    """A sum of (amount x parts) as dollars, rounded half up (away from zero) to the cent."""
    return round_money(amount_times_parts / PARTS)


def _heads(parts: int) -> str:
    return str((Decimal(parts) / PARTS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """`total` handed out in proportion to `weights`: whole shares first, then one more to the largest remainders."""
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    extra = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:total - sum(shares)]
    for i in extra:
        shares[i] += 1
    return shares


@dataclass
class Teacher:
    """A share of one teacher (in 10,000ths) and their state in a school year."""

    who: str
    like: RosterTeacher       # band, subjects, certifications and certification status
    parts: int
    fte: Decimal
    degree: str
    profile: int
    step: int
    lane: str
    growth: int               # growth steps held, from micro-credentials and from credit
    phases: int               # growth steps from micro-credentials
    progress: int             # micro-credentials toward the next phase
    micro_credentials: int    # held in all
    credit: Decimal           # hours beyond the degree, from courses
    service: int              # whole years
    earning: bool = False     # earned micro-credentials last year (a cohort that persists)
    role: str | None = None   # a district role held on the roster: paid its supplement while they stay
    now: int = 0              # micro-credentials the roster says were earned in its year (paid in the first year)

    def placement(self) -> Placement:
        t = self.like
        return Placement(step=self.step, lane=self.lane, fte=self.fte, degree=self.degree, band=t.band,
                         years_of_service=self.service, subjects=t.subjects, certifications=t.certifications,
                         certified=t.certified, growth_steps=self.growth, micro_credentials_total=self.micro_credentials,
                         role=self.role)


@dataclass
class ReferenceProjection:
    """Expected values of a projection, year by year, as the fast engine's JSON shows them."""

    district_id: str
    scenario: str
    years: list[dict]
    groups: int = 0           # distinct states in the first year
    seed: int | None = None


class _Model:
    """The rules and assumptions of one projection, and what the rules can tell apart (the state)."""

    def __init__(self, rules: DistrictRules, assumptions: Assumptions):
        self.rules, self.assumptions = rules, assumptions
        rule = rules.micro_credentials
        self.role = rules.role(assumptions.role_id) if assumptions.role_id else None
        self.by_phases = rule.counts_toward == "growth_steps" and bool(rule.per_growth_step)
        self.by_hours = rule.counts_toward == "lanes" and rule.credit_hours_each > 0
        self.combine = self.by_hours and rule.combine_with_other_credit
        self.lane_order = [lane.id for lane in rules.lanes]
        self.most_credit = {degree: max([Decimal(need.credits) for lane in rules.lanes
                                         for need in [lane] + list(lane.equivalent) if need.degree == degree],
                                        default=ZERO) for degree in DEGREES}
        years = {y for a in rules.additions if a.kind == "longevity" for y in (a.at_years or [])}
        years |= {a.eligibility.min_years for a in rules.additions if a.eligibility.min_years is not None}
        if self.role is not None and self.role.min_years:
            years.add(self.role.min_years)
        years |= {payment.min_years for _, payment in assumptions.one_time if payment.min_years is not None}
        self.last_service = max(years) if years else None
        counts = [self.role.micro_credentials] if self.role is not None and self.role.micro_credentials else []
        if self.by_hours and not self.combine:
            most = max(self.most_credit.values())
            counts.append(int((most / rule.credit_hours_each).to_integral_value(rounding=ROUND_CEILING)))
        self.last_count = max(counts) if counts else None
        earned = assumptions.micro_credentials_per_participant
        counting = rules.counting
        counted = 0 if 0 < earned < counting.min_micro_credentials_per_year else earned
        if counting.max_micro_credentials_per_year is not None:
            counted = min(counted, counting.max_micro_credentials_per_year)
        self.earned, self.counted = earned, counted
        self._memo: dict = {}
        self.additions = {a.name: a for a in rules.additions}

    # --- the state -----------------------------------------------------------------------------------

    def lane_credit(self, t: Teacher) -> Decimal:
        """Credit measured against lanes: course credit, with micro-credential hours where they count."""
        hours = micro_credential_hours(self.rules, t.micro_credentials) if self.by_hours else ZERO
        if self.combine:
            return t.credit + hours
        if self.by_hours:
            return max(t.credit, base_credits(self.rules.lane(t.lane), t.degree) + hours)
        return t.credit

    def state(self, t: Teacher) -> tuple:
        """What the rules can tell apart about a teacher, in the order groups are taken."""
        rule = self.rules.micro_credentials
        held_all = rule.max_growth_steps is not None and t.phases >= rule.max_growth_steps
        credit = min(t.credit + (micro_credential_hours(self.rules, t.micro_credentials) if self.combine else ZERO),
                     self.most_credit[t.degree])
        return (t.step, self.lane_order.index(t.lane), t.growth, t.phases, 0 if held_all else t.progress,
                min(t.micro_credentials, self.last_count) if self.last_count is not None else 0, credit,
                min(t.service, self.last_service) if self.last_service is not None else 0,
                DEGREES.index(t.degree), t.profile, int(t.earning and self.assumptions.cohorts),
                0 if t.role is None else 1 + [r.id for r in self.rules.roles].index(t.role), t.now)

    def profile(self, fte: Decimal, like: RosterTeacher) -> tuple:
        """FTE, and which additions a teacher's band, subjects and certifications allow (degree and years apart)."""
        probe = Placement(step=0, lane=self.rules.lanes[0].id, degree="doctorate", band=like.band,
                          years_of_service=10**6, subjects=tuple(like.subjects),
                          certifications=tuple(like.certifications), certified=like.certified)
        allowed = []
        for addition in self.rules.additions:
            wide = addition.eligibility.model_copy(update={"degrees": None, "min_years": None, "roles": None})
            allowed.append(int(addition_applies(addition.model_copy(update={"eligibility": wide}), self.rules, probe)))
        return int(fte * 100), tuple(allowed)

    def start(self, t: RosterTeacher, profile: int, first: SchoolYear, roster_year: str | None = None) -> Teacher:
        """A roster teacher as the projection's first year finds them."""
        rule, rules = self.rules.micro_credentials, self.rules
        degree = t.degree or rules.lane(t.lane).degree
        credit = max(t.credit_hours, base_credits(rules.lane(t.lane), degree))
        phases = progress = 0
        if self.by_phases:
            phases = t.micro_credentials // rule.per_growth_step
            if rule.max_growth_steps is not None and phases >= rule.max_growth_steps:
                phases = rule.max_growth_steps
            else:
                progress = t.micro_credentials - phases * rule.per_growth_step
        per_step = rules.counting.credit_hours_per_growth_step
        growth = phases + (int(credit) // per_step if per_step else 0)
        if t.growth_steps is not None:
            growth = t.growth_steps          # as HR keeps them
        if t.years_of_service is not None:
            # HR's years, advanced a year a year from the roster's school year.
            later = first.start.year - SchoolYear.from_label(roster_year).start.year if roster_year else 0
            service = t.years_of_service + max(0, later)
        elif t.hire_date is None:
            service = t.step
        else:
            begins = first.start
            service = max(0, begins.year - t.hire_date.year - ((begins.month, begins.day) < (t.hire_date.month, t.hire_date.day)))
        return Teacher(t.employee_id, t, PARTS, t.fte, degree, profile, t.step, t.lane, growth, phases, progress,
                       t.micro_credentials, credit, service, role=t.role, now=t.micro_credentials_this_year)

    # --- a year's pay ----------------------------------------------------------------------------------

    def pay(self, year: SchoolYear, t: Teacher, earner: bool) -> tuple[Decimal, dict[str, Decimal], bool, Decimal]:
        """Base pay, each addition by name, and role eligibility of one teacher in one year."""
        key = ("pay", year.label, t.step, t.lane, t.growth, t.micro_credentials, t.service, t.degree, t.fte,
               t.like.band, t.like.subjects, t.like.certifications, t.like.certified, earner, t.role, t.now)
        return self._remember(key, lambda: self._pay_now(year, t, earner))

    def _pay_now(self, year: SchoolYear, t: Teacher, earner: bool) -> tuple[Decimal, dict[str, Decimal], bool]:
        # The teacher engine's own pay function: a teacher-year here is paid as on the teacher's pages. The
        # micro-credentials of the year: those the roster says were earned in its year, and the uptake's.
        position = Position(t.step, t.lane, t.degree, t.growth, t.phases)
        this_year = self._counted(t.now + (self.earned if earner else 0)) if t.now else (self.counted if earner else 0)
        base, lines, _, _ = pay_in_year(self.rules, year, position, t.placement(), this_year,
                                        roles={t.role} if t.role else frozenset())
        eligible = self.role is not None and role_check(self.rules, self.role, year, t.placement()).eligible
        return base.amount, {line.name: line.amount for line in lines if line.kind != "role"}, eligible, \
            sum((line.amount for line in lines if line.kind == "role"), ZERO)

    def _counted(self, earned: int) -> int:
        counting = self.rules.counting
        counted = 0 if 0 < earned < counting.min_micro_credentials_per_year else earned
        if counting.max_micro_credentials_per_year is not None:
            counted = min(counted, counting.max_micro_credentials_per_year)
        return counted

    # --- moving on -------------------------------------------------------------------------------------

    def advance(self, following: SchoolYear, t: Teacher, earner: bool) -> Teacher:
        """The same teacher one school year later (step, micro-credentials, lane)."""
        rules, rule = self.rules, self.rules.micro_credentials
        t = replace(t, service=t.service + 1, earning=earner, now=0)
        if following.label not in rules.steps.freeze_years:
            t.step = self._remember(("step", following.label, t.step, t.lane),
                                    lambda: self._next_step(following, t.step, t.lane))
        counted = self.counted if earner else 0
        t.micro_credentials += counted
        if self.by_phases and counted:
            t.progress += counted
            while t.progress >= rule.per_growth_step and (rule.max_growth_steps is None or t.phases < rule.max_growth_steps):
                t.progress -= rule.per_growth_step
                t.phases += 1
                t.growth += 1
        credit = self.lane_credit(t)
        target = self._remember(("lane", following.label, t.degree, credit), lambda: self._earned_lane(following, t.degree, credit))
        order = self._remember(("lanes", following.label), lambda: [lane.id for lane in lanes_on(rules, following)])
        if target is not None:
            t.lane = lane_after_move(order, t.lane, target, rules.counting.lane_changes_per_year)
        return t

    def _next_step(self, following: SchoolYear, step: int, lane: str) -> int:
        schedule, _, _ = schedule_for(self.rules, following)
        return next_step(schedule, step, self.rules.steps.advance_per_year, step_cap(self.rules, schedule, lane), lane)

    def _earned_lane(self, following: SchoolYear, degree: str, credit: Decimal) -> str | None:
        try:
            return earned_lane(self.rules, following, degree, credit).id
        except RuleInputError:
            return None

    def _remember(self, key: tuple, compute):
        """The pay engine's answer for a key, asked once (its schedule look-ups are slow, not wrong)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def hire(self, following: SchoolYear, lane_id: str, like: Teacher, profile: int, parts: int, years: int = 0) -> Teacher:
        """A hire: the lane's credit, placed past the hiring step by their years of prior experience (credited as service)."""
        lane = self.rules.lane(lane_id)
        per_step = self.rules.counting.credit_hours_per_growth_step
        step = self.assumptions.hiring_step
        if years:
            schedule, _, _ = schedule_for(self.rules, following)
            step = next_step(schedule, step, years, step_cap(self.rules, schedule, lane_id), lane_id)
        return Teacher(f"hire {following.label} {lane_id} {years} {profile}", like.like, parts, like.fte, lane.degree,
                       profile, step, lane_id, lane.credits // per_step if per_step else 0, 0, 0, 0,
                       Decimal(lane.credits), years)


def _take(members: list[Teacher], parts: int) -> tuple[list[Teacher], list[Teacher]]:
    """`parts` of a group shared among its teachers by largest remainder: (taken, left)."""
    taken, left = [], []
    for t, share in zip(members, largest_remainder(parts, [m.parts for m in members])):
        if share:
            taken.append(replace(t, parts=share))
        if t.parts - share:
            left.append(replace(t, parts=t.parts - share))
    return taken, left


def _grouped(model: _Model, teachers: list[Teacher]) -> list[tuple[tuple, list[Teacher]]]:
    found: dict[tuple, list[Teacher]] = defaultdict(list)
    for t in teachers:
        found[model.state(t)].append(t)
    return sorted(found.items())


def _merged(teachers: list[Teacher]) -> list[Teacher]:
    """Shares of the same teacher in the same full state become one."""
    merged: dict[tuple, Teacher] = {}
    for t in teachers:
        key = (t.who, t.step, t.lane, t.growth, t.phases, t.progress, t.micro_credentials, t.credit, t.service,
               t.degree, t.profile, t.earning, t.role, t.now)
        if key in merged:
            merged[key].parts += t.parts
        else:
            merged[key] = t
    return list(merged.values())


def project_reference(rules: DistrictRules, scenario: Scenario, roster: Roster) -> ReferenceProjection:
    """Expected values, one teacher at a time: each bargaining unit and funding source on its own, added up."""
    parts = pieces(rules, scenario, roster)
    done = [_project_piece(piece.rules, piece.scenario, piece.roster) for piece in parts]
    if len(done) == 1:
        return done[0]
    return ReferenceProjection(rules.id, scenario.name, add_years([p.years for p in done]),
                               groups=sum(p.groups for p in done), seed=scenario.seed)


def _project_piece(rules: DistrictRules, scenario: Scenario, roster: Roster) -> ReferenceProjection:
    """Expected values of one unit and funding source, one teacher at a time."""
    changed, assumptions = prepare(rules, scenario)
    model = _Model(changed, assumptions)
    years = assumptions.school_years()
    on_roster = list(roster.teachers())
    number = {profile: i for i, profile in enumerate(sorted({model.profile(t.fte, t) for t in on_roster}))}
    teachers = [model.start(t, number[model.profile(t.fte, t)], years[0], roster.school_year) for t in on_roster]
    out: list[dict] = []
    groups = len(_grouped(model, teachers))
    for k, year in enumerate(years):
        halves = _uptake(model, teachers)
        out.append(_figures(model, year, halves))
        if k + 1 < len(years):
            teachers, turnover = _year_end(model, year, years[k + 1], halves)
            out[-1].update(turnover)
    return ReferenceProjection(rules.id, scenario.name, out, groups=groups, seed=scenario.seed)


Halves = list[tuple[tuple, list[Teacher], bool]]   # (state, teachers, earn this year), non-earners first


def _uptake(model: _Model, teachers: list[Teacher]) -> Halves:
    """1. Who earns micro-credentials this year, handed out group by group in the state's order."""
    grouped = _grouped(model, teachers)
    assumptions = model.assumptions
    pools = [(lambda state: True, assumptions.uptake_percent)]
    if assumptions.cohorts:
        # The state's eleventh part: earned micro-credentials last year.
        pools = [(lambda state: state[10] == 1, assumptions.persistence_percent),
                 (lambda state: state[10] == 0, assumptions.uptake_percent)]
    earners_of: dict[tuple, int] = {}
    for in_pool, rate in pools:
        members = [(state, m) for state, m in grouped if in_pool(state)]
        target = _part_round(Decimal(sum(_parts(m) for _, m in members)) * rate / HUNDRED)
        for (state, _), earners in zip(members, largest_remainder(target, [_parts(m) for _, m in members])):
            earners_of[state] = earners
    halves: Halves = []
    for state, members in grouped:
        earning, staying = _take(members, earners_of[state])
        halves += [(state, staying, False), (state, earning, True)]
    return halves


def _parts(teachers: list[Teacher]) -> int:
    return sum(t.parts for t in teachers)


def _year_end(model: _Model, year: SchoolYear, following: SchoolYear, halves: Halves) -> tuple[list[Teacher], dict]:
    """4-6. Leavers, survivors moved on, and hires: next year's teachers, and the year's turnover."""
    assumptions = model.assumptions
    schedule, _, _ = schedule_for(model.rules, year)
    last = {lane: schedule.last_step(lane) for lane in schedule.lanes}
    lane_of = lambda state: model.lane_order[state[1]]  # noqa: E731
    tops = [lane_of(state) in last and state[0] >= last[lane_of(state)] for state, _, _ in halves]
    headcount = sum(_parts(m) for _, m, _ in halves)
    at_top = sum(_parts(m) for (_, m, _), top in zip(halves, tops) if top)
    leaving = _part_round(Decimal(headcount) * assumptions.attrition_percent / HUNDRED)
    retiring = min(leaving, _part_round(Decimal(headcount) * assumptions.attrition_percent
                                        * assumptions.retiree_share_percent / (HUNDRED * HUNDRED)))
    retirees = min(retiring, at_top)
    others = min(leaving - retirees, headcount - at_top)
    retire = iter(largest_remainder(retirees, [_parts(m) for (_, m, _), top in zip(halves, tops) if top]))
    other = iter(largest_remainder(others, [_parts(m) for (_, m, _), top in zip(halves, tops) if not top]))
    survivors: list[Teacher] = []
    left_by_profile: dict[int, int] = defaultdict(int)
    like: dict[int, Teacher] = {}
    for (_, members, earner), top in zip(halves, tops):
        gone, staying = _take(members, next(retire) if top else next(other))
        for t in gone:
            left_by_profile[t.profile] += t.parts
            like.setdefault(t.profile, t)
        survivors += [model.advance(following, t, earner) for t in staying]
    # Hires, by lane and then by profile (in profile order).
    order = sorted(left_by_profile)
    total = sum(left_by_profile.values())
    hires: list[Teacher] = []
    # The hiring mix: each lane's share times each share of prior experience, lane by lane.
    mix = [(lane, years, int(lane_share * share * 100)) for lane, lane_share in assumptions.hiring_lanes
           for years, share in assumptions.hiring_experience]
    for (lane_id, years, _), lane_parts in zip(mix, largest_remainder(total, [weight for _, _, weight in mix])):
        for profile, parts in zip(order, largest_remainder(lane_parts, [left_by_profile[p] for p in order])):
            if parts:
                hires.append(model.hire(following, lane_id, like[profile], profile, parts, years))
    turnover = {"leavers": _heads(total), "retirees": _heads(retirees), "hires": _heads(_parts(hires))}
    return _merged(survivors + hires), turnover


def _figures(model: _Model, year: SchoolYear, halves: Halves) -> dict:
    """2-3. One school year's pay and benefits, as the fast engine's JSON shows them."""
    rules, assumptions = model.rules, model.assumptions
    base, fte, eligible, over, held_roles, payments, pensionable = ZERO, ZERO, 0, ZERO, ZERO, ZERO, ZERO
    roles_not_pensionable = ZERO
    offered = assumptions.one_time_in(year)
    additions: dict[str, Decimal] = {a.name: ZERO for a in rules.additions}
    wage_base = assumptions.wage_base_in(rules, year)
    for _, members, earner in halves:
        for t in members:
            pay, lines, may_hold, role_pay = model.pay(year, t, earner)
            base += pay * t.parts
            held_roles += role_pay * t.parts
            if t.role is not None and not rules.role(t.role).pensionable:
                roles_not_pensionable += role_pay * t.parts
            for payment in offered:
                if payment.qualifies(t.lane, t.step, t.service):
                    owed = lines_round(rules, payment.amount * t.fte if payment.amount is not None
                                       else pay * payment.percent / HUNDRED)
                    payments += owed * t.parts
                    pensionable += owed * t.parts if payment.pensionable else ZERO
            for name, amount in lines.items():
                additions[name] += amount * t.parts
            if wage_base is not None:
                over += max(ZERO, pay + sum(lines.values(), ZERO) - wage_base) * t.parts
            fte += t.fte * t.parts
            eligible += t.parts if may_hold else 0
    headcount = sum(_parts(m) for _, m, _ in halves)
    participants = sum(_parts(m) for _, m, earner in halves if earner)
    base_pay = _cents(base)
    by_name = {name: _cents(amount) for name, amount in additions.items()}
    one_time_names = {a.name for a in rules.additions if a.kind == "per_micro_credential"}
    stipends = sum((amount for name, amount in by_name.items() if name in one_time_names), ZERO)
    holders, supplement = 0, ZERO
    if model.role is not None:
        holders = _part_round(Decimal(eligible) * assumptions.role_share_percent / HUNDRED)
        supplement = lines_round(rules, dated_value(model.role.supplement, year.start) or ZERO)
    roles = _cents(supplement * holders) + _cents(held_roles)
    program = _cents(_to_cent(assumptions.program_cost_per_micro_credential) * participants * model.earned)
    payments, pensionable = _cents(payments), _cents(pensionable)
    pay = base_pay + sum(by_name.values(), ZERO) + roles + payments
    ss_rate, medicare_rate = assumptions.social_security_percent, assumptions.medicare_percent
    retirement_rate = assumptions.retirement_in(rules, year)
    share = lambda amount, rate: round_money(amount * rate / HUNDRED)  # noqa: E731
    social_security, medicare = share(pay - _cents(over), ss_rate), share(pay, medicare_rate)
    not_pensionable = sum((amount for name, amount in by_name.items() if not model.additions[name].pensionable), ZERO)
    not_pensionable += _cents(roles_not_pensionable)
    fica, retirement = social_security + medicare, share(pay - payments + pensionable - not_pensionable, retirement_rate)
    pensionable_stipends = sum((amount for name, amount in by_name.items()
                                if name in one_time_names and model.additions[name].pensionable), ZERO)
    health = _cents(_to_cent(assumptions.health_in(rules, year)) * headcount)
    total = pay + fica + retirement + health + program
    one_time = (stipends + share(stipends, ss_rate) + share(stipends, medicare_rate) + share(pensionable_stipends, retirement_rate)
                + program + payments + share(payments, ss_rate) + share(payments, medicare_rate)
                + share(pensionable, retirement_rate))
    # The cost of 1% on the schedule: 1% of base pay, with its Social Security, Medicare and retirement.
    one_percent = share(base_pay, Decimal(1))
    cost_of_one_percent = (one_percent + share(one_percent, ss_rate) + share(one_percent, medicare_rate)
                           + share(one_percent, retirement_rate))
    money = money_str
    return {
        "school_year": year.label, "headcount": _heads(headcount),
        "fte": str((fte / PARTS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "participants": _heads(participants), "micro_credentials": _heads(participants * model.earned),
        "role_holders": _heads(holders), "leavers": _heads(0), "retirees": _heads(0), "hires": _heads(0),
        "base_pay": money(base_pay), "additions": money(pay - base_pay - roles - payments), "role_supplements": money(roles),
        "one_time_payments": money(payments), "cost_of_one_percent": money(cost_of_one_percent),
        "pay": money(pay), "social_security": money(social_security), "medicare": money(medicare), "fica": money(fica), "retirement": money(retirement), "health": money(health),
        "benefits": money(fica + retirement + health), "program_cost": money(program), "total": money(total),
        "one_time": money(one_time), "recurring": money(total - one_time),
        "additions_by_kind": {name: money(amount) for name, amount in by_name.items()},
    }


def _to_cent(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
