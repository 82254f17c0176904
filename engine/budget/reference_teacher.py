"""The per-teacher reference's teacher: a share of one teacher (in 10,000ths) and their state, and the model of
one projection: what the rules can tell apart, a teacher-year's pay through the teacher engine's own function,
moving on a year, and a hire. Shares no code with the fast engine (`engine.budget.projection`); the model is
told in words in `engine.budget.reference`."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from engine.budget.roster import RosterTeacher
from engine.budget.scenario import Assumptions
from engine.errors import RuleInputError
from engine.money import ZERO, round_money
from engine.pay.additions import Placement, addition_applies, role_check
from engine.pay.cells import next_step, schedule_for, step_cap
from engine.pay.credit import base_credits, earned_lane, lane_after_move, lanes_on, micro_credential_hours
from engine.rules import DEGREES, DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.progress import Position
from engine.teacher.state import pay_in_year

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
    new_lane: str | None = None   # a lane change part-way through the first year, paid for `share` of it
    share: Decimal = ZERO

    def placement(self) -> Placement:
        t = self.like
        return Placement(step=self.step, lane=self.lane, fte=self.fte, degree=self.degree, band=t.band,
                         years_of_service=self.service, subjects=t.subjects, certifications=t.certifications,
                         certified=t.certified, growth_steps=self.growth, micro_credentials_total=self.micro_credentials,
                         role=self.role)


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
                0 if t.role is None else 1 + [r.id for r in self.rules.roles].index(t.role), t.now,
                0 if t.new_lane is None else 1 + self.lane_order.index(t.new_lane), int(t.share * PARTS))

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
        # A lane change part-way through the roster's year: paid for its share in that year, or (a later first
        # year) already the teacher's lane. Their credit shows the new lane either way.
        after_roster_year = roster_year is not None and first.start > SchoolYear.from_label(roster_year).start
        lane = t.new_lane or t.lane
        new_lane, share = (None, ZERO) if after_roster_year or t.new_lane is None else (t.new_lane, t.new_lane_share)
        credit = max(t.credit_hours, base_credits(rules.lane(lane), degree))
        phases = progress = 0
        if self.by_phases:
            phases = t.micro_credentials // rule.per_growth_step
            if rule.max_growth_steps is not None and phases >= rule.max_growth_steps:
                phases = rule.max_growth_steps
            else:
                progress = t.micro_credentials - phases * rule.per_growth_step
        per_step = rules.counting.credit_hours_per_growth_step
        growth = phases + (int(credit) // per_step if per_step else 0)
        if self.combine:
            # Micro-credential hours are credit too (lane_credit adds them): the lane shows at least its own
            # credits, and what earned it is not counted again.
            credit = max(t.credit_hours, base_credits(rules.lane(lane), degree) - micro_credential_hours(rules, t.micro_credentials))
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
        return Teacher(t.employee_id, t, PARTS, t.fte, degree, profile, t.step, t.lane if new_lane else lane, growth,
                       phases, progress, t.micro_credentials, credit, service, role=t.role,
                       now=t.micro_credentials_this_year, new_lane=new_lane, share=share)

    # --- a year's pay ----------------------------------------------------------------------------------

    def pay(self, year: SchoolYear, t: Teacher, earner: bool) -> tuple[Decimal, dict[str, Decimal], bool, Decimal]:
        """Base pay, each addition by name, and role eligibility of one teacher in one year."""
        key = ("pay", year.label, t.step, t.lane, t.growth, t.micro_credentials, t.service, t.degree, t.fte,
               t.like.band, t.like.subjects, t.like.certifications, t.like.certified, earner, t.role, t.now, t.new_lane,
               t.share)
        return self._remember(key, lambda: self._pay_now(year, t, earner))

    def _pay_now(self, year: SchoolYear, t: Teacher, earner: bool) -> tuple[Decimal, dict[str, Decimal], bool]:
        # The teacher engine's own pay function: a teacher-year here is paid as on the teacher's pages. The
        # micro-credentials of the year: those the roster says were earned in its year, and the uptake's.
        position = Position(t.step, t.lane, t.degree, t.growth, t.phases)
        this_year = self._counted(t.now + (self.earned if earner else 0)) if t.now else (self.counted if earner else 0)
        moves = [(t.share, replace(position, lane=t.new_lane), "part-way")] if t.new_lane else []
        base, lines, _, _ = pay_in_year(self.rules, year, position, t.placement(), this_year, moves=moves,
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
        t = replace(t, service=t.service + 1, earning=earner, now=0, lane=t.new_lane or t.lane, new_lane=None, share=ZERO)
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
