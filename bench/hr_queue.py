"""HR queue benchmark: seed 20,000 requests, time the queue's filters, sorts and deep pages; print JSON.

    .venv/bin/python bench/hr_queue.py                      # a throwaway SQLite file
    .venv/bin/python bench/hr_queue.py --database-url postgresql+psycopg://...   # an EMPTY PostgreSQL database

Each figure is the median of several runs, in milliseconds, and includes the count of matching requests.
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


def plan(engine) -> list[str]:
    """The database's plan for the default queue page (shows the index in use)."""
    sql = ("SELECT * FROM change_requests WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'pre_approved') "
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
            "district_and_status_approved": timed(engine, runs, district="dysart", status="approved"),
            "school": timed(engine, runs, school="harmony school 2"),
            "window_second_semester": timed(engine, runs, window="second-semester"),
            "waiting_over_90_days": timed(engine, runs, older_than_days=90),
            "approved_100_per_page": timed(engine, runs, status="approved", page_size=100),
            "approved_page_50_by_keyset": deep_page(engine, 50, runs, status="approved"),
        },
        "plan_waiting_oldest_first": plan(engine),
    }
    print(json.dumps(results, indent=2))
    engine.dispose()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
