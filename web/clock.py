"""The app's one clock: every page and service call that needs today's date or the time asks here.

`LANEWISE_TODAY` (a date, or an ISO date string) in the app's config fixes the date, so tests and
demos can run the calendar forward; the engine never reads a clock and takes the date as a parameter.
"""

from datetime import UTC, date, datetime

from flask import current_app

from models.types import utcnow


def today() -> date:
    """Today, or the date set in LANEWISE_TODAY."""
    fixed = current_app.config.get("LANEWISE_TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    return date.today()


def now() -> datetime:
    """The current time (UTC), on `today()`'s date."""
    current = utcnow()
    fixed = today()
    return current if fixed == current.date() else datetime.combine(fixed, current.time(), tzinfo=UTC)
