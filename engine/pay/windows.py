"""Submission windows: a window's deadline in a school year, the date it makes a change
effective, and which window a filing on a given day falls in.

A window names its deadline and effective date as MM-DD. The effective date is the
occurrence of its MM-DD nearest the deadline, so "by October 1, retroactive to July 1"
looks back and "by May 22, effective July 1" looks forward to the next school year.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.rules import DistrictRules, Window
from engine.rules.values import memo
from engine.school_year import SchoolYear


@dataclass(frozen=True)
class WindowDates:
    """A submission window in one school year: its deadline, effective date and share of the year."""

    window: Window
    deadline: date
    effective: date
    school_year: SchoolYear

    def to_json(self) -> dict:
        return {"window": self.window.id, "name": self.window.name, "deadline": self.deadline.isoformat(),
                "effective": self.effective.isoformat(), "school_year": self.school_year.label,
                "share_of_year": str(self.window.share_of_year)}


def month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    return month, day


def _nearest(month: int, day: int, anchor: date) -> date:
    """The date with this month and day nearest to `anchor`."""
    candidates = [date(anchor.year + k, month, day) for k in (-1, 0, 1)]
    return min(candidates, key=lambda d: abs((d - anchor).days))


def window_dates(rules: DistrictRules, window: Window, school_year: SchoolYear) -> WindowDates:
    """A window's deadline in a school year and the effective date it gives (kept once worked out)."""
    cache = memo(window)
    key = (school_year.start, rules.district.school_year_starts)
    if key not in cache:
        cache[key] = _window_dates(rules, window, school_year)
    return cache[key]


def _window_dates(rules: DistrictRules, window: Window, school_year: SchoolYear) -> WindowDates:
    deadline = school_year.date_in_year(*month_day(window.deadline))
    effective = _nearest(*month_day(window.effective), deadline)
    month, day = month_day(rules.district.school_year_starts)
    return WindowDates(window, deadline, effective, SchoolYear.containing(effective, month, day))


def window_on(rules: DistrictRules, filed_on: date, window_id: str | None = None) -> WindowDates | None:
    """The window a request filed on a date falls in: the named one, else the one with the next deadline."""
    month, day = month_day(rules.district.school_year_starts)
    candidates = []
    for offset in (0, 1):
        year = SchoolYear.containing(filed_on, month, day).plus(offset)
        for window in rules.submission_windows:
            if window_id and window.id != window_id:
                continue
            dates = window_dates(rules, window, year)
            if dates.deadline >= filed_on:
                candidates.append(dates)
    if not candidates:
        return None
    return min(candidates, key=lambda d: (d.deadline, d.effective))


def open_windows(rules: DistrictRules, filed_on: date) -> list[WindowDates]:
    """Every window still open on a date, by deadline: what a teacher may choose from."""
    found = [window_on(rules, filed_on, window.id) for window in rules.submission_windows]
    return sorted((w for w in found if w is not None), key=lambda w: w.deadline)


