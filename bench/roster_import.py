"""Benchmark the roster import against pandas in the same run; prints JSON.

    .venv/bin/python bench/roster_import.py [--teachers 100000] [--runs 3] [--database-url URL]

`import_100k`: a 100,000-row CSV read, every row checked and stored in one transaction (COPY on PostgreSQL),
against a plain baseline: pandas `read_csv`, the same checks written in pandas, and `to_sql` into the same table
(bench/baselines.py). Interleaved runs; min and median of each; ratio of medians (above 1: Lanewise is faster).
Goal: < 3 s. `same_errors`: on a copy of the file with 60 cells spoiled, both name the same (line, column) pairs
and store nothing. The database is a throwaway SQLite file unless --database-url names an EMPTY PostgreSQL one.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TODAY = date(2026, 11, 30)


def spoiled(content: bytes, cells: int, seed: int) -> bytes:
    """The file with `cells` cells replaced by values the import must refuse."""
    rng = random.Random(seed)
    lines = content.decode().splitlines()
    for _ in range(cells):
        i = rng.randrange(1, len(lines))
        values = lines[i].split(",")
        j = rng.choice([0, 2, 3, 4, 5, 6, 8, 9, 12])
        values[j] = rng.choice(["", "x", "99", "-1", "2099-01-01", "1939-12-31", "phd", "maybe", "1.234", "E000001"])
        lines[i] = ",".join(values)
    return ("\n".join(lines) + "\n").encode()


def main(argv=None) -> dict:
    from baselines import pandas_import
    from projection import figures
    from sqlalchemy import func, select
    from sqlmodel import Session, SQLModel

    import models  # noqa: F401  (registers every table)
    from engine import load_districts
    from engine.budget.roster import RosterError, roster_csv, synthesize
    from models.finance import BudgetRoster, RosterEntry
    from services import roster as rosters
    from web.extensions import make_engine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default="cedar-valley")
    parser.add_argument("--teachers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (default: a throwaway SQLite file)")
    args = parser.parse_args(argv)
    rules = load_districts()[args.district]
    content = roster_csv(synthesize(rules, args.teachers, seed=3)).encode()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        SQLModel.metadata.create_all(engine)
        ours, theirs, stored = [], [], set()
        for _ in range(args.runs):
            with Session(engine, expire_on_commit=False) as session:
                started = time.perf_counter()
                record = rosters.import_roster(session=session, rules=rules, name="ours", content=content,
                                               filename="roster.csv", today=TODAY)
                ours.append(time.perf_counter() - started)
                stored.add(rosters.entry_count(session=session, roster_id=record.id))
                target = BudgetRoster(district_id=rules.id, name="pandas", school_year="2026-27")
                session.add(target)
                session.commit()
                started = time.perf_counter()
                assert pandas_import(rules, content, engine, target.id, TODAY) == []
                theirs.append(time.perf_counter() - started)
                stored.add(rosters.entry_count(session=session, roster_id=target.id))
        bad = spoiled(content, 60, seed=9)
        with Session(engine) as session:
            before = session.scalar(select(func.count()).select_from(RosterEntry))
            try:
                rosters.import_roster(session=session, rules=rules, name="bad", content=bad, filename="bad.csv", today=TODAY)
                found = []
            except RosterError as exc:
                found = sorted({(e.line, e.column) for e in exc.errors})
            baseline = sorted(set(pandas_import(rules, bad, engine, -1, TODAY)))
            nothing_stored = session.scalar(select(func.count()).select_from(RosterEntry)) == before
        engine.dispose()
    import statistics

    out = {"import_100k": figures(ours, theirs, teachers=args.teachers, database=engine.dialect.name,
                                  baseline="pandas read_csv + the same checks + to_sql (bench/baselines.py)",
                                  goal="< 3 s", met=statistics.median(ours) < 3, rows_stored_each=sorted(stored),
                                  bad_rows_found=len({line for line, _ in found}),
                                  same_errors=found == baseline and bool(found), nothing_stored=nothing_stored)}
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
