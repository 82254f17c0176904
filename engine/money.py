"""Exact money arithmetic: Decimal only, rounded once with an explicit mode."""
from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

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


def round_exact(amount: Fraction, unit: Decimal = CENT, mode: str = "half_up") -> Decimal:
    """An exact quotient (a Fraction: multiply everything, divide once) rounded once to a unit, two decimals shown.

    No digit is lost before the rounding, so a true half cent is seen as one: 1,850.01 x 92.5 / 185 is
    925.005 and rounds half up to 925.01, where dividing first leaves 925.00499... and gives 925.00.
    Modes behave as Decimal's: ties and `up` move away from zero, `down` toward it.
    """
    steps = Fraction(amount) / Fraction(unit)
    whole, rest = divmod(abs(steps.numerator), steps.denominator)
    twice, whole_odd = 2 * rest, whole % 2 == 1
    if mode == "half_up":
        whole += int(twice >= steps.denominator)
    elif mode == "half_even":
        whole += int(twice > steps.denominator or (twice == steps.denominator and whole_odd))
    elif mode == "up":
        whole += int(rest > 0)
    elif mode != "down":
        raise ValueError(f"unknown rounding mode {mode!r}")
    signed = -whole if steps < 0 else whole
    return (Decimal(signed) * unit).quantize(CENT)


def money_str(amount: Decimal) -> str:
    """A money amount as a string with two decimals, as the JSON output carries it."""
    return str(amount.quantize(CENT))


def quantity_str(amount: Decimal) -> str:
    """Hours or credit without trailing zeros: 9, 7.5 (never 9.00 or 9E+1)."""
    return f"{amount.normalize():f}"
