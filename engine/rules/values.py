"""The value types every part of a rule file uses: money, percents, counts, degrees, and cited blocks."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Money = Annotated[Decimal, Field(ge=0, decimal_places=2, description="an amount in dollars, at most two decimals, >= 0")]
Percent = Annotated[Decimal, Field(ge=0, le=1000, description="a percentage, e.g. 4 for 4%")]
Hours = Annotated[Decimal, Field(ge=0, description="hours or credit, >= 0")]
Count = Annotated[int, Field(ge=0, description="a whole number >= 0")]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", description="a month and day, MM-DD")]

# Lowest first. "none": a lane that needs no degree (e.g. non-licensed staff); any degree meets it.
DEGREES = ("none", "bachelor", "master", "specialist", "doctorate")
Degree = Literal["none", "bachelor", "master", "specialist", "doctorate"]
STATUSES = ("submitted", "granted", "denied")
CreditKind = Literal["graduate_credit", "pd_hours", "workshop_points", "cpe_hours"]


class Strict(BaseModel):
    """A closed set of keys: anything unknown is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Memo(BaseModel):
    """A rule-file model that keeps values derived from it (rules are immutable once loaded)."""

    _memo: tuple | None = PrivateAttr(None)


def memo(model: Memo) -> dict:
    """The model's own cache of derived values; a copy (model_copy) gets a fresh one, never its original's."""
    private = model.__pydantic_private__
    found = private["_memo"]
    if found is not None and found[0] == id(model):
        return found[1]
    found = private["_memo"] = (id(model), {})
    return found[1]


class Cited(Strict):
    """A value that matters: where it comes from, and whether it is illustrative."""

    description: str | None = None
    reference: str | None = Field(None, description="a key of district.sources, or a citation")
    illustrative: bool = Field(False, description="true when the figure is made up, not the district's")
    note: str | None = None


def dated_value(values: dict[date, object] | object, on: date):
    """The value in force on a date: the latest entry on or before it; None if none or ended."""
    if not isinstance(values, dict):
        return values
    current = None
    for start in sorted(values):
        if start <= on:
            current = values[start]
    return current


DatedMoney = Union[Money, dict[date, Union[Money, None]]]
DatedPercent = Union[Percent, dict[date, Union[Percent, None]]]
