"""The projection's whole-number arithmetic, each held to what it replaces: pay lines rounded in int64 as Decimal
rounds them, states grouped by packed keys as numpy groups rows, and years of service counted in one array as each
teacher's own record counts them."""
from datetime import date
from decimal import Decimal

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st


@given(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=8, allow_nan=False), min_size=1, max_size=8),
       st.lists(st.decimals(min_value=0, max_value=2, places=2), min_size=1, max_size=4),
       st.sampled_from(["0.01", "1"]), st.sampled_from(["half_up", "half_even", "down", "up"]))
@example([Decimal("925.005"), Decimal("-0.015"), Decimal("2.5"), Decimal("1850.01")], [Decimal("1"), Decimal("0.5")],
         "0.01", "half_up")
@example([Decimal("0.025"), Decimal("0.035"), Decimal("3.5"), Decimal("-2.5")], [Decimal("1")], "0.01", "half_even")
@example([Decimal("0.025"), Decimal("3.5"), Decimal("-2.5"), Decimal("0.0001")], [Decimal("1")], "1", "half_even")
@example([Decimal("0.001"), Decimal("-0.001"), Decimal("4.5")], [Decimal("0.75")], "1", "up")
def test_pay_lines_in_integers_round_as_decimal_does(amounts, ftes, unit, mode):
    """The projection rounds amount x FTE in int64 arrays: to the cent, as round_money does it in Decimal (ties and
    `up` away from zero), so a half cent of a percent-of-schedule line lands where a teacher's own page puts it."""
    from engine.budget.projection.arithmetic import line_cents_table
    from engine.money import round_money

    table = line_cents_table(amounts, ftes, Decimal(unit), mode)
    expected = [[int(round_money(a * f, Decimal(unit), mode) * 100) for f in ftes] for a in amounts]
    assert table.tolist() == expected


def test_pay_lines_past_int64_are_left_to_decimal():
    from engine.budget.projection.arithmetic import line_cents_table

    assert line_cents_table([Decimal("1.123456789")], [Decimal(1)], Decimal("0.01"), "half_up") is None
    assert line_cents_table([Decimal("12345678901")], [Decimal(1)], Decimal("0.01"), "half_up") is None


@given(st.lists(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)), min_size=1, max_size=20),
       st.integers(1990, 2060))
@example([date(2000, 2, 29), date(2004, 7, 1), date(2004, 6, 30), date(1999, 7, 2)], 2024)
def test_years_of_service_by_array_are_each_teachers_whole_years(hired, first_year):
    """The projection counts a roster's years of service in one array: each teacher's count is the whole years
    from their hire date to the school year's start, as their own record counts them (a leap-day hire included)."""
    from engine.budget.projection import service_years
    from engine.budget.projection.state import service_years_array
    from engine.school_year import SchoolYear

    year = SchoolYear.from_label(f"{first_year}-{(first_year + 1) % 100:02d}")
    ordinals = np.array([d.toordinal() for d in hired])
    assert service_years_array(ordinals, year).tolist() == [service_years(o, year, 0) for o in ordinals.tolist()]


@given(st.lists(st.tuples(st.integers(-3, 40), st.integers(0, 2**40), st.integers(0, 1), st.integers(-(2**62), 2**62)),
                min_size=1, max_size=60), st.sampled_from([1, 2, 3, 4]))
@example([(0, 0, 0, 0)] * 3 + [(5, 7, 1, -1)], 3)
def test_grouping_states_finds_each_distinct_state_in_key_order(rows, width):
    """Teachers in the same state are counted together, and states keep their key order (the split of leavers
    and earners follows it): the packed, the table-marked and the sorted ways agree with numpy's own."""
    from engine.budget.projection.state import group, unique_rows

    states = np.array([row[:width] for row in rows], dtype=np.int64)
    keys, inverse = unique_rows(states)
    expected_keys, expected_inverse = np.unique(states, axis=0, return_inverse=True)
    assert keys.tolist() == expected_keys.tolist() and inverse.tolist() == expected_inverse.ravel().tolist()
    counts = np.arange(1, 2 * len(states) + 1, dtype=np.int64).reshape(-1, 2)
    grouped, summed = group(states, counts)
    assert grouped.tolist() == expected_keys.tolist()
    assert summed.tolist() == [counts[expected_inverse.ravel() == k].sum(axis=0).tolist() for k in range(len(expected_keys))]
