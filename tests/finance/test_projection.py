"""The projection engines: the vectorised engine agrees with the per-teacher reference to the cent, Monte Carlo
is reproducible, benefits load stipends, and scenario changes move costs the way a budget officer expects."""
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.budget.projection import apportion, apportion_array, percent_of, project
from engine.budget.reference import project_reference
from engine.budget.roster import Roster, RosterTeacher, parse_roster, read_table
from engine.budget.scenario import (
    AddedLane,
    LaneCredits,
    LaneShare,
    NewRole,
    Policy,
    Scenario,
    ScenarioError,
    ScheduleChanges,
    prepare,
)
from engine.pay.cells import latest_schedule_year, schedule_for
from tests.finance.conftest import DATA

DISTRICTS = ["cedar-valley", "dysart", "harmony", "prairie-ridge"]


def policy_scenario(rules, **extra) -> Scenario:
    """Every policy and schedule change at once, so both engines meet every path."""
    lanes = schedule_for(rules, latest_schedule_year(rules))[0].lanes
    return Scenario(
        name="Everything", district_id=rules.id, years=7, program_cost_per_micro_credential=Decimal("85.00"),
        policy=Policy(micro_credentials_count_toward_lanes=True, credit_hours_per_micro_credential=Decimal("1.5"),
                      stipend_per_micro_credential=Decimal("200.00"), stipend_cap_per_year=8,
                      new_role=NewRole(min_years=4, micro_credentials=6, supplement=Decimal("2500.00"))),
        schedule=ScheduleChanges(raise_percent=Decimal("2.5"), add_step=True, freeze_years=["2028-29"],
                                 add_lane=AddedLane(id="TOP", degree="master", credits=45, after=lanes[-1]),
                                 lane_credits=[LaneCredits(lane=lanes[-1], credits=9)]),
        hiring_lanes=[LaneShare(lane=lanes[0], percent=Decimal(70)), LaneShare(lane=lanes[-1], percent=Decimal(30))],
        **extra)


@pytest.mark.parametrize("district", DISTRICTS)
def test_vectorised_and_reference_agree_to_the_cent_on_the_baseline(district, shipped, small_rosters):
    rules, roster = shipped[district], small_rosters[district]
    scenario = Scenario(name="Baseline", district_id=district, years=8)
    fast, slow = project(rules, scenario, roster), project_reference(rules, scenario, roster)
    assert fast.years == slow.years
    assert Decimal(fast.years[-1]["total"]) > Decimal(fast.years[0]["total"]) > 0


@pytest.mark.parametrize("district", DISTRICTS)
@pytest.mark.parametrize("worst_case", [False, True], ids=["expected", "worst-case"])
def test_vectorised_and_reference_agree_to_the_cent_under_every_policy(district, worst_case, shipped, small_rosters):
    rules, roster = shipped[district], small_rosters[district]
    scenario = policy_scenario(rules, worst_case=worst_case)
    fast, slow = project(rules, scenario, roster), project_reference(rules, scenario, roster)
    assert fast.years == slow.years
    assert any(Decimal(y["role_supplements"]) > 0 for y in fast.years)
    assert any(Decimal(y["one_time"]) > 0 for y in fast.years)


def test_the_engines_agree_on_an_imported_roster_file(shipped):
    rules = shipped["cedar-valley"]
    headers, rows = read_table((DATA / "cedar-valley-roster.csv").read_bytes(), "roster.csv")
    roster = parse_roster(rules, headers, rows, today=date(2026, 9, 15))
    scenario = policy_scenario(rules)
    assert project(rules, scenario, roster).years == project_reference(rules, scenario, roster).years


def test_monte_carlo_with_the_same_seed_gives_the_same_result(shipped, small_rosters):
    rules, roster = shipped["harmony"], small_rosters["harmony"]
    scenario = policy_scenario(rules, draws=250, seed=99)
    first, second = project(rules, scenario, roster), project(rules, scenario, roster)
    assert first.bands == second.bands
    assert np.array_equal(first.totals_by_draw, second.totals_by_draw)
    other = project(rules, scenario.model_copy(update={"seed": 100}), roster)
    assert not np.array_equal(first.totals_by_draw, other.totals_by_draw)


def test_monte_carlo_bands_surround_the_expected_values(shipped, small_rosters):
    rules, roster = shipped["cedar-valley"], small_rosters["cedar-valley"]
    result = project(rules, policy_scenario(rules, draws=400, seed=5), roster)
    for year, band in zip(result.years, result.bands):
        low, median, high = (Decimal(band[k]) for k in ("p5", "median", "p95"))
        assert low <= median <= high
        # The expected total sits within the band, give or take a little for the spread within cells.
        assert low * Decimal("0.995") <= Decimal(year["total"]) <= high * Decimal("1.005")
    assert Decimal(result.bands[-1]["p95"]) > Decimal(result.bands[-1]["p5"])


