"""Exact money arithmetic: Decimal only, rounded once with an explicit mode."""
from __future__ import annotations

import decimal
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal(1)
HUNDRED = Decimal(100)

ROUNDING_MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}


def to_decimal(value: object) -> Decimal:
    """The exact Decimal for an int, str or Decimal; floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money must not be a float or bool: {value!r}")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_money(amount: Decimal, unit: Decimal = CENT, mode: str = "half_up") -> Decimal:
    """The amount rounded to a unit (a cent or a dollar), shown with two decimals."""
    rounded = amount.quantize(unit, rounding=ROUNDING_MODES[mode])
    return rounded.quantize(CENT)


def money_str(amount: Decimal) -> str:
    """A money amount as a string with two decimals, as the JSON output carries it."""
    return str(amount.quantize(CENT))


def quantity_str(amount: Decimal) -> str:
    """Hours or credit without trailing zeros: 9, 7.5 (never 9.00 or 9E+1)."""
    return f"{amount.normalize():f}"
