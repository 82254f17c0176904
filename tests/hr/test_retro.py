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
