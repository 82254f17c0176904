"""HR's queue of requests: the states it shows, a filtered, keyset-paginated page of it, and what it can be
filtered by."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, text
from sqlmodel import Session, select

from engine.hr.workflow import State
from models import Teacher

# The queue's (scale, issue 14): its default view read through the waiting requests' partial index.
from models.hr import WAITING, ChangeRequest
from models.types import utcnow

QUEUE_STATES = (State.submitted, State.pre_approved, State.returned, State.approved, State.denied, State.withdrawn)
OPEN_STATES = (State.submitted, State.pre_approved)


@dataclass
class QueuePage:
    """One page of HR's queue and the cursor to the next."""

    rows: list[tuple[ChangeRequest, Teacher]]
    next_cursor: str | None
    total: int


SORTS = {"oldest": False, "newest": True}


def queue(*, session: Session, district: str | None = None, school: str | None = None, status: str | None = None,
          window: str | None = None, older_than_days: int | None = None, sort: str = "oldest",
          cursor: str | None = None, page_size: int = 50, now: datetime | None = None, count: bool = True,
          district_ids: Collection[str] | None = None) -> QueuePage:
    """A page of submitted requests filtered and sorted on indexed columns, keyset-paginated on (submitted_at, id).

    `district_ids` limits it to the reviewer's districts (None: every district, for the command line and benches)."""
    now = now or utcnow()
    if status:
        conditions = [ChangeRequest.submitted_at.is_not(None), ChangeRequest.status == status]
    else:
        # Written as the partial index's own SQL (no bound parameters), so both databases read the index in order.
        conditions = [text(f"change_requests.{WAITING.replace(' AND submitted_at', ' AND change_requests.submitted_at')}")]
    if district:
        conditions.append(ChangeRequest.district_id == district)
    if district_ids is not None:
        conditions.append(ChangeRequest.district_id.in_(sorted(district_ids)))
    if school:
        conditions.append(ChangeRequest.school == school)
    if window:
        conditions.append(ChangeRequest.window_id == window)
    if older_than_days:
        conditions.append(ChangeRequest.submitted_at <= now - timedelta(days=older_than_days))
    descending = SORTS.get(sort, False)
    total = session.exec(select(func.count()).select_from(ChangeRequest).where(*conditions)).one() if count else -1
    statement = select(ChangeRequest, Teacher).join(Teacher, Teacher.id == ChangeRequest.teacher_id).where(*conditions)
    if cursor:
        stamp, _, last_id = cursor.partition("|")
        at = datetime.fromisoformat(stamp)
        last = int(last_id)
        if descending:
            statement = statement.where(or_(ChangeRequest.submitted_at < at,
                                            and_(ChangeRequest.submitted_at == at, ChangeRequest.id < last)))
        else:
            statement = statement.where(or_(ChangeRequest.submitted_at > at,
                                            and_(ChangeRequest.submitted_at == at, ChangeRequest.id > last)))
    if descending:
        statement = statement.order_by(ChangeRequest.submitted_at.desc(), ChangeRequest.id.desc())
    else:
        statement = statement.order_by(ChangeRequest.submitted_at, ChangeRequest.id)
    rows = list(session.exec(statement.limit(page_size + 1)))
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last_request = rows[-1][0]
        next_cursor = f"{last_request.submitted_at.isoformat()}|{last_request.id}"
    return QueuePage([(r, t) for r, t in rows], next_cursor, total)


CHOICES_SECONDS = 30.0
_choices_cache: dict[str, tuple[float, tuple, dict[str, list[str]]]] = {}


def queue_choices(*, session: Session, district_ids: Collection[str] | None = None) -> dict[str, list[str]]:
    """The districts, schools and windows HR can filter the queue by (of the reviewer's districts, when given).

    Three DISTINCT scans per page view were a third of the queue's time, so the choices are kept per database
    and set of districts for CHOICES_SECONDS, and at once made anew when a request has been added (its newest
    id changes)."""
    scope = None if district_ids is None else tuple(sorted(district_ids))
    key = f"{session.get_bind().url}|{scope}"
    newest = session.exec(select(func.max(ChangeRequest.id))).one()
    cached = _choices_cache.get(key)
    if cached and cached[1] == (newest,) and cached[0] > time.monotonic():
        return {name: list(values) for name, values in cached[2].items()}

    def distinct(column):
        statement = select(column).distinct().order_by(column)
        if scope is not None:
            statement = statement.where(ChangeRequest.district_id.in_(scope))
        return [v for v in session.exec(statement) if v]
    choices = {"district": distinct(ChangeRequest.district_id), "school": distinct(ChangeRequest.school),
               "window": distinct(ChangeRequest.window_id)}
    _choices_cache[key] = (time.monotonic() + CHOICES_SECONDS, (newest,), choices)
    return {name: list(values) for name, values in choices.items()}
