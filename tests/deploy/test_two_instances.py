"""Lanewise across machines (issue 14): two app instances (gunicorn) and two task workers, each with its own
instance folder, sharing one PostgreSQL and one Redis. A projection queued on one instance is watched on the other
while one worker is killed mid-run; an HR approval made on one instance is seen on the other. The answers equal
one in-process worker's, and nothing is lost or stuck: every part done, nothing left in the queue."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from sqlalchemy import create_engine, func, select, text

from engine.budget.projection import project
from engine.budget.roster import synthesize
from engine.budget.scenario import Policy, Scenario
from models.finance import ProjectionRun, RunPart, RunStatus
from models.hr import ChangeRequest
from services import finance, hr
from services import roster as rosters
from tests.conftest import PASSWORD, POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("LANEWISE_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL),
                                reason="LANEWISE_TEST_POSTGRES_URL and LANEWISE_TEST_REDIS_URL are needed")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def database_url():
    """A database of its own on the test PostgreSQL server, dropped afterwards."""
    from tests.conftest import _reset_schema

    name = f"lanewise_two_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    _reset_schema(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A signed-in person on one instance: cookies kept, redirects not followed."""

    class _Stay(HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), self._Stay())

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(Request(self.base + path, data=body), timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.open(path)[1]).group(1)

    def sign_in(self, username: str) -> "Browser":
        status, _, _ = self.open("/auth/login", {"csrf_token": self.token("/auth/login"), "username": username,
                                                 "password": PASSWORD})
        assert status == 302
        return self


@pytest.fixture
def deployment(database_url, tmp_path):
    """Two gunicorn instances and two Huey workers, each in its own instance folder, on one PostgreSQL and Redis."""
    queue = f"lanewise-two-{uuid.uuid4().hex[:8]}"
    shared = {k: v for k, v in os.environ.items() if k not in ("LANEWISE_HUEY_DB",)}
    shared.update(DATABASE_URL=database_url, REDIS_URL=REDIS_URL, LANEWISE_QUEUE=queue, SECRET_KEY="two-instances-key",
                  LANEWISE_RUN_LEASE_SECONDS="5", PYTHONPATH=str(ROOT))
    evidence = tmp_path / "shared-evidence"   # evidence files live on storage every instance reaches
    config = {"LANEWISE_TODAY": "2026-10-15", "LANEWISE_EVIDENCE_ROOT": str(evidence)}
    processes: dict[str, subprocess.Popen] = {}
    bases = []
    for name in ("a", "b"):
        port = free_port()
        processes[f"app-{name}"] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", f"app:create_app({config!r})"],
            cwd=ROOT, env=shared | {"LANEWISE_INSTANCE": str(tmp_path / f"instance-{name}")}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        bases.append(f"http://127.0.0.1:{port}")
    for name in ("1", "2"):
        processes[f"worker-{name}"] = subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "tasks.huey", "-w", "1", "-k", "process", "-n", "-q"],
            cwd=ROOT, env=shared | {"LANEWISE_INSTANCE": str(tmp_path / f"worker-{name}")}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    for base in bases:
        while True:
            try:
                if Browser(base).open("/auth/login")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"{base} did not start"
            time.sleep(0.2)
    yield {"a": bases[0], "b": bases[1], "processes": processes, "queue": queue, "evidence": evidence}
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    from huey.storage import RedisStorage

    RedisStorage(queue, url=REDIS_URL).flush_all()


