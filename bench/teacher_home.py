"""The teacher's home page with its first card ("your next micro-credentials: +$X a year from <date>", the engine's
best next steps) against the same page without the card, measured in the same run; print JSON.

    .venv/bin/python bench/teacher_home.py [--runs 15]

Seeds the demo in a throwaway SQLite file and opens, in-process with the Flask test client, /teacher/ as the demo
teacher (with the card) and /teacher/records/<id> as HR (the same page for the same teacher, without the card),
interleaved. Each figure is the median (and min) of --runs runs in milliseconds; the ratio is no card / card.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    from sqlmodel import Session, select

    from app import create_app
    from engine import schedule_table
    from models import User
    from services import demo, schema, teachers
    from web.estimating import districts

    folder = Path(tempfile.mkdtemp(prefix="lanewise-bench-home-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "LANEWISE_TODAY": date(2026, 9, 15)})
    engine = app.extensions["lanewise_engine"]
    with app.app_context():
        schema.upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            demo.seed(session=session, districts=districts(), schedule_table=schedule_table)
            user = session.exec(select(User).where(User.username == "teacher")).one()
            teacher = teachers.teacher_for_user(session=session, user_id=user.id)
    clients = {}
    for name, password in (("teacher", "teacher-demo-1"), ("hr", "hr-demo-1")):
        client = app.test_client()
        assert client.post("/auth/login", data={"username": name, "password": password}).status_code == 302
        clients[name] = client
    pages = {"with_card": (clients["teacher"], "/teacher/"),
             "without_card": (clients["hr"], f"/teacher/records/{teacher.id}")}
    for client, path in pages.values():  # warm: templates compiled, rules read
        assert client.get(path).status_code == 200
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.runs):
        for name, (client, path) in pages.items():
            start = time.perf_counter()
            response = client.get(path)
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    assert b"next-micro-credentials" in clients["teacher"].get("/teacher/").data
    figures = {name: {"median_ms": round(statistics.median(found), 1), "min_ms": round(min(found), 1)}
               for name, found in times.items()}
    # As every bench/ ratio: the baseline's median over Lanewise's (below 1: the card costs that share).
    figures["ratio_median"] = round(figures["without_card"]["median_ms"] / figures["with_card"]["median_ms"], 2)
    print(json.dumps({"teacher_home": figures}, indent=2))
    return figures


if __name__ == "__main__":
    main()