def one_teacher(rules, **fields) -> Roster:
    teacher = RosterTeacher(employee_id="A1", step=5, lane=rules.lanes[0].id, **fields)
    return Roster.from_teachers(rules.id, [teacher], rules)


def test_the_benefit_load_applies_to_stipends(shipped):
    # Harmony pays no FICA by default; the scenario turns it on to check the load on stipends.
    rules = shipped["harmony"]
    roster = one_teacher(rules, band="5", subjects=("math",))
    base = Scenario(name="No stipend", district_id="harmony", years=1, uptake_percent=Decimal(100),
                    micro_credentials_per_participant=8, fica_enabled=True, fica_percent=Decimal("7.65"),
                    retirement_percent=Decimal("2.75"))
    stipend = base.model_copy(update={"policy": Policy(stipend_per_micro_credential=Decimal("150.00"))})
    before = project(rules, base, roster).years[0]
    after = project(rules, stipend, roster).years[0]
    extra = Decimal(after["additions"]) - Decimal(before["additions"])
    assert extra == Decimal("1200.00")  # 8 micro-credentials x $150, on top of Harmony's own $200 stipend
    assert Decimal(after["fica"]) - Decimal(before["fica"]) == Decimal("91.80")  # 7.65% of $1,200
    assert Decimal(after["retirement"]) - Decimal(before["retirement"]) == Decimal("33.00")  # 2.75% of $1,200
    pay = Decimal(after["pay"])
    assert Decimal(after["fica"]) == (pay * Decimal("0.0765")).quantize(Decimal("0.01"))
    # Stipends for micro-credentials earned this year are one-time cost, with their payroll taxes.
    assert Decimal(after["one_time"]) == Decimal("2800.00") + Decimal("214.20") + Decimal("77.00")


def test_health_is_per_head_and_fte_scales_pay(shipped):
    rules = shipped["cedar-valley"]
    scenario = Scenario(name="One", district_id="cedar-valley", years=1, uptake_percent=Decimal(0))
    full = project(rules, scenario, one_teacher(rules)).years[0]
    half = project(rules, scenario, one_teacher(rules, fte=Decimal("0.50"))).years[0]
    assert Decimal(half["base_pay"]) * 2 == Decimal(full["base_pay"])
    assert half["health"] == full["health"] == "11000.00"
    assert half["fte"] == "0.50"


def test_a_raise_and_an_added_step_raise_the_cost(shipped, small_rosters):
    rules, roster = shipped["prairie-ridge"], small_rosters["prairie-ridge"]
    plain = Scenario(name="Plain", district_id="prairie-ridge", years=4)
    raised = plain.model_copy(update={"schedule": ScheduleChanges(raise_percent=Decimal(3))})
    a, b = project(rules, plain, roster), project(rules, raised, roster)
    ratio = Decimal(b.years[0]["base_pay"]) / Decimal(a.years[0]["base_pay"])
    assert Decimal("1.029") < ratio < Decimal("1.031")
    # Without turnover (which would move who retires "at the top"), a step added at the top only adds pay.
    still = plain.model_copy(update={"attrition_percent": Decimal(0)})
    stepped = still.model_copy(update={"schedule": ScheduleChanges(add_step=True)})
    assert Decimal(project(rules, stepped, roster).years[-1]["base_pay"]) > Decimal(project(rules, still, roster).years[-1]["base_pay"])


def test_a_freeze_holds_steps_for_a_year(shipped, small_rosters):
    rules, roster = shipped["cedar-valley"], small_rosters["cedar-valley"]
    plain = Scenario(name="Plain", district_id="cedar-valley", years=3, cola_percent=Decimal(0), attrition_percent=Decimal(0))
    frozen = plain.model_copy(update={"schedule": ScheduleChanges(freeze_years=["2027-28"])})
    assert Decimal(project(rules, frozen, roster).years[1]["base_pay"]) < Decimal(project(rules, plain, roster).years[1]["base_pay"])


def test_micro_credentials_toward_lanes_cost_more_than_the_baseline(shipped, small_rosters):
    rules, roster = shipped["harmony"], small_rosters["harmony"]
    # Harmony has one lane; give it a second one that 15 hours of micro-credential credit reaches.
    scenario = Scenario(name="Lanes", district_id="harmony", years=5, policy=Policy(micro_credentials_count_toward_lanes=True),
                        schedule=ScheduleChanges(add_lane=AddedLane(id="T+15", degree="bachelor", credits=15, after="T",
                                                                     percent_over=Decimal(5))))
    chosen = project(rules, scenario, roster)
    baseline = project(rules, scenario.baseline(), roster)
    assert Decimal(chosen.years[-1]["base_pay"]) > Decimal(baseline.years[-1]["base_pay"])
    assert chosen.years[0]["base_pay"] == baseline.years[0]["base_pay"]  # moves take effect from the next year


