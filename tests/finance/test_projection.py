"""The projection engines: the vectorised engine agrees with the per-teacher reference to the cent, Monte Carlo
is reproducible, benefits load stipends, and scenario changes move costs the way a budget officer expects."""
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.budget.projection import apportion, apportion_array, percent_of, project
from engine.budget.proposal import CellRaise, OneTimePayment, ProposalYear
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
    year = latest_schedule_year(rules)
    lanes = schedule_for(rules, year)[0].lanes
    return Scenario(
        name="Everything", district_id=rules.id, years=7, program_cost_per_micro_credential=Decimal("85.00"),
        policy=Policy(micro_credentials_count_toward_lanes=True, credit_hours_per_micro_credential=Decimal("1.5"),
                      stipend_per_micro_credential=Decimal("200.00"), stipend_cap_per_year=8,
                      new_role=NewRole(min_years=4, micro_credentials=6, supplement=Decimal("2500.00"))),
        schedule=ScheduleChanges(raise_percent=Decimal("2.5"), add_step=True, freeze_years=["2028-29"],
                                 add_lane=AddedLane(id="TOP", degree="master", credits=45, after=lanes[-1]),
                                 lane_credits=[LaneCredits(lane=lanes[-1], credits=9)]),
        hiring_lanes=[LaneShare(lane=lanes[0], percent=Decimal(70)), LaneShare(lane=lanes[-1], percent=Decimal(30))],
        proposal=[ProposalYear(school_year=year.plus(2).label, hold_on_step=True,
                               raises=[CellRaise(percent=Decimal(2)), CellRaise(dollars=Decimal("400.00"), lanes=[lanes[0]],
                                                                               effective=date(year.plus(2).end.year, 1, 1))],
                               one_time=[OneTimePayment(amount=Decimal("1000.00"), min_years=4)]),
                  ProposalYear(school_year=year.plus(3).label, raises=[CellRaise(percent=Decimal("1.5"))],
                               one_time=[OneTimePayment(percent=Decimal(1), pensionable=True)])],
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


def test_raising_the_stipend_and_its_cap_replaces_the_districts_stipend_and_loads_benefits_on_it(shipped):
    # Harmony pays Medicare, not Social Security; the scenario turns Social Security on to check the load on stipends.
    rules = shipped["harmony"]
    roster = one_teacher(rules, band="5", subjects=("math",))
    base = Scenario(name="No change", district_id="harmony", years=1, uptake_percent=Decimal(100),
                    micro_credentials_per_participant=12, social_security=True, retirement_percent=Decimal("2.75"))
    raised = base.model_copy(update={"policy": Policy(stipend_per_micro_credential=Decimal("300.00"),
                                                      stipend_cap_per_year=12)})
    before = project(rules, base, roster).years[0]
    after = project(rules, raised, roster).years[0]
    # One stipend line, not two: $200 x 8 (the cap) becomes $300 x 12.
    assert before["additions_by_kind"]["Micro-credential stipend"] == "1600.00"
    assert after["additions_by_kind"]["Micro-credential stipend"] == "3600.00"
    assert not any("scenario" in name for name in after["additions_by_kind"])
    assert Decimal(after["additions"]) - Decimal(before["additions"]) == Decimal("2000.00")
    assert Decimal(after["social_security"]) - Decimal(before["social_security"]) == Decimal("124.00")  # 6.2% of $2,000
    assert Decimal(after["medicare"]) - Decimal(before["medicare"]) == Decimal("29.00")  # 1.45% of $2,000
    assert Decimal(after["retirement"]) - Decimal(before["retirement"]) == Decimal("55.00")  # 2.75% of $2,000
    pay = Decimal(after["pay"])
    assert Decimal(after["medicare"]) == (pay * Decimal("0.0145")).quantize(Decimal("0.01"))
    assert Decimal(after["fica"]) == Decimal(after["social_security"]) + Decimal(after["medicare"])
    # Stipends for micro-credentials earned this year are one-time cost, with their payroll taxes:
    # 3,600.00 + 6.2% (223.20) + 1.45% (52.20) + 2.75% (99.00).
    assert Decimal(after["one_time"]) == Decimal("3600.00") + Decimal("223.20") + Decimal("52.20") + Decimal("99.00")


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
    # The first year's schedule is adopted: the raise takes effect the year after, unless told otherwise.
    assert b.years[0]["base_pay"] == a.years[0]["base_pay"]
    ratio = Decimal(b.years[1]["base_pay"]) / Decimal(a.years[1]["base_pay"])
    assert Decimal("1.029") < ratio < Decimal("1.031")
    told = plain.model_copy(update={"schedule": ScheduleChanges(raise_percent=Decimal(3), effective_year=a.years[0]["school_year"])})
    ratio = Decimal(project(rules, told, roster).years[0]["base_pay"]) / Decimal(a.years[0]["base_pay"])
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


def test_social_security_stops_at_the_wage_base_and_medicare_does_not(shipped):
    rules = shipped["cedar-valley"]
    fica = rules.budget.fica.model_copy(update={"wage_base": Decimal("50000.00")})
    low = rules.model_copy(update={"budget": rules.budget.model_copy(update={"fica": fica})})
    roster = Roster.from_teachers("cedar-valley", [RosterTeacher(employee_id="B", step=21, lane="MA")], low)
    scenario = Scenario(name="Wage base", district_id="cedar-valley", years=1, uptake_percent=Decimal(0))
    for engine in (project, project_reference):
        year = engine(low, scenario, roster).years[0]
        # MA step 21 = 71,993.00, and longevity at 13, 17 and 21 years (no hire date: years = step) 3 x 2,834.00
        assert year["pay"] == "80495.00"
        assert year["social_security"] == "3100.00"   # 6.2% of the wage base, 50,000.00
        assert year["medicare"] == "1167.18"          # 1.45% of 80,495.00 = 1,167.1775
        assert year["fica"] == "4267.18"


def test_harmony_pays_medicare_but_not_social_security(shipped):
    rules = shipped["harmony"]
    year = project(rules, Scenario(name="Plain", district_id="harmony", years=1, uptake_percent=Decimal(0)),
                   one_teacher(rules, band="5")).years[0]
    assert year["social_security"] == "0.00"
    assert Decimal(year["medicare"]) == (Decimal(year["pay"]) * Decimal("0.0145")).quantize(Decimal("0.01")) > 0


def test_the_worst_case_earns_at_the_fastest_pace_the_rules_allow(shipped):
    from engine.budget.scenario import resolve

    # Dysart counts no most a year: two phases of 15 at once. Harmony pays at most 8 a year.
    dysart = resolve(shipped["dysart"], Scenario(name="Worst", district_id="dysart", worst_case=True))
    assert (dysart.micro_credentials_per_participant, dysart.uptake_percent, dysart.persistence_percent) == (30, 100, 100)
    assert resolve(shipped["harmony"], Scenario(name="Worst", district_id="harmony",
                                                worst_case=True)).micro_credentials_per_participant == 8


def test_a_lever_that_is_already_the_rule_says_why_it_changes_nothing(shipped, small_rosters):
    from engine.budget.notes import unchanged_levers

    rules, roster = shipped["cedar-valley"], small_rosters["cedar-valley"]
    scenario = Scenario(name="Lanes", district_id="cedar-valley", years=3,
                        policy=Policy(micro_credentials_count_toward_lanes=True))
    assert project(rules, scenario, roster).years == project(rules, scenario.baseline(), roster).years
    assert unchanged_levers(rules, scenario) == [
        "Micro-credentials already count toward lanes in Cedar Valley Unified (illustrative), 1 graduate-equivalent "
        "hour(s) each: this is the district's rule, so it changes nothing."]
    assert unchanged_levers(rules, scenario.model_copy(update={"policy": Policy(
        micro_credentials_count_toward_lanes=True, credit_hours_per_micro_credential=Decimal(2))})) == []


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


def test_retirement_skips_what_is_not_pensionable_and_health_follows_its_tiers_and_trend(shipped):
    from engine.rules import HealthTier

    rules = shipped["cedar-valley"]
    longevity = [a.model_copy(update={"pensionable": False}) if a.kind == "longevity" else a for a in rules.additions]
    budget = rules.budget.model_copy(update={
        "health_tiers": [HealthTier(name="Employee", cost=Decimal("8000.00"), share_percent=Decimal(50)),
                         HealthTier(name="Family", cost=Decimal("20000.00"), share_percent=Decimal(40))],
        "health_trend_percent": Decimal(6)})
    changed = rules.model_copy(update={"additions": longevity, "budget": budget})
    roster = Roster.from_teachers("cedar-valley", [RosterTeacher(employee_id="B", step=21, lane="MA")], changed)
    scenario = Scenario(name="Benefits", district_id="cedar-valley", years=2, uptake_percent=Decimal(0),
                        attrition_percent=Decimal(0))
    for engine in (project, project_reference):
        first, second = engine(changed, scenario, roster).years
        # MA step 21: 71,993.00, longevity 3 x 2,834.00 = 8,502.00 (years = step 21), not pensionable:
        # retirement 19.10% of 71,993.00 = 13,750.663 -> 13,750.66
        assert (first["pay"], first["retirement"]) == ("80495.00", "13750.66")
        # health: 50% x 8,000.00 + 40% x 20,000.00 = 12,000.00 a head (10% waive); then 6% more: 12,720.00
        assert (first["health"], second["health"]) == ("12000.00", "12720.00")


def test_the_cost_drivers_add_up_from_the_first_year_to_each_years_scenario_cost(shipped, small_rosters):
    from engine.budget.drivers import DRIVERS, cost_drivers

    rules = shipped["cedar-valley"]
    one = Roster.from_teachers("cedar-valley", [RosterTeacher(employee_id="A", step=1, lane="BA",
                                                              hire_date=date(2025, 8, 1))], rules)
    scenario = Scenario(name="Drivers", district_id="cedar-valley", years=2, attrition_percent=Decimal(0))
    first, second = cost_drivers(rules, scenario, one, project)
    # 2026-27: 48,900.00 + SS 3,031.80 + Medicare 709.05 + retirement 9,339.90 + health 11,000.00 = 72,980.75
    # 2027-28 at step 2 without COLA: 50,123.00 + 3,107.63 + 726.78 + 9,573.49 + 11,000.00 = 74,530.90 (+1,550.15)
    # with COLA 3%: 51,626.69 + 3,200.85 + 748.59 + 9,860.70 + 11,000.00 = 76,436.83 (+1,905.93)
    assert (first["start"], first["end"]) == ("72980.75", "72980.75")
    assert {k: second[k] for k in ("step_movement", "raises", "turnover", "policy", "end")} == {
        "step_movement": "1550.15", "raises": "1905.93", "turnover": "0.00", "policy": "0.00", "end": "76436.83"}
    # On a real roster with every driver at work, they add up to each year's scenario total, to the cent.
    roster = small_rosters["harmony"]
    busy = policy_scenario(shipped["harmony"])
    totals = [y["total"] for y in project(shipped["harmony"], busy, roster).years]
    for year, total in zip(cost_drivers(shipped["harmony"], busy, roster, project), totals):
        assert Decimal(year["start"]) + sum(Decimal(year[k]) for k in DRIVERS) == Decimal(year["end"]) == Decimal(total)
