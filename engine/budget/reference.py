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

Where each part lives: a teacher, their state, a year's pay and moving on (`reference_teacher`); uptake,
leavers, retirees and hires (`reference_turnover`); a year's pay and benefits summed (`reference_costs`).
None of them imports from `engine.budget.projection`.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.budget.reference_costs import _figures
from engine.budget.reference_teacher import _Model
from engine.budget.reference_turnover import _grouped, _uptake, _year_end
from engine.budget.roster import Roster
from engine.budget.scenario import Scenario, prepare
from engine.budget.units import add_years, pieces
from engine.rules import DistrictRules


@dataclass
class ReferenceProjection:
    """Expected values of a projection, year by year, as the fast engine's JSON shows them."""

    district_id: str
    scenario: str
    years: list[dict]
    groups: int = 0           # distinct states in the first year
    seed: int | None = None


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
