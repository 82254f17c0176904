"""A school year as a value with a start date, not a loose string."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from datetime import date

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class SchoolYear:
    """The school year that starts on `start` (usually July 1) and runs a year."""

    start: date

    @classmethod
    @lru_cache(maxsize=4096)
    def from_label(cls, label: str, month: int = 7, day: int = 1) -> "SchoolYear":
        """The school year for a label such as '2026-27' (labels are read once, then remembered)."""
        match = _LABEL.match(label.strip())
        if not match:
            raise ValueError(f"expected a school year like 2026-27, got {label!r}")
        first = int(match.group(1))
        if (first + 1) % 100 != int(match.group(2)):
            raise ValueError(f"{label!r} is not two consecutive years (expected {first}-{(first + 1) % 100:02d})")
        return cls(date(first, month, day))

    @classmethod
    def containing(cls, day: date, month: int = 7, start_day: int = 1) -> "SchoolYear":
        """The school year in which a date falls."""
        first = day.year if (day.month, day.day) >= (month, start_day) else day.year - 1
        return cls(date(first, month, start_day))

    @cached_property
    def label(self) -> str:
        """The usual label, e.g. '2026-27'."""
        return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"

    @property
    def end(self) -> date:
        """The first day of the next school year."""
        return self.start.replace(year=self.start.year + 1)

    def plus(self, years: int) -> "SchoolYear":
        """The school year `years` later (one object per start date, so its label is worked out once)."""
        return _starting(self.start.replace(year=self.start.year + years))

    def date_in_year(self, month: int, day: int) -> date:
        """The date with this month and day that falls inside the school year."""
        candidate = date(self.start.year, month, day)
        return candidate if candidate >= self.start else date(self.start.year + 1, month, day)

    def __str__(self) -> str:
        return self.label


@lru_cache(maxsize=4096)
def _starting(start: date) -> SchoolYear:
    return SchoolYear(start)
