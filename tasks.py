"""Background work on Huey: projection runs never run in a web worker.

Storage: Redis when REDIS_URL is set (`RedisHuey`; many machines share one queue), else SQLite in the
instance folder (`instance/huey.db`, LANEWISE_INSTANCE's, or LANEWISE_HUEY_DB; one machine). LANEWISE_QUEUE names the queue
(default `lanewise`). Start a worker with `flask huey-worker` or `huey_consumer tasks.huey`.

A run is split into parts (`services.runs`): `run_projection` splits it and queues its parts, `run_part`
computes one, and the worker that stores the last part puts the result together. `check_runs` (every
minute on every worker, and whenever a run's page asks) gives parts whose worker died back to the queue.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from huey import RedisHuey, SqliteHuey, crontab


def make_huey():
    """The queue: Redis when REDIS_URL is set, else a SQLite file in the instance folder."""
    name = os.environ.get("LANEWISE_QUEUE") or "lanewise"
    if os.environ.get("REDIS_URL"):
        return RedisHuey(name, url=os.environ["REDIS_URL"])
    instance = Path(os.environ.get("LANEWISE_INSTANCE") or Path(__file__).resolve().parent / "instance")
    path = os.environ.get("LANEWISE_HUEY_DB") or str(instance / "huey.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path)


huey = make_huey()
_cache = None


@lru_cache(maxsize=4)
def _engine(database_url: str):
    from web.extensions import make_engine

    return make_engine(database_url)


@lru_cache(maxsize=4)
def _districts(rules_dir: str):
    from engine import load_districts

    return load_districts(rules_dir)


def _worker_cache():
    global _cache
    if _cache is None:
        from services.runs import WorkerCache

        _cache = WorkerCache()
    return _cache


def _session(database_url: str):
    from sqlmodel import Session

    return Session(_engine(database_url), expire_on_commit=False)


@huey.task()
def run_projection(run_id: int, database_url: str, rules_dir: str) -> None:
    """Split a queued projection run into parts and queue them (they run on any worker)."""
    from services import runs

    with _session(database_url) as session:
        parts = runs.start_run(session=session, run_id=run_id, districts=_districts(rules_dir))
    for part_id in parts:
        run_part(part_id, database_url, rules_dir)


@huey.task()
def run_part(part_id: int, database_url: str, rules_dir: str) -> None:
    """Compute one part of a run; the worker that stores the last part puts the result together."""
    from services import runs

    with _session(database_url) as session:
        runs.execute_part(session=session, part_id=part_id, districts=_districts(rules_dir), cache=_worker_cache())


@huey.task()
def finish_run(run_id: int, database_url: str, rules_dir: str) -> None:
    """Put together a run whose parts are all done (its previous finisher went silent)."""
    from services import runs

    with _session(database_url) as session:
        runs.finish_run(session=session, run_id=run_id, districts=_districts(rules_dir))


def requeue(database_url: str, rules_dir: str, run_id: int | None = None) -> tuple[list[int], list[int], list[int]]:
    """Give the work of runs whose worker went silent back to the queue; returns what was queued again."""
    from services import runs

    with _session(database_url) as session:
        parts, starts, finishes = runs.check_runs(session=session, run_id=run_id)
    for part_id in parts:
        run_part(part_id, database_url, rules_dir)
    for again in starts:
        run_projection(again, database_url, rules_dir)
    for again in finishes:
        finish_run(again, database_url, rules_dir)
    return parts, starts, finishes


@huey.periodic_task(crontab(minute="*"))
def check_runs() -> None:
    """Every minute, on every worker: runs whose worker died are taken up again (or failed after three tries)."""
    instance = Path(os.environ.get("LANEWISE_INSTANCE") or Path(__file__).resolve().parent / "instance")
    database_url = os.environ.get("DATABASE_URL") or "sqlite:///" + str(instance / "lanewise.db")
    rules_dir = os.environ.get("LANEWISE_DISTRICT_RULES") or str(Path(__file__).resolve().parent / "district_rules")
    requeue(database_url, rules_dir)
