"""Properties every district's pay must keep, whatever the placement."""
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import EstimateInput, RuleInputError, estimate, load_districts

DISTRICTS = load_districts()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def placements(draw):
    rules = DISTRICTS[draw(st.sampled_from(sorted(DISTRICTS)))]
    label = draw(st.sampled_from(rules.school_years()))
    schedule = rules.adopted_schedule(rules.year(label))[1]
    lane = draw(st.sampled_from(schedule.lanes))
    step = draw(st.integers(schedule.first_step, schedule.first_step + 25))
    subjects = tuple(draw(st.lists(st.sampled_from(["math", "ela", "science", "art"]), max_size=2)))
    inputs = EstimateInput(
        school_year=label, step=step, lane=lane, years=draw(st.integers(1, 6)),
        fte=draw(st.sampled_from([Decimal("1"), Decimal("0.5"), Decimal("0.8")])),
        band=draw(st.sampled_from([None, "4", "5", "6"])), subjects=subjects,
        years_of_service=draw(st.one_of(st.none(), st.integers(0, 35))),
        certifications=tuple(draw(st.lists(st.sampled_from(["nbct", "esl_endorsement"]), max_size=2))),
        micro_credentials=draw(st.integers(0, 20)), credits=Decimal(draw(st.integers(0, 30))),
        growth_steps=draw(st.integers(0, 2)),
    )
    return rules, inputs


def _run(rules, inputs):
    try:
        return estimate(rules, inputs)
    except RuleInputError:
        assume(False)


@SETTINGS
@given(placements())
def test_totals_are_the_sum_of_their_parts(case):
    rules, inputs = case
    result = _run(rules, inputs)
    running = Decimal(0)
    for year in result.to_json()["timeline"]:
        parts = Decimal(year["base_salary"]) + sum(Decimal(a["amount"]) for a in year["additions"])
        assert Decimal(year["total"]) == parts
        assert Decimal(year["additions_total"]) == parts - Decimal(year["base_salary"])
        running += parts
        assert Decimal(year["cumulative"]) == running
        assert Decimal(year["total"]).as_tuple().exponent == -2, "amounts carry exactly two decimals"


@SETTINGS
@given(placements(), st.integers(1, 30))
def test_more_credit_never_lowers_pay(case, extra):
    rules, inputs = case
    before = _run(rules, inputs)
    after = _run(rules, inputs.__class__(**{**inputs.__dict__, "credits": inputs.credits + extra}))
    for a, b in zip(before.timeline, after.timeline):
        assert b.total >= a.total, f"{a.school_year.label}: {b.total} < {a.total}"


@SETTINGS
@given(placements(), st.integers(1, 20))
def test_more_micro_credentials_never_lower_pay(case, extra):
    rules, inputs = case
    before = _run(rules, inputs)
    after = _run(rules, inputs.__class__(**{**inputs.__dict__, "micro_credentials": inputs.micro_credentials + extra}))
    for a, b in zip(before.timeline, after.timeline):
        assert b.total >= a.total


@SETTINGS
@given(placements())
def test_a_higher_step_never_lowers_base_pay(case):
    rules, inputs = case
    lower = _run(rules, inputs.__class__(**{**inputs.__dict__, "years": 1}))
    higher = _run(rules, inputs.__class__(**{**inputs.__dict__, "years": 1, "step": inputs.step + 1}))
    assert higher.now.base.amount >= lower.now.base.amount


@SETTINGS
@given(placements())
def test_each_year_at_least_keeps_the_last_without_new_credit(case):
    """Pay never falls from one year to the next, unless a step freeze and no COLA say so (none of ours)."""
    rules, inputs = case
    result = _run(rules, inputs.__class__(**{**inputs.__dict__, "micro_credentials": 0, "credits": Decimal(0)}))
    for earlier, later in zip(result.timeline, result.timeline[1:]):
        assert later.base.amount >= earlier.base.amount
