"""Retroactive pay owed when an approved change takes effect before payroll pays it, or the
overpayment to recover when a provisional move is reversed. Pure; Decimal only.

The method (written out so payroll can check it by hand):

1. A school year's contract days are `rules.pay.contract_days`. A window pays the new
   rate for `share_of_year` of them (1 for a full-year or retroactive window, 0.5 for
   a second-semester window): the window's contract days = contract_days x share.
2. Payroll paid the old rate from the effective date until it started the new rate
   (`new_rate_from`, the first day at the new rate). With no school calendar in the
   rule file, the window's contract days are spread evenly over the calendar days
   from the effective date to the end of the school year, so the contract days paid
   at the old rate = window days x (calendar days from the effective date to
   `new_rate_from`, at most to the year's end) / (calendar days from the effective
   date to the year's end). Days are not rounded: when the whole window has passed,
   the result is exactly (new - old) x share, the figure the teacher was shown.
3. The daily rate is the annual amount / contract_days, so the amount for one school
   year = (new annual - old annual) / contract_days x contract days paid x FTE,
   rounded once by the district's pay-line rounding (`rules.pay.lines`). Everything is
   multiplied out before the one division and the exact quotient is rounded
   (`engine.money.round_exact`): a daily rate or a day count is never cut to 28 digits
   first, so a true half cent (925.005) rounds as a half cent, never as 925.00499...
4. A change effective in an earlier school year is one line per school year: each
   later year runs from its first day with that year's old and new annual amounts.
   The total is the sum of the rounded lines. Positive: owed to the teacher;
   negative: an overpayment to recover (a reversal swaps old and new).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from engine.money import ONE, ZERO, money_str, round_exact
from engine.rules import DistrictRules
from engine.school_year import SchoolYear


@dataclass(frozen=True)
class YearChange:
    """One school year of a change: the annual amounts before and after, and from when."""

    school_year: SchoolYear
    old_annual: Decimal
    new_annual: Decimal
    effective: date
    share_of_year: Decimal = ONE


@dataclass(frozen=True)
class RetroLine:
    """The retroactive amount of one school year, with its arithmetic."""

    school_year: str
    contract_days_paid: Decimal
    amount: Decimal
    explanation: str

    def to_json(self) -> dict:
        return {"school_year": self.school_year, "contract_days_paid": str(self.contract_days_paid),
                "amount": money_str(self.amount), "explanation": self.explanation}


@dataclass(frozen=True)
class RetroPay:
    """Retroactive pay over every school year a change reaches back into."""

    lines: tuple[RetroLine, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def kind(self) -> str:
        """'owed' to the teacher, 'recover' from them, or 'none'."""
        return "owed" if self.amount > 0 else "recover" if self.amount < 0 else "none"

    @property
    def explanation(self) -> list[str]:
        return [line.explanation for line in self.lines]

    def to_json(self) -> dict:
        return {"amount": money_str(self.amount), "kind": self.kind, "lines": [line.to_json() for line in self.lines]}


def contract_days_paid(rules: DistrictRules, change: YearChange, new_rate_from: date) -> Decimal:
    """Contract days of a year paid at the old rate after the effective date (step 2 of the method)."""
    year_end = change.school_year.end
    if not (change.school_year.start <= change.effective < year_end):
        raise ValueError(f"effective date {change.effective} is not in school year {change.school_year.label}")
    span = (year_end - change.effective).days
    elapsed = (min(new_rate_from, year_end) - change.effective).days
    if elapsed <= 0:
        return Decimal(0)
    window_days = Decimal(rules.pay.contract_days) * change.share_of_year
    return window_days * Decimal(elapsed) / Decimal(span)


def retro_line(rules: DistrictRules, change: YearChange, new_rate_from: date, fte: Decimal = ONE) -> RetroLine:
    """The retroactive amount of one school year, rounded once (step 3 of the method)."""
    days = contract_days_paid(rules, change, new_rate_from)
    contract_days = rules.pay.contract_days
    difference = change.new_annual - change.old_annual
    year_end = change.school_year.end
    elapsed = max(0, (min(new_rate_from, year_end) - change.effective).days)
    span = (year_end - change.effective).days
    # (new - old) / contract days x (contract days x share x elapsed / span) x FTE, as one exact fraction.
    exact = (Fraction(difference) * contract_days * Fraction(change.share_of_year) * elapsed * Fraction(fte)
             / (contract_days * span))
    amount = round_exact(exact, rules.pay.lines.quantum, rules.pay.lines.mode)
    fte_text = "" if fte == ONE else f" x FTE {fte}"
    text = (f"{change.school_year.label}: ({money_str(change.new_annual)} - {money_str(change.old_annual)}) / "
            f"{contract_days} contract days x {contract_days} x {change.share_of_year} x {elapsed}/{span} days "
            f"from {change.effective} to {min(new_rate_from, year_end)}{fte_text} = {money_str(amount)}")
    return RetroLine(change.school_year.label, days, amount, text)


def retroactive_pay(rules: DistrictRules, changes: list[YearChange], new_rate_from: date, fte: Decimal = ONE) -> RetroPay:
    """Retroactive pay (negative: overpayment to recover) for every year of a change until payroll pays the new rate."""
    return RetroPay(tuple(retro_line(rules, change, new_rate_from, fte) for change in changes
                          if change.effective < new_rate_from))


def reversal(changes: list[YearChange]) -> list[YearChange]:
    """The same years with old and new swapped: reversing a provisional move recovers what it paid."""
    return [YearChange(c.school_year, c.new_annual, c.old_annual, c.effective, c.share_of_year) for c in changes]
