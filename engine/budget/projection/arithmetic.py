"""Whole-number arithmetic for the projection: cents, percentages, heads in fractions of a teacher, and
largest-remainder splits that keep every sum an exact integer."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from engine.money import CENT

HUNDRED = Decimal(100)
# Expected values count teachers in 1/10,000ths: 8% of one teacher leaves as 800 units, so the
# expectation carries no rounding bias, and every sum stays an exact integer.
HEAD_UNIT = 10_000


def round_half_up(value: Decimal) -> int:
    """A non-negative Decimal rounded to a whole number, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(cents, percent: Decimal):
    """Cents x percent / 100, rounded half up to the cent (ints or int64 arrays, >= 0)."""
    num, den = (Decimal(percent) / HUNDRED).as_integer_ratio()
    return (cents * (2 * num) + den) // (2 * den)


def scaled(values: list[Decimal], digits: int) -> np.ndarray | None:
    """Decimals as int64 multiples of 10**-digits, or None when one has more decimals or is past ten billion."""
    out = []
    for value in values:
        sign, figures, exponent = value.as_tuple()
        if not isinstance(exponent, int) or exponent < -digits or len(figures) + exponent > 10:
            return None
        out.append(int(value.scaleb(digits)))
    return np.array(out, dtype=np.int64)


def line_cents_table(amounts: list[Decimal], ftes: list[Decimal], quantum: Decimal, mode: str) -> np.ndarray | None:
    """cents[i, j] = amounts[i] x ftes[j] rounded once to `quantum` by `mode` (as `round_money` does), in whole cents,
    worked out in exact integers. None when a figure has more than 8 decimals (an FTE more than 2) or the products
    could pass 2**62: the caller then rounds with Decimal."""
    a, f = scaled(amounts, 8), scaled(ftes, 2)
    if a is None or f is None or len(amounts) == 0 or len(ftes) == 0:
        return None
    if int(np.abs(a).max()) * int(np.abs(f).max()) >= 2**62:
        return None
    product = a[:, None] * f[None, :]                    # in 10**-10 dollars, below 2**63 by the bounds above
    step = int(quantum.scaleb(10))
    whole, rest = np.divmod(np.abs(product), step)
    if mode == "half_up":
        whole += 2 * rest >= step
    elif mode == "half_even":
        whole += (2 * rest > step) | ((2 * rest == step) & (whole % 2 == 1))
    elif mode == "up":
        whole += rest > 0
    return np.where(product < 0, -whole, whole) * int(quantum.scaleb(2))


def apportion(total: int, weights: list[int]) -> list[int]:
    """`total` whole units split in proportion to `weights` by largest remainder; ties go to the earlier weight."""
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[i] += 1
    return shares


def apportion_array(total: int, weights: np.ndarray) -> np.ndarray:
    """`apportion` on an int64 array."""
    weights = np.asarray(weights, dtype=np.int64)
    whole = int(weights.sum())
    if whole == 0 or total == 0:
        return np.zeros_like(weights)
    shares = total * weights // whole
    remainders = total * weights % whole
    left = total - int(shares.sum())
    if left:
        # The `left` largest remainders, ties to the earlier weight: the smallest keys (whole - remainder, index).
        # Below 2**63 for any roster (whole is at most 10**13 teacher units, weights 10**6 states); else sort.
        if whole * len(weights) < 2**62:
            keys = (whole - remainders) * len(weights) + np.arange(len(weights))
            chosen = np.argpartition(keys, left - 1)[:left] if left < len(weights) else np.arange(len(weights))
        else:
            chosen = np.lexsort((np.arange(len(weights)), -remainders))[:left]
        shares[chosen] += 1
    return shares


def from_units(values, unit: int):
    """Sums over counts in `unit`ths of a teacher, back to whole cents, rounded half away from zero."""
    if unit == 1:
        return values
    values = np.asarray(values, dtype=np.int64)
    magnitude = (2 * np.abs(values) + unit) // (2 * unit)
    return np.where(values < 0, -magnitude, magnitude)


def heads(units: int, unit: int) -> str:
    """A count of teachers held in `unit`ths, as a decimal string."""
    return str((Decimal(int(units)) / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) if unit != 1 else str(int(units))



def cents(value) -> Decimal:
    """Integer cents as Decimal dollars."""
    return (Decimal(int(value)) / 100).quantize(CENT)


def money(value) -> str:
    """Integer cents as a dollar string with two decimals."""
    return str(cents(value))
