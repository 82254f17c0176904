"""Benchmark the budget projection against plain baselines measured in the same run; prints JSON.

    .venv/bin/python bench/projection.py [--district cedar-valley] [--runs 5] [--quick] [--database-url URL]

Figures (issue 14), each with min and median of several interleaved runs and the ratio of medians:
- `expected_100k`: 100,000 teachers x 10 years, expected values, against the plain pandas model of the same
  projection (bench/baselines.py). Goal: < 0.25 s, and at least 2x the pandas model.
- `roster_load_1m`: a stored 1,000,000-teacher roster loaded as a projection loads it (the columns stored beside
  its rows), against the previous loader (one RosterTeacher object per teacher, then columns), from the same
  database; `from_rows_with_ids_seconds_median` is the rows read in chunks with employee ids (packed by the
  database), as for a roster stored before its columns were kept.
- `user_run_1m` (not with --quick): 1,000,000 teachers x 10 years x 1,000 draws as a user runs it: the run is
  queued, two Huey worker processes load the stored roster and share the scenario's and the baseline's parts,
  and the result is put together; timed from queueing to done. Baseline: the same run by one worker in one
  process (load, scenario, baseline, one after the other). Goal: < 15 s end to end and < 1 GiB per worker
  (peak resident memory, VmHWM, of each worker process). `user_run_1m_full`: the same with three units, two funding
  sources, vacancies, cohorts and a three-year proposal (issue 11); goal < 60 s.
- `reference_10k` (only with --reference, slow): the speed-up over the per-teacher reference, equal to the cent.
The database is a throwaway SQLite file unless --database-url names an EMPTY PostgreSQL database.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def figures(seconds_engine: list[float], seconds_baseline: list[float], **extra) -> dict:
    """Min and median of each side, and baseline / engine (above 1: Lanewise is faster)."""
    med_e, med_b = statistics.median(seconds_engine), statistics.median(seconds_baseline)
    return {"seconds_min": round(min(seconds_engine), 3), "seconds_median": round(med_e, 3),
            "baseline_seconds_min": round(min(seconds_baseline), 3), "baseline_seconds_median": round(med_b, 3),
            "ratio": round(med_b / med_e, 2), "ratio_of_mins": round(min(seconds_baseline) / min(seconds_engine), 2),
            "runs": len(seconds_engine), **extra}


UNIT_SHARES = {"teachers": 0.80, "counselors": 0.12, "nurses": 0.08}   # Cedar Valley's three units
FUNDING = ("General fund", "Title I")


def scenario_for(district: str, draws: int, full: bool = False):
    """The bench's scenario. Plain: the policy alone, uptake without memory (as the pandas model has it). Full (issue
    11): every unit touched, budgeted vacancies, hires' prior experience, earners as cohorts that persist (the rule
    file's persistence), and a three-year proposal with a mid-year raise, a freeze and a one-time payment."""
    from engine import load_districts
    from engine.budget.proposal import CellRaise, OneTimePayment, ProposalYear
    from engine.budget.scenario import ExperienceShare, Policy, Scenario, Vacancy
    from engine.pay.cells import latest_schedule_year

    policy = Policy(micro_credentials_count_toward_lanes=True, stipend_per_micro_credential="200.00", stipend_cap_per_year=8)
    if not full:
        uptake = load_districts()[district].budget.micro_credential_uptake_percent
        return Scenario(name="bench", district_id=district, years=10, draws=draws, seed=7, policy=policy,
                        uptake_percent=uptake, persistence_percent=uptake)
    rules = load_districts()[district]
    first = latest_schedule_year(rules)
    units = [u for u in UNIT_SHARES if u in rules.unit_ids]
    return Scenario(
        name="bench, units", district_id=district, years=10, draws=draws, seed=7, policy=policy, units=units,
        vacancies=[Vacancy(unit=u, count=40, funding=FUNDING[k % 2]) for k, u in enumerate(units)],
        hiring_experience=[ExperienceShare(years=0, percent=70), ExperienceShare(years=5, percent=30)],
        proposal=[ProposalYear(school_year=first.plus(1).label, raises=[CellRaise(percent="2.5")]),
                  ProposalYear(school_year=first.plus(2).label, hold_on_step=True,
                               raises=[CellRaise(percent="1"), CellRaise(percent="1", effective=f"{first.plus(2).end.year}-01-01")]),
                  ProposalYear(school_year=first.plus(3).label, raises=[CellRaise(percent="2")],
                               one_time=[OneTimePayment(amount="1000.00", min_years=5)])])


def units_roster(rules, teachers: int):
    from engine.budget.roster import synthesize, synthesize_units

    if len(rules.unit_ids) < 3:
        return synthesize(rules, teachers, seed=42)
    return synthesize_units(rules, teachers, seed=42, shares=UNIT_SHARES, funding=FUNDING)


