"""Background work on Huey: long projection runs never run in a web worker.

Storage: SQLite in the instance folder by default (`instance/huey.db`, or LANEWISE_HUEY_DB);
REDIS_URL selects Redis. Start a worker with `flask huey-worker` or `huey_consumer tasks.huey`.
Tests switch Huey to immediate mode (`huey.immediate = True`): tasks run in-process at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey


def make_huey():
    """The queue: Redis when REDIS_URL is set, else a SQLite file in the instance folder."""
    if os.environ.get("REDIS_URL"):
        return RedisHuey("lanewise", url=os.environ["REDIS_URL"])
    path = os.environ.get("LANEWISE_HUEY_DB") or str(Path(__file__).resolve().parent / "instance" / "huey.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("lanewise", filename=path)


huey = make_huey()


@huey.task()
def run_projection(run_id: int, database_url: str, rules_dir: str) -> None:
    """Execute a queued projection run; its progress and result are written to the run's row."""
    from sqlmodel import Session

    from engine import load_districts
    from services import finance
    from web.extensions import make_engine

    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            finance.execute_run(session=session, run_id=run_id, districts=load_districts(rules_dir))
    finally:
        engine.dispose()
