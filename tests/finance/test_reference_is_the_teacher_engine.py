"""A one-teacher projection pays each year what the teacher's own timeline shows (issue 9): generated teachers
with no credit waiting to be used, no attrition, no uptake: the per-teacher reference's pay (base, additions)
equals the walk of the same teacher's record, year by year, to the cent."""
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import load_districts
from engine.budget.reference import project_reference
from engine.budget.roster import Roster, RosterTeacher
from engine.budget.scenario import Scenario, first_year
from engine.pay.credit import base_credits
from engine.teacher.record import Opening, PlacementRecord, TeacherRecord
from engine.teacher.state import Walk, walk

DISTRICTS = load_districts()


@st.composite
def teachers(draw):
    rules = DISTRICTS[draw(st.sampled_from(sorted(DISTRICTS)))]
    start = first_year(rules, Scenario(name="x", district_id=rules.id))
    schedule = rules.adopted_schedule(start)[1]
    lane_index = draw(st.integers(0, len(schedule.lanes) - 1))
    lane = schedule.lanes[lane_index]
    steps = [r.first for r in schedule.rows if not r.reserved
             and ((r.index or r.amounts) or [None] * len(schedule.lanes))[lane_index] is not None]
    rule = rules.micro_credentials
    # Credit already shown by the lane, and micro-credentials only where they do not count toward lanes.
    held = draw(st.integers(0, 40)) if rule.counts_toward != "lanes" else 0
    teacher = RosterTeacher(
        employee_id="T1", step=draw(st.sampled_from(steps)), lane=lane,
        fte=draw(st.sampled_from([Decimal("1.00"), Decimal("0.50"), Decimal("0.80")])),
        hire_date=draw(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2026, 6, 30)))),
        band=draw(st.sampled_from([None, "3", "5", "6"])), micro_credentials=held,
        credit_hours=base_credits(rules.lane(lane), rules.lane(lane).degree),
        subjects=tuple(draw(st.lists(st.sampled_from(["math", "ela", "science"]), max_size=2, unique=True))),
        certifications=tuple(draw(st.lists(st.sampled_from(["nbct", "esl_endorsement"]), max_size=2, unique=True))),
        certified=draw(st.booleans()))
    return rules, start, teacher


@settings(max_examples=40, deadline=None)
@given(teachers())
def test_a_one_teacher_projection_pays_what_the_teacher_timeline_shows(case):
    rules, start, t = case
    scenario = Scenario(name="one teacher", district_id=rules.id, years=4, attrition_percent=Decimal(0),
                        uptake_percent=Decimal(0))
    projected = project_reference(rules, scenario, Roster.from_teachers(rules.id, [t], rules)).years
    rule = rules.micro_credentials
    phases = 0
    if rule.counts_toward == "growth_steps" and rule.per_growth_step:
        phases = t.micro_credentials // rule.per_growth_step
        if rule.max_growth_steps is not None:
            phases = min(phases, rule.max_growth_steps)
    record = TeacherRecord(
        placements=(PlacementRecord(start.label, t.step, t.lane, t.fte, t.degree, t.band),), hire_date=t.hire_date,
        subjects=t.subjects, certifications=t.certifications, certified=t.certified,
        opening=Opening(t.micro_credentials, phases))
    timeline = walk(rules, record, Walk(start, 4, assume_filing=False))
    for year, figures in zip(timeline, projected, strict=True):
        assert Decimal(figures["pay"]) == year.total, year.school_year.label