def expected_100k_units(district: str, runs: int) -> dict:
    """100,000 people in three bargaining units and two funding sources (six pieces), the full scenario, against the
    same engine on 100,000 teachers in one unit under the plain scenario, interleaved."""
    from engine import load_districts
    from engine.budget.projection import project
    from engine.budget.roster import synthesize

    rules = load_districts()[district]
    roster, plain_roster = units_roster(rules, 100_000), synthesize(rules, 100_000, seed=42)
    roster.employee_ids = None   # as a projection loads a stored roster
    full, plain = scenario_for(district, 0, full=True), scenario_for(district, 0)
    project(rules, full, roster)
    project(rules, plain, plain_roster)
    ours, theirs = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = project(rules, full, roster)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        project(rules, plain, plain_roster)
        theirs.append(time.perf_counter() - started)
    return figures(ours, theirs, baseline="one unit, plain scenario, same engine", pieces=len(result.pieces) or 1,
                   goal="< 0.5 s", met=statistics.median(ours) < 0.5)


def expected_100k(district: str, runs: int) -> dict:
    from baselines import pandas_projection

    from engine import load_districts
    from engine.budget.projection import project
    from engine.budget.roster import synthesize

    rules = load_districts()[district]
    roster = synthesize(rules, 100_000, seed=42)
    scenario = scenario_for(district, 0)
    project(rules, scenario, roster)            # both sides warm: imports, caches
    pandas_projection(rules, scenario, roster)
    engine_s, pandas_s = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = project(rules, scenario, roster)
        engine_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        plain = pandas_projection(rules, scenario, roster)
        pandas_s.append(time.perf_counter() - started)
    ours = sum(float(y["total"]) for y in result.years)
    difference = abs(ours - sum(plain)) / ours
    return figures(engine_s, pandas_s, baseline="plain pandas model of the same projection (bench/baselines.py)",
                   goal="< 0.25 s and ratio >= 2", met=statistics.median(engine_s) < 0.25 and
                   statistics.median(pandas_s) / statistics.median(engine_s) >= 2,
                   ten_year_total=str(sum(__import__("decimal").Decimal(y["total"]) for y in result.years)),
                   pandas_relative_difference=f"{difference:.1e}", groups_year_1=result.groups)


def _stored_roster(url: str, district: str, teachers: int, units: bool = True) -> int:
    """A roster stored as an import stores it: in three units and two funding sources, or (`units=False`) one unit."""
    from sqlmodel import Session, SQLModel

    import models  # noqa: F401  (registers every table)
    from engine import load_districts
    from engine.budget.roster import synthesize
    from services import roster as rosters
    from web.extensions import make_engine

    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    rules = load_districts()[district]
    with Session(engine, expire_on_commit=False) as session:
        roster = units_roster(rules, teachers) if units else synthesize(rules, teachers, seed=42)
        record = rosters.save_roster(session=session, rules=rules, name=f"bench {teachers}", roster=roster)
    engine.dispose()
    return record.id


