"""A roster file's cells checked one distinct value at a time: each column's values, and what a bad cell should have
held. Row-level checks (a step the lane pays, a degree that reaches the lane) are `engine.budget.roster_checks`.
Pure: no Flask, no database.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import numpy as np

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_WHOLE = re.compile(r"\d{1,4}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def listed(value) -> tuple[str, ...]:
    return tuple(sorted({p.strip().lower() for p in re.split(r"[;|,]", as_text(value)) if p.strip()}))


def factorise(values) -> tuple[list, np.ndarray]:
    """The distinct values of a column (in order of first appearance) and each row's code into them."""
    distinct = dict.fromkeys(values)
    keys = values
    if not all(type(v) is str or v is None for v in distinct):
        # Spreadsheet cells: 1, 1.0 and True are equal in Python but not in a roster, so the type is part of the key.
        keys = list(zip(map(type, values), values))
        distinct = dict.fromkeys(keys)
    index = {key: i for i, key in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=len(keys))
    return (list(index) if keys is values else [value for _, value in index]), codes


class Column:
    """One field's distinct values checked once: each value's result, or the problem it has."""

    def __init__(self, name: str, raw: list, check):
        self.name = name
        distinct, self.codes = factorise(raw)
        self.values: list = []
        self.problems: list[str | None] = []
        for value in distinct:
            try:
                self.values.append(check(value))
                self.problems.append(None)
            except Problem as problem:
                self.values.append(None)
                self.problems.append(str(problem))

    def bad_rows(self) -> np.ndarray:
        flags = np.array([p is not None for p in self.problems], dtype=bool)
        return flags[self.codes] if len(flags) else np.zeros(len(self.codes), dtype=bool)

    def row_values(self) -> list:
        return list(map(self.values.__getitem__, self.codes.tolist()))


class Problem(ValueError):
    """What a cell should have held."""


def whole_number(required: bool, default):
    def check(value):
        text = as_text(value)
        if not text:
            if required:
                raise Problem("expected a whole number >= 0, got an empty cell")
            return default
        if not _WHOLE.fullmatch(text):
            raise Problem(f"expected a whole number >= 0, got {text!r}")
        return int(text)
    return check


def number(default):
    def check(value):
        text = as_text(value)
        if not text:
            return default
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Problem(f"expected a number, got {text!r}") from None
        if not number.is_finite() or number < 0:
            raise Problem(f"expected a number >= 0, got {text!r}")
        return number
    return check


def fte(value):
    fte = number(Decimal("1.00"))(value)
    if not (Decimal(0) < fte <= 1 and fte == fte.quantize(Decimal("0.01"))):
        raise Problem(f"expected a number more than 0 and at most 1, with at most two decimals, got {as_text(value)!r}")
    return int(fte * 100)


def credit(value):
    credit = number(Decimal(0))(value)
    if credit < 0 or credit > 999:
        raise Problem(f"expected hours between 0 and 999, got {credit}")
    return int(credit * 100)


def salary(value):
    salary = number(None)(value)
    if salary is None:
        return -1
    if salary > Decimal("9999999.99") or salary != salary.quantize(Decimal("0.01")):
        raise Problem(f"expected dollars with at most two decimals, below 10,000,000, got {as_text(value)!r}")
    return int(salary * 100)


def share(value):
    """The share of a school year paid in a new lane, in 1/10,000ths (-1 for an empty cell)."""
    part = number(None)(value)
    if part is None:
        return -1
    if not (Decimal(0) < part < 1 and part == part.quantize(Decimal("0.0001"))):
        raise Problem(f"expected a share of the year more than 0 and less than 1, with at most four decimals, got "
                      f"{as_text(value)!r}")
    return int(part * 10_000)


def hire_date(today: date):
    def check(value):
        if value is None or value == "":
            return 0
        if isinstance(value, datetime):
            found = value.date()
        elif isinstance(value, date):
            found = value
        else:
            text = as_text(value)
            found = None
            iso = _ISO_DATE.fullmatch(text)
            if iso:   # the common case, without strptime's cost; anything else goes the long way
                try:
                    found = date(int(iso[1]), int(iso[2]), int(iso[3]))
                except ValueError:
                    pass
            for pattern in ("%Y-%m-%d", "%m/%d/%Y") if found is None else ():
                try:
                    found = datetime.strptime(text, pattern).date()
                    break
                except ValueError:
                    continue
            if found is None:
                raise Problem(f"expected a date such as 2019-08-01, got {text!r}")
        if found > today or found.year < 1940:
            raise Problem(f"expected a hire date between 1940 and today, got {found.isoformat()}")
        return found.toordinal()
    return check


def employee_id(value):
    text = as_text(value)
    if not text:
        raise Problem("expected an employee id, got an empty cell")
    if len(text) > 64:
        raise Problem("expected at most 64 characters")
    return text


def certified(value):
    text = as_text(value).lower()
    if not text or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Problem(f"expected yes or no, got {text!r}")
