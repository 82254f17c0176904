"""What moves a teacher next, by when, and which option pays most over the years."""
from datetime import date
from decimal import Decimal

from engine import EstimateInput, load_districts, next_window
from engine.teacher import next as next_steps
from engine.teacher.estimate import record_from_inputs
from engine.teacher.state import Walk

DISTRICTS = load_districts()


def next_moves(rules, inputs: EstimateInput, today: date) -> dict:
    return next_steps.next_moves(rules, record_from_inputs(rules, inputs), rules.year(inputs.school_year), today)


def best_next_steps(rules, inputs: EstimateInput) -> list[dict]:
    plan = Walk(rules.year(inputs.school_year), inputs.years)
    return next_steps.best_next_steps(rules, record_from_inputs(rules, inputs), plan)


def test_dysart_deadline_on_the_last_day_of_school_takes_effect_next_july():
    window = next_window(DISTRICTS["dysart"], date(2027, 3, 1))
    assert (window["deadline"], window["effective"], window["school_year"]) == ("2027-05-22", "2027-07-01", "2027-28")


def test_second_semester_window_is_next_in_november_and_pays_half_the_year():
    window = next_window(DISTRICTS["cedar-valley"], date(2026, 11, 25))
    assert (window["window"], window["deadline"], window["effective"]) == ("second-semester", "2027-01-20", "2027-01-01")
    assert window["share_of_year"] == "0.5"


def test_next_lane_says_how_much_credit_and_how_many_micro_credentials():
    moves = next_moves(DISTRICTS["cedar-valley"], EstimateInput("2026-27", 5, "BA", credits=Decimal(6)), date(2026, 11, 25))
    assert moves["next_lane"] == {"lane": "BA+15", "credits_needed": "9", "credit_counted": "6",
                                  "micro_credentials_needed": 9}


def test_growth_step_progress_and_missing_role_requirements():
    moves = next_moves(DISTRICTS["dysart"], EstimateInput("2026-27", 5, "BA", micro_credentials=6), date(2026, 11, 25))
    assert moves["next_growth_step"] == {"growth_step": 1, "micro_credentials_needed": 9, "micro_credentials_counted": 6,
                                         "per_phase": 15, "min_per_year": 5}
    roles = {r["role"]: r for r in next_moves(DISTRICTS["harmony"], EstimateInput("2026-27", 2, "T", years_of_service=2),
                                               date(2026, 11, 25))["roles"]}
    assert not roles["mentor"]["eligible"]
    assert "1 more year(s) of service (needs 3, has 2)" in roles["mentor"]["missing"]
    assert "5 more micro-credential(s) (needs 5, has 0)" in roles["mentor"]["missing"]


def test_best_next_step_ranks_options_by_gain_over_the_years():
    options = best_next_steps(DISTRICTS["cedar-valley"], EstimateInput("2026-27", 5, "BA", years=10))
    gains = [Decimal(o["gain_over_years"]) for o in options]
    assert gains == sorted(gains, reverse=True)
    by_kind = {o["kind"]: o for o in options}
    # a lane's worth of credit (15 hours -> BA+15, 2400.00 a year more, growing with COLA) beats one micro-credential
    assert Decimal(by_kind["credit"]["gain_this_year"]) == Decimal("2400.00")
    assert Decimal(by_kind["credit"]["gain_over_years"]) > Decimal(by_kind["micro_credential"]["gain_over_years"])


def test_a_lane_only_a_degree_opens_says_which_degree():
    moves = next_moves(DISTRICTS["dysart"], EstimateInput("2026-27", 5, "BA"), date(2026, 11, 25))
    assert moves["next_lane"] is None
    assert moves["degree_lane"] == {"lane": "MA", "degree": "master"}
    top = next_moves(DISTRICTS["dysart"], EstimateInput("2026-27", 5, "MA"), date(2026, 11, 25))
    assert top["next_lane"] is None and top["degree_lane"] is None


def _micro_credential_option(rules, inputs: EstimateInput, today: date) -> dict:
    plan = Walk(rules.year(inputs.school_year), inputs.years, today=today)
    options = next_steps.best_next_steps(rules, record_from_inputs(rules, inputs), plan)
    return next(o for o in options if o["kind"] == "micro_credentials_for_lane")


def test_best_next_step_says_what_micro_credentials_add_in_the_first_year_they_pay_and_from_when():
    # Cedar Valley, step 1 BA with 2 micro-credentials (2 graduate-equivalent hours): BA+15 needs 15, so 13 more.
    # On 2026-09-15 the next window is "by October 1, retroactive to July 1" (a whole year): 2026-27 pays
    # BA+15 step 1 51,300.00 - BA step 1 48,900.00 = +2,400.00 from 2026-07-01.
    option = _micro_credential_option(DISTRICTS["cedar-valley"], EstimateInput("2026-27", 1, "BA", micro_credentials=2,
                                                                              years=10), date(2026, 9, 15))
    assert (option["micro_credentials"], option["lane"], option["pays_from"], option["first_year_gain"]) == (
        13, "BA+15", "2026-27", "2400.00")
    assert (option["move"], option["effective"], option["file_by"], option["share_of_year"]) == (
        True, "2026-07-01", "2026-10-01", "1")


def test_a_second_semester_window_pays_half_the_first_year():
    # On 2026-11-25 the next window is "by January 20 (second semester)", effective 2027-01-01 for half the year:
    # 2026-27 gains 2,400.00 x 0.5 = 1,200.00.
    option = _micro_credential_option(DISTRICTS["cedar-valley"], EstimateInput("2026-27", 1, "BA", micro_credentials=2,
                                                                              years=10), date(2026, 11, 25))
    assert (option["first_year_gain"], option["effective"], option["file_by"], option["share_of_year"]) == (
        "1200.00", "2027-01-01", "2027-01-20", "0.5")


def test_a_stipend_is_pay_for_the_year_earned_not_a_move():
    # Harmony pays $200 a micro-credential in bands 5 and 6 (at most 8 a year): one more in 2026-27 adds 200.00
    # that year only, and moves no lane or step, so it has no effective date.
    rules = DISTRICTS["harmony"]
    plan = Walk(rules.year("2026-27"), 10, today=date(2026, 9, 15))
    record = record_from_inputs(rules, EstimateInput("2026-27", 3, "T", micro_credentials=4, band="5", years=10))
    option = next(o for o in next_steps.best_next_steps(rules, record, plan) if o["kind"] == "micro_credential")
    assert (option["micro_credentials"], option["first_year_gain"], option["gain_over_years"], option["move"],
            option["effective"]) == (1, "200.00", "200.00", False, None)