def test_two_instances_and_two_workers_give_the_same_answers_with_a_worker_killed(deployment, session, districts,
                                                                                   make_user, make_teacher):
    # Finance: a scenario queued on instance A, watched on instance B.
    rules = districts["harmony"]
    roster = rosters.save_roster(session=session, rules=rules, name="Synthetic", roster=synthesize(rules, 1500, seed=8))
    scenario = Scenario(name="Stipend", district_id="harmony", years=10, draws=3000, seed=5,
                        policy=Policy(stipend_per_micro_credential="200.00", stipend_cap_per_year=8))
    saved = finance.save_scenario(session=session, rules=rules, scenario=scenario, roster_id=roster.id)
    make_user("finance", "finance-two")
    on_a = Browser(deployment["a"]).sign_in("finance-two")
    on_b = Browser(deployment["b"]).sign_in("finance-two")
    status, _, headers = on_a.open(f"/finance/scenarios/{saved.id}/run",
                                   {"csrf_token": on_a.token(f"/finance/scenarios/{saved.id}")})
    assert status == 302
    run_id = int(headers["Location"].rstrip("/").split("/")[-1])

    # HR: a submitted lane change, approved on instance B while the projection runs.
    teacher_user = make_user("teacher", "teacher-two")
    teacher = make_teacher(user=teacher_user, district_id="cedar-valley")
    request = hr.create_request(session=session, rules=districts["cedar-valley"], teacher=teacher, actor=teacher_user,
                                kind="lane_change", today=datetime(2026, 9, 15).date(), new_credits=[hr.NewCredit("graduate_credit", Decimal("15"), "Reading courses",
                                                          datetime(2026, 6, 1).date())])
    hr.add_evidence(session=session, change_request=request, actor=teacher_user, filename="transcript.pdf", data=PDF,
                    instance_path=deployment["evidence"], rules=None)
    hr.transition(session=session, rules=districts["cedar-valley"], request_id=request.id,
                  expected_version=request.version, action="submit", actor=teacher_user,
                  now=datetime(2026, 9, 15, 15, 0, tzinfo=UTC))

    # Kill worker 1 (kill -9) once the run is under way; worker 2 carries on and takes its part.
    deadline = time.monotonic() + 120
    while (seen := json.loads(on_b.open(f"/finance/runs/{run_id}/status")[1]))["progress"] <= 5:
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.05)
    assert seen["status"] == "running", seen   # mid-run
    worker = deployment["processes"]["worker-1"]
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)

    officer = make_user("hr", "hr-two")
    on_b_hr = Browser(deployment["b"]).sign_in("hr-two")
    page = on_b_hr.open(f"/hr/requests/{request.id}")[1]
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    status, _, _ = on_b_hr.open(f"/hr/requests/{request.id}/decide",
                                {"csrf_token": token, "version": version, "action": "approve"})
    assert status == 302
    on_a_hr = Browser(deployment["a"]).sign_in("hr-two")
    assert "Approved" in on_a_hr.open(f"/hr/requests/{request.id}")[1]
    session.expire_all()
    approved = session.get(ChangeRequest, request.id)
    assert approved.status == "approved" and approved.decided_by == officer.id and approved.new_lane == "BA+15"

    while (state := json.loads(on_b.open(f"/finance/runs/{run_id}/status")[1])["status"]) not in ("done", "failed"):
        assert time.monotonic() < deadline + 120, f"run {run_id} stuck at {state}"
        time.sleep(0.2)
    session.expire_all()
    run = session.get(ProjectionRun, run_id)
    assert run.status == RunStatus.done, run.error
    loaded = rosters.load_roster(session=session, rules=rules, roster_id=roster.id)
    chosen, base = project(rules, scenario, loaded), project(rules, scenario.baseline(), loaded)
    result = json.loads(run.result)
    assert result["years"] == chosen.years and result["baseline"] == base.years
    assert result["bands"] == chosen.bands and result["difference_bands"]
    assert "Total cost" in on_a.open(f"/finance/runs/{run_id}")[1]
    # Nothing lost or stuck: no part left, and the shared queue is empty once duplicates are drained.
    assert session.scalar(select(func.count()).select_from(RunPart)) == 0
    from huey.storage import RedisStorage

    storage = RedisStorage(deployment["queue"], url=REDIS_URL)
    drained = time.monotonic() + 30
    while storage.queue_size():
        assert time.monotonic() < drained, f"{storage.queue_size()} messages left in the queue"
        time.sleep(0.2)
