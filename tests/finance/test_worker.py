"""The task queue with real worker processes (issue 15: Huey ran in immediate mode in every test). A run goes
through a worker on a SQLite queue (with SQLite) and on Redis (with PostgreSQL, as across machines); its progress
is seen while it is in flight; and a worker killed mid-run leaves no run stuck (issue 10, item 5): the part it
held is handed to the next worker and the answer is the one a single in-process worker gives."""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from engine.budget.projection import project
from engine.budget.roster import synthesize
from engine.budget.scenario import Policy, Scenario
from models.finance import ProjectionRun, RunPart, RunStatus
from services import finance
from services import roster as rosters
from tests.conftest import POSTGRES_URL, csrf_token

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("LANEWISE_TEST_REDIS_URL")
LEASE = "5"   # seconds: a killed worker's part is handed out again after this


@pytest.fixture(params=[
    pytest.param("sqlite", id="sqlite-queue"),
    pytest.param("postgresql", id="redis-queue", marks=pytest.mark.skipif(
        not (POSTGRES_URL and REDIS_URL), reason="LANEWISE_TEST_POSTGRES_URL and LANEWISE_TEST_REDIS_URL are needed")),
])
def database_url(request, tmp_path):
    """SQLite with a SQLite queue (one machine); PostgreSQL with a Redis queue (many machines)."""
    from tests.conftest import _reset_schema

    url = f"sqlite:///{tmp_path / 'lanewise.db'}" if request.param == "sqlite" else POSTGRES_URL
    _reset_schema(url)
    return url


@pytest.fixture
def queue(database_url, tmp_path, monkeypatch, immediate_huey):
    """This process's Huey on a fresh queue (not immediate); gives the environment a worker needs to share it."""
    from huey.storage import RedisStorage, SqliteStorage

    immediate_huey.immediate = False
    name = f"lanewise-test-{uuid.uuid4().hex[:10]}"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LANEWISE_HUEY_DB")}
    env.update(LANEWISE_QUEUE=name, LANEWISE_RUN_LEASE_SECONDS=LEASE, DATABASE_URL=database_url)
    if database_url.startswith("sqlite"):
        env["LANEWISE_HUEY_DB"] = str(tmp_path / "huey.db")
        storage = SqliteStorage(name, filename=env["LANEWISE_HUEY_DB"])
    else:
        env["REDIS_URL"] = REDIS_URL
        storage = RedisStorage(name, url=REDIS_URL)
    monkeypatch.setattr(immediate_huey, "storage", storage)
    monkeypatch.setenv("LANEWISE_RUN_LEASE_SECONDS", LEASE)
    yield env
    storage.flush_all()


@pytest.fixture
def workers(queue):
    """Give a function that starts a Huey worker process (its own process group) on the test's queue."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "tasks.huey", "-w", "1", "-k", "process", "-n", "-q",
             "-d", "0.05", "-m", "0.2", "-b", "1.0"],
            cwd=ROOT, env=queue, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        return process

    yield start
    for process in started:
        kill(process)


def kill(process: subprocess.Popen) -> None:
    """kill -9 a worker and its children."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def saved_scenario(session, districts, teachers: int, draws: int):
    rules = districts["harmony"]
    record = rosters.save_roster(session=session, rules=rules, name="Synthetic", roster=synthesize(rules, teachers, seed=8))
    scenario = Scenario(name="Stipend", district_id="harmony", years=10, draws=draws, seed=5,
                        policy=Policy(stipend_per_micro_credential="200.00", stipend_cap_per_year=8))
    saved = finance.save_scenario(session=session, rules=rules, scenario=scenario, roster_id=record.id)
    return saved, scenario, record


def start_run_through_the_page(client, scenario_id: int) -> int:
    response = client.post(f"/finance/scenarios/{scenario_id}/run",
                           data={"csrf_token": csrf_token(client, f"/finance/scenarios/{scenario_id}")})
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def watch(app, run_id: int, until, seconds: float = 120.0) -> list[tuple[str, int]]:
    """(status, progress) as the database holds them, read every few milliseconds until `until(status, progress)`."""
    seen = []
    deadline = time.monotonic() + seconds
    with Session(app.extensions["lanewise_engine"]) as session:
        while time.monotonic() < deadline:
            session.expire_all()
            run = session.get(ProjectionRun, run_id)
            seen.append((str(run.status), run.progress))
            if until(*seen[-1]):
                return seen
            time.sleep(0.01)
    raise AssertionError(f"run {run_id} still {seen[-1]} after {seconds} s")


def assert_one_workers_answer(session, districts, run_id: int, scenario, roster_id: int) -> None:
    run = session.get(ProjectionRun, run_id)
    session.refresh(run)
    assert run.status == RunStatus.done, run.error
    rules = districts["harmony"]
    roster = rosters.load_roster(session=session, rules=rules, roster_id=roster_id)
    chosen, base = project(rules, scenario, roster), project(rules, scenario.baseline(), roster)
    result = json.loads(run.result)
    assert result["years"] == chosen.years and result["baseline"] == base.years
    assert result["bands"] == chosen.bands and result["baseline_bands"] == base.bands
    assert session.scalar(select(func.count()).select_from(RunPart)) == 0


def test_a_run_goes_through_a_real_worker_and_its_progress_shows_while_in_flight(app, client, login_as, session,
                                                                              districts, workers):
    saved, scenario, roster = saved_scenario(session, districts, teachers=1500, draws=2000)
    workers()
    login_as("finance")
    run_id = start_run_through_the_page(client, saved.id)
    assert client.get(f"/finance/runs/{run_id}/status").get_json()["status"] in ("queued", "running")
    seen = watch(app, run_id, lambda status, progress: status in ("done", "failed"))
    in_flight = sorted({progress for status, progress in seen if status == "running" and 5 < progress < 100})
    assert len(in_flight) >= 2, seen[-20:]   # the page's progress bar moved while the worker was at it
    assert_one_workers_answer(session, districts, run_id, scenario, roster.id)
    page = client.get(f"/finance/runs/{run_id}").get_data(as_text=True)
    assert 'data-testid="total-scenario"' in page


def test_a_worker_killed_mid_run_hands_its_part_on_and_no_run_is_stuck(app, client, login_as, session, districts,
                                                                       workers):
    saved, scenario, roster = saved_scenario(session, districts, teachers=1500, draws=3000)
    first = workers()
    login_as("finance")
    run_id = start_run_through_the_page(client, saved.id)
    watch(app, run_id, lambda status, progress: status == "running" and progress > 5)
    kill(first)   # kill -9, mid-run: the part it held stays "running" with its last heartbeat
    session.expire_all()
    assert session.get(ProjectionRun, run_id).status == RunStatus.running
    workers()
    # The status the page polls hands the dead worker's part on once its lease lapses; the run ends, never stuck.
    deadline = time.monotonic() + 120
    while (status := client.get(f"/finance/runs/{run_id}/status").get_json()["status"]) not in ("done", "failed"):
        assert time.monotonic() < deadline, f"run {run_id} stuck at {status}"
        time.sleep(0.2)
    assert_one_workers_answer(session, districts, run_id, scenario, roster.id)