def roster_load(url: str, district: str, roster_id: int, runs: int) -> dict:
    from baselines import objects_load_roster
    from sqlmodel import Session

    from engine import load_districts
    from services import roster as rosters
    from web.extensions import make_engine

    rules = load_districts()[district]
    engine = make_engine(url)
    ours, theirs, rows = [], [], []
    for _ in range(runs):
        with Session(engine) as session:
            started = time.perf_counter()
            loaded = rosters.load_roster(session=session, rules=rules, roster_id=roster_id, with_ids=False)
            ours.append(time.perf_counter() - started)
        with Session(engine) as session:
            started = time.perf_counter()
            old = objects_load_roster(session=session, rules=rules, roster_id=roster_id)
            theirs.append(time.perf_counter() - started)
        with Session(engine) as session:
            started = time.perf_counter()
            rosters.load_roster(session=session, rules=rules, roster_id=roster_id, with_ids=True)
            rows.append(time.perf_counter() - started)
    same = bool((loaded.step == old.step).all() and (loaded.hire_ordinal == old.hire_ordinal).all()
                and (loaded.fte_hundredths == old.fte_hundredths).all())
    engine.dispose()
    return figures(ours, theirs, teachers=len(loaded), baseline="one RosterTeacher object per teacher, then columns",
                   same_columns=same, from_rows_with_ids_seconds_median=round(statistics.median(rows), 3))


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "huey.bin.huey_consumer", "tasks.huey", "-w", "1", "-k", "process",
                             "-n", "-q", "-d", "0.05", "-m", "0.2", "-b", "1.0"], cwd=ROOT, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _peak_mib(pid: int) -> float:
    """The largest peak resident memory (VmHWM) of a process and its children, in MiB."""
    peaks = []
    for task in [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]:
        for line in Path(f"/proc/{task}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def user_run(url: str, district: str, roster_id: int, runs: int, folder: Path, teachers: int, full: bool) -> dict:
    """Queue-to-done with two real workers, against one in-process worker; interleaved. `full`: the scenario with
    three units, two funding sources, vacancies, cohorts and a three-year proposal (issue 11), else the plain one."""
    import signal

    from sqlmodel import Session

    from engine import load_districts
    from services import finance
    from web.extensions import make_engine

    rules_dir = str(ROOT / "district_rules")
    rules = load_districts(rules_dir)[district]
    engine = make_engine(url)
    queue_file = folder / "huey.db"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(LANEWISE_HUEY_DB=str(queue_file), LANEWISE_QUEUE="bench", DATABASE_URL=url, PYTHONPATH=str(ROOT))
    os.environ.update(LANEWISE_HUEY_DB=str(queue_file), LANEWISE_QUEUE="bench")
    os.environ.pop("REDIS_URL", None)
    import tasks

    with Session(engine, expire_on_commit=False) as session:
        saved = finance.save_scenario(session=session, rules=rules, scenario=scenario_for(district, 1000, full=full),
                                      roster_id=roster_id)
    ours, single, peaks, totals = [], [], [], set()
    for _ in range(runs):
        workers = [_worker(env), _worker(env)]
        try:
            ours.append(_queued_run(engine, saved.id, url, rules_dir, tasks, totals))
            peaks.append(max(_peak_mib(w.pid) for w in workers))
        finally:
            for w in workers:
                os.killpg(w.pid, signal.SIGTERM)
                w.wait(timeout=30)
        # One worker, one process: load, scenario, baseline, one after the other.
        with Session(engine, expire_on_commit=False) as session:
            run = finance.queue_run(session=session, scenario_id=saved.id)
            started = time.perf_counter()
            done = finance.execute_run(session=session, run_id=run.id, districts={district: rules})
            single.append(time.perf_counter() - started)
            totals.add(json.loads(done.result)["years"][-1]["total"])
    engine.dispose()
    return figures(ours, single, teachers=teachers, draws=1000, workers=2, peak_worker_mib=round(max(peaks), 1),
                   baseline="the same run by one worker in one process", same_answer=len(totals) == 1,
                   scenario=("three units, two funding sources, vacancies, cohorts, a three-year proposal" if full
                             else "one unit (a one-unit roster), COLA, attrition and uptake"),
                   goal=f"< {60 if full else 15} s and < 1024 MiB per worker",
                   met=statistics.median(ours) < (60 if full else 15) and max(peaks) < 1024)


def _queued_run(engine, scenario_id: int, url: str, rules_dir: str, tasks, totals: set) -> float:
    """Seconds from queueing a run to its result, with the workers already started and idle."""
    from sqlmodel import Session

    from models.finance import ProjectionRun, RunStatus
    from services import finance

    time.sleep(3)   # workers started and idle: their start-up is not the run's time
    with Session(engine, expire_on_commit=False) as session:
        run = finance.queue_run(session=session, scenario_id=scenario_id)
    started = time.perf_counter()
    tasks.run_projection(run.id, url, rules_dir)
    while True:
        with Session(engine) as session:   # a short read each time, as the status page does
            record = session.get(ProjectionRun, run.id)
            if record.status in (RunStatus.done, RunStatus.failed):
                break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    assert record.status == RunStatus.done, record.error
    totals.add(json.loads(record.result)["years"][-1]["total"])
    return seconds


def reference_10k(district: str) -> dict:
    from engine import load_districts
    from engine.budget.projection import project
    from engine.budget.reference import project_reference
    from engine.budget.roster import synthesize

    rules = load_districts()[district]
    roster = synthesize(rules, 10_000, seed=42)
    scenario = scenario_for(district, 0)
    started = time.perf_counter()
    fast = project(rules, scenario, roster)
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    slow = project_reference(rules, scenario, roster)
    slow_s = time.perf_counter() - started
    return {"seconds": round(fast_s, 3), "reference_seconds": round(slow_s, 3), "ratio": round(slow_s / fast_s, 1),
            "agree_to_the_cent": [y["total"] for y in fast.years] == [y["total"] for y in slow.years]}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default="cedar-valley")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the million-teacher figures")
    parser.add_argument("--reference", action="store_true", help="also time the per-teacher reference (minutes)")
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (default: a throwaway SQLite file)")
    parser.add_argument("--large", type=int, default=1_000_000, help="teachers in the large roster")
    args = parser.parse_args(argv)
    out: dict = {"district": args.district, "years": 10, "expected_100k": expected_100k(args.district, args.runs),
                 "expected_100k_units": expected_100k_units(args.district, args.runs)}
    if not args.quick:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            roster_id = _stored_roster(url, args.district, args.large)
            out["roster_load_1m"] = roster_load(url, args.district, roster_id, max(2, args.runs // 2))
            plain_id = _stored_roster(url, args.district, args.large, units=False)
            out["user_run_1m"] = user_run(url, args.district, plain_id, max(2, args.runs // 2), Path(folder), args.large,
                                          full=False)
            out["user_run_1m_full"] = user_run(url, args.district, roster_id, max(2, args.runs // 2), Path(folder),
                                               args.large, full=True)
    if args.reference:
        out["reference_10k"] = reference_10k(args.district)
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
