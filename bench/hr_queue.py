"""HR queue benchmark: seed 20,000 requests, time the queue's filters, sorts and deep pages; print JSON.

    .venv/bin/python bench/hr_queue.py                      # a throwaway SQLite file
    .venv/bin/python bench/hr_queue.py --database-url postgresql+psycopg://...   # an EMPTY PostgreSQL database

Each figure is the median of several runs, in milliseconds, and includes the count of matching requests.
`page` is the whole queue page in-process (the Flask test client, signed in as HR of every seeded district: its
districts read, queries limited to them, filter choices, template) against a plain baseline measured in the same
run, interleaved: the same 50 rows and count fetched by one raw DB-API query each (limited to the same districts),
with no ORM and no template (goal: the page under 15 ms).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import models  # noqa: E402,F401  (registers every table)
from models import Teacher  # noqa: E402
from models.hr import ChangeRequest  # noqa: E402
from services import hr  # noqa: E402
from web.extensions import make_engine  # noqa: E402

DISTRICTS = {"cedar-valley": ["full-year", "retroactive", "second-semester"], "dysart": ["full-year"],
             "harmony": ["full-year"], "prairie-ridge": ["full-year", "second-semester"]}
STATUSES = ["submitted"] * 30 + ["pre_approved"] * 5 + ["approved"] * 35 + ["denied"] * 10 + ["returned"] * 10 + \
           ["withdrawn"] * 5 + ["draft"] * 5
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def seed(engine, requests: int, teachers: int, rng: random.Random) -> None:
    """Add `teachers` teachers in 40 schools and `requests` requests over the last three years."""
    with engine.begin() as connection:
        connection.execute(insert(Teacher), [
            {"district_id": d, "employee_id": f"E{i:06d}", "name": f"Teacher {i}", "school": f"{d} school {i % 10}",
             "created_at": NOW}
            for i in range(teachers) for d in [list(DISTRICTS)[i % len(DISTRICTS)]]])
        ids = [row[0] for row in connection.execute(text("select id, district_id, school from teachers"))]
        info = {row[0]: (row[1], row[2]) for row in connection.execute(text("select id, district_id, school from teachers"))}
        rows = []
        for _ in range(requests):
            teacher_id = rng.choice(ids)
            district, school = info[teacher_id]
            status = rng.choice(STATUSES)
            submitted = None if status == "draft" else NOW - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            rows.append({"teacher_id": teacher_id, "district_id": district, "school": school, "status": status,
                         "kind": rng.choice(["lane_change", "lane_change", "growth_step", "role"]),
                         "window_id": rng.choice(DISTRICTS[district]), "note": "", "version": 1,
                         "created_at": submitted or NOW, "submitted_at": submitted,
                         "first_submitted_at": submitted})
        for start in range(0, len(rows), 5000):
            connection.execute(insert(ChangeRequest), rows[start:start + 5000])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))


def timed(engine, runs: int, **query) -> dict:
    """Median milliseconds of one queue page (with its count), and how many matched."""
    times = []
    page = None
    for _ in range(runs):
        with Session(engine) as session:
            started = time.perf_counter()
            page = hr.queue(session=session, now=NOW, **query)
            times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2), "matched": page.total,
            "rows": len(page.rows)}


def deep_page(engine, pages: int, runs: int, **query) -> dict:
    """Follow the keyset cursor `pages` pages in, then time that page."""
    with Session(engine) as session:
        cursor = None
        for _ in range(pages - 1):
            cursor = hr.queue(session=session, now=NOW, cursor=cursor, count=False, **query).next_cursor
    result = timed(engine, runs, cursor=cursor, **query)
    result["page"] = pages
    return result


def page_figures(url: str, runs: int) -> dict:
    """The queue page in-process against the raw queries for the same rows, interleaved; min and median ms."""
    import re

    from app import create_app
    from models import Role, UserCreate
    from services import accounts

    app = create_app({"TESTING": True, "ENV_NAME": "testing", "SECRET_KEY": "bench", "DATABASE_URL": url,
                      "WTF_CSRF_ENABLED": False, "LANEWISE_TODAY": NOW.date().isoformat()})
    engine = app.extensions["lanewise_engine"]
    with Session(engine) as session:
        officer = accounts.create_user(session=session, user=UserCreate(
            username="bench-hr", display_name="HR", role=Role.hr, password="bench password 1"))
        accounts.set_user_districts(session=session, user=officer, district_ids=list(DISTRICTS))
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "bench-hr", "password": "bench password 1"}).status_code == 302
    scope = ", ".join(f"'{d}'" for d in sorted(DISTRICTS))
    raw = ("SELECT r.*, t.* FROM change_requests r JOIN teachers t ON t.id = r.teacher_id "
           "WHERE r.status IN ('submitted', 'pre_approved') AND r.submitted_at IS NOT NULL "
           f"AND r.district_id IN ({scope}) ORDER BY r.submitted_at, r.id LIMIT 51")
    count = ("SELECT count(*) FROM change_requests WHERE status IN ('submitted', 'pre_approved') "
             f"AND submitted_at IS NOT NULL AND district_id IN ({scope})")
    page_ms, baseline_ms = [], []
    client.get("/hr/")  # templates compiled, caches warm: both sides are measured warm
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/hr/")
        page_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and len(re.findall(r'name="request_id"', response.get_data(as_text=True))) == 50
        connection = engine.raw_connection()
        try:
            started = time.perf_counter()
            cursor = connection.cursor()
            cursor.execute(count)
            cursor.fetchall()
            cursor.execute(raw)
            rows = cursor.fetchall()
            baseline_ms.append((time.perf_counter() - started) * 1000)
            assert len(rows) == 51
        finally:
            connection.close()
    app.extensions["lanewise_engine"].dispose()
    return {"page_min_ms": round(min(page_ms), 2), "page_median_ms": round(statistics.median(page_ms), 2),
            "baseline_min_ms": round(min(baseline_ms), 2), "baseline_median_ms": round(statistics.median(baseline_ms), 2),
            "ratio_median": round(statistics.median(page_ms) / statistics.median(baseline_ms), 1),
            "goal_ms": 15, "runs": runs}


def plan(engine) -> list[str]:
    """The database's plan for the default queue page (shows the index in use)."""
    sql = ("SELECT * FROM change_requests WHERE status IN ('submitted', 'pre_approved') AND submitted_at IS NOT NULL "
           "ORDER BY submitted_at, id LIMIT 51")
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return [row[-1] for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
        return [row[0] for row in connection.execute(text("EXPLAIN " + sql))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an EMPTY database to seed (default: a throwaway SQLite file)")
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--teachers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)
    folder = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(folder.name) / 'bench.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    started = time.perf_counter()
    seed(engine, args.requests, args.teachers, random.Random(args.seed))
    seeded = time.perf_counter() - started
    runs = args.runs
    results = {
        "database": engine.dialect.name,
        "requests": args.requests,
        "teachers": args.teachers,
        "seed_seconds": round(seeded, 2),
        "queries": {
            "waiting_oldest_first": timed(engine, runs),
            "waiting_newest_first": timed(engine, runs, sort="newest"),
            "district": timed(engine, runs, district="cedar-valley"),
            "waiting_in_two_of_four_districts": timed(engine, runs, district_ids=["cedar-valley", "harmony"]),
            "district_and_status_approved": timed(engine, runs, district="dysart", status="approved"),
            "school": timed(engine, runs, school="harmony school 2"),
            "window_second_semester": timed(engine, runs, window="second-semester"),
            "waiting_over_90_days": timed(engine, runs, older_than_days=90),
            "approved_100_per_page": timed(engine, runs, status="approved", page_size=100),
            "approved_page_50_by_keyset": deep_page(engine, 50, runs, status="approved"),
        },
        "plan_waiting_oldest_first": plan(engine),
        "page": page_figures(url, max(runs, 5) * 3),
    }
    print(json.dumps(results, indent=2))
    engine.dispose()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
