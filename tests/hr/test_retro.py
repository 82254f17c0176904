"""Retroactive pay and overpayment recovery, as data files with the arithmetic in comments."""
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine import load_districts
from engine.hr.retro import YearChange, retroactive_pay, reversal
from engine.rules import Rounding

CASES = sorted((Path(__file__).parent / "retro_cases").glob("*.yaml"))
DISTRICTS = load_districts()


def _rules(case: dict):
    rules = DISTRICTS[case["district"]]
    pay = rules.pay
    if "contract_days" in case:
        pay = pay.model_copy(update={"contract_days": case["contract_days"]})
    if "lines_rounding" in case:
        pay = pay.model_copy(update={"lines": Rounding(**case["lines_rounding"])})
    return rules.model_copy(update={"pay": pay})


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_retro_case(path):
    case = yaml.safe_load(path.read_text())
    rules = _rules(case)
    changes = [YearChange(rules.year(y["school_year"]), Decimal(y["old_annual"]), Decimal(y["new_annual"]),
                          y["effective"], Decimal(y["share_of_year"])) for y in case["years"]]
    if case.get("reverse"):
        changes = reversal(changes)
    result = retroactive_pay(rules, changes, case["new_rate_from"], Decimal(case["fte"]))
    assert [str(line.amount) for line in result.lines] == case["expected"]["lines"], case["name"]
    assert str(result.amount) == case["expected"]["total"], case["name"]
    assert all(isinstance(line.amount, Decimal) for line in result.lines)


def test_there_are_retro_cases():
    assert len(CASES) >= 6


def test_every_shipped_district_has_a_half_cent_tie_at_its_own_contract_days():
    # A district added later gets a tie case too: ties are where dividing first loses the cent.
    ties = [yaml.safe_load(path.read_text()) for path in CASES]
    tied = {case["district"] for case in ties if case.get("tie") and "contract_days" not in case}
    assert tied >= set(DISTRICTS), f"no tie case for {sorted(set(DISTRICTS) - tied)}"


@pytest.mark.parametrize(("numerator", "denominator", "unit", "mode", "expected"), [
    ("1850.01", 2, "0.01", "half_up", "925.01"),       # 925.005: a tie goes up
    ("-1850.01", 2, "0.01", "half_up", "-925.01"),     # and away from zero when negative
    ("1850.01", 2, "0.01", "half_even", "925.00"),     # 925.005: to the even cent
    ("1850.03", 2, "0.01", "half_even", "925.02"),     # 925.015: to the even cent
    ("2400.00", 3, "0.01", "down", "800.00"),
    ("2400.01", 3, "0.01", "down", "800.00"),          # 800.00333...
    ("2400.01", 3, "0.01", "up", "800.01"),
    ("-2400.01", 3, "0.01", "up", "-800.01"),          # up moves away from zero
    ("1393.97", 2, "1", "half_up", "697.00"),          # 696.985 to the dollar
    ("1392.98", 2, "1", "half_up", "696.00"),          # 696.49
])
def test_an_exact_quotient_is_rounded_once(numerator, denominator, unit, mode, expected):
    from fractions import Fraction

    from engine.money import round_exact

    assert str(round_exact(Fraction(Decimal(numerator)) / denominator, Decimal(unit), mode)) == expected


def test_explanation_shows_the_arithmetic():
    rules = DISTRICTS["cedar-valley"]
    change = YearChange(rules.year("2026-27"), Decimal("48900.00"), Decimal("51300.00"), rules.year("2026-27").start)
    result = retroactive_pay(rules, [change], rules.year("2026-27").start.replace(month=10, day=15))
    assert result.kind == "owed"
    assert "(51300.00 - 48900.00) / 185 contract days" in result.explanation[0]
    assert "106/365 days" in result.explanation[0]
    assert result.to_json()["amount"] == "696.99"


def test_reversal_is_an_overpayment_to_recover():
    rules = DISTRICTS["cedar-valley"]
    year = rules.year("2026-27")
    change = YearChange(year, Decimal("48900.00"), Decimal("51300.00"), year.start)
    result = retroactive_pay(rules, reversal([change]), year.end)
    assert result.kind == "recover" and result.amount == Decimal("-2400.00")


def test_effective_date_outside_its_school_year_is_refused():
    rules = DISTRICTS["cedar-valley"]
    year = rules.year("2026-27")
    change = YearChange(year, Decimal("1.00"), Decimal("2.00"), year.end)
    with pytest.raises(ValueError, match="not in school year"):
        retroactive_pay(rules, [change], year.end.replace(year=year.end.year + 1))