def test_worst_case_costs_at_least_the_expected_case(shipped, small_rosters):
    rules, roster = shipped["harmony"], small_rosters["harmony"]
    expected = project(rules, policy_scenario(rules), roster)
    worst = project(rules, policy_scenario(rules, worst_case=True), roster)
    assert all(Decimal(w["total"]) >= Decimal(e["total"]) for w, e in zip(worst.years, expected.years))
    assert worst.years[0]["participants"] == worst.years[0]["headcount"]


def test_head_count_is_kept_by_replacement_hires(shipped, small_rosters):
    rules, roster = shipped["dysart"], small_rosters["dysart"]
    result = project(rules, Scenario(name="Turnover", district_id="dysart", years=6, attrition_percent=Decimal(12)), roster)
    assert {y["headcount"] for y in result.years} == {"250.00"}
    assert all(Decimal(y["leavers"]) == Decimal(y["hires"]) for y in result.years[:-1])
    assert Decimal(result.years[0]["retirees"]) > 0


def test_a_scenario_that_does_not_fit_the_rules_is_refused(shipped):
    rules = shipped["dysart"]
    bad = Scenario(name="Bad", district_id="dysart", hiring_lanes=[LaneShare(lane="PhD", percent=Decimal(100))],
                   schedule=ScheduleChanges(lane_credits=[LaneCredits(lane="ZZ", credits=3)]))
    with pytest.raises(ScenarioError) as caught:
        prepare(rules, bad)
    assert any("hiring_lanes[0].lane" in p for p in caught.value.problems)
    assert any("lane_credits[0].lane" in p for p in caught.value.problems)
    # Cedar Valley's step 6 is reserved: no one can be hired there.
    with pytest.raises(ScenarioError, match="hiring_step: hires in lane BA at step 6"):
        prepare(shipped["cedar-valley"], Scenario(name="Reserved", district_id="cedar-valley", hiring_step=6))


@given(st.integers(0, 10_000), st.lists(st.integers(0, 500), min_size=1, max_size=30))
def test_apportion_hands_out_exactly_the_total(total, weights):
    whole = sum(weights)
    if whole == 0:
        assert apportion(total, weights) == [0] * len(weights)
        return
    total = min(total, whole)
    shares = apportion(total, weights)
    assert sum(shares) == total
    assert all(0 <= s <= w for s, w in zip(shares, weights))
    assert shares == list(apportion_array(total, np.array(weights)))


def test_percent_of_rounds_half_up_to_the_cent():
    assert percent_of(1000, Decimal("7.65")) == 77  # 76.5 cents -> 77
    assert percent_of(np.array([1000, 200]), Decimal("12.5")).tolist() == [125, 25]


def test_a_scenario_and_its_baseline_share_their_luck_so_the_difference_band_is_narrow(shipped, small_rosters):
    from engine.budget.projection import bands

    rules, roster = shipped["cedar-valley"], small_rosters["cedar-valley"]
    # A policy change (schedule changes move who sits in which cell, and so loosen the coupling).
    scenario = Scenario(name="Policy", district_id="cedar-valley", draws=300, seed=3, policy=Policy(
        micro_credentials_count_toward_lanes=True, stipend_per_micro_credential=Decimal("200.00"), new_role=NewRole()))
    chosen, baseline = project(rules, scenario, roster), project(rules, scenario.baseline(), roster)
    difference = bands([y["school_year"] for y in chosen.years], chosen.totals_by_draw - baseline.totals_by_draw)[-1]
    total = chosen.bands[-1]
    spread = lambda band: Decimal(band["p95"]) - Decimal(band["p5"])  # noqa: E731
    assert spread(difference) < spread(total) / 3
    expected = Decimal(chosen.years[-1]["total"]) - Decimal(baseline.years[-1]["total"])
    assert Decimal(difference["p5"]) <= expected <= Decimal(difference["p95"])


@pytest.mark.parametrize("trials, chance", [(7, 0.15), (60, 0.08), (350, 0.3), (4000, 0.12), (25, 0.85)])
def test_binomial_draws_by_inversion_match_the_binomial(trials, chance):
    from engine.budget.projection import binomial_quantile

    draws = binomial_quantile(np.random.default_rng(8).random(100_000), trials, chance)
    assert abs(draws.mean() - trials * chance) < 0.02 * trials * chance + 0.01
    assert abs(draws.var() - trials * chance * (1 - chance)) < 0.05 * trials * chance * (1 - chance)
    assert draws.min() >= 0 and draws.max() <= trials
