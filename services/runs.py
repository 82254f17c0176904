"""Projection runs across workers. A run is split into parts any worker can take: each projection's
(scenario's and baseline's) expected values, and its Monte Carlo draws chunk by chunk; the worker that
finishes the last part puts the result together, exactly as one worker would have. Scenario and baseline
parts are queued side by side, so two workers run them in parallel.

Leases: a worker holding a run or a part renews its `heartbeat_at`, and every part done renews the run's. When
a run's lease lapses (no part finished for a lease), `check_runs` gives each part whose own lease lapsed (its
worker was killed, or its message was lost) back to the queue, and fails the run, with a way to
rerun it, once a part has been handed out MAX_ATTEMPTS times: a run ends done or failed, never stuck. Database access takes the session.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections import OrderedDict
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import case, delete, func, select, update
from sqlmodel import Session

from engine.budget.projection import (
    ARRAY_FIELDS,
    CHUNK,
    YearSums,
    combine,
    expected_sums,
    prepare_simulation,
    projection_of,
    simulate_chunk,
    starting_groups,
)
from engine.budget.projection import add_pieces
from engine.budget.roster import Roster
from engine.budget.scenario import prepare
from engine.budget.units import piece_of, pieces
from engine.rules import DistrictRules
from models.finance import BudgetRoster, ProjectionRun, RunPart, RunStatus, ScenarioRecord
from models.types import utcnow

PROJECTIONS = ("scenario", "baseline")
EXPECTED = -1        # the part number of a projection's expected values
DRIVERS = -2         # the scenario's cost drivers (the board report's waterfall): five more expected-value projections
MAX_ATTEMPTS = 3
CHUNKS_PER_PART = 5  # Monte Carlo chunks (of CHUNK draws) in one part: 1,000 draws make two parts a projection,
                     # so two workers each prepare one projection's draws, and a part is a few seconds of work


def lease_seconds() -> float:
    """How long a worker may stay silent before its run or part is given to another (LANEWISE_RUN_LEASE_SECONDS)."""
    return float(os.environ.get("LANEWISE_RUN_LEASE_SECONDS", "120"))


class WorkerCache:
    """What one worker process keeps between parts: stored rosters (they never change once stored) and each
    projection's Monte Carlo preparation, so a million-teacher roster is loaded once per worker, not per part."""

    def __init__(self, size: int = 4):
        self.size = size
        self.rosters: OrderedDict = OrderedDict()
        self.simulations: OrderedDict = OrderedDict()

    def _keep(self, store: OrderedDict, key, build):
        if key in store:
            store.move_to_end(key)
            return store[key]
        value = build()
        store[key] = value
        while len(store) > self.size:
            store.popitem(last=False)
        return value

    def roster(self, session: Session, rules: DistrictRules, roster_id: int) -> Roster:
        from services import roster as rosters

        # An id alone is not an identity: a database rebuilt, or a deleted roster's id taken again (SQLite), would
        # hand back another roster. The row's district, size and creation instant name this one.
        record = session.get(BudgetRoster, roster_id)
        stamp = (record.district_id, record.teacher_count, record.created_at.isoformat()) if record else None
        key = (str(session.get_bind().url), roster_id, stamp)
        return self._keep(self.rosters, key, lambda: rosters.load_roster(session=session, rules=rules, roster_id=roster_id,
                                                                         with_ids=False))

    def simulation(self, key, build):
        return self._keep(self.simulations, key, build)


# --- packing sums as bytes, exactly ------------------------------------------------------------------------


def pack_pieces(pieces_sums: list[tuple[str, str, list[YearSums], int]]) -> bytes:
    """Each piece's (unit, funding source) expected sums as one .npz file (no pickles)."""
    arrays: dict[str, np.ndarray] = {"pieces": np.array(json.dumps([[u, f, g] for u, f, _, g in pieces_sums]))}
    for i, (_, _, sums, groups) in enumerate(pieces_sums):
        arrays.update(_expected_arrays(sums, groups, f"{i}:"))
    return _npz(arrays)


def unpack_pieces(data: bytes) -> list[tuple[str, str, list[YearSums], int]]:
    with np.load(io.BytesIO(data), allow_pickle=False) as found:
        keys = json.loads(str(found["pieces"]))
        return [(unit, funding, *_expected_from(found, f"{i}:")) for i, (unit, funding, _) in enumerate(keys)]


def pack_expected(sums: list[YearSums], groups: int) -> bytes:
    """A projection's expected sums as an .npz file (no pickles)."""
    return _npz(_expected_arrays(sums, groups, ""))


def _expected_arrays(sums: list[YearSums], groups: int, prefix: str) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {"groups": np.array(groups), "count": np.array(len(sums))}
    for k, year in enumerate(sums):
        arrays[f"{k}.school_year"] = np.array(year.school_year)
        arrays[f"{k}.unit"] = np.array(year.unit)
        arrays[f"{k}.addition_names"] = np.array(list(year.additions), dtype=str)
        for name in ARRAY_FIELDS:
            value = getattr(year, name)
            arrays[f"{k}.{name}"] = np.asarray(value if value is not None else np.zeros_like(year.base))
        for i, values in enumerate(year.additions.values()):
            arrays[f"{k}.addition.{i}"] = np.asarray(values)
    return {prefix + key: value for key, value in arrays.items()}


def unpack_expected(data: bytes) -> tuple[list[YearSums], int]:
    with np.load(io.BytesIO(data), allow_pickle=False) as found:
        return _expected_from(found, "")


def _expected_from(found, prefix: str) -> tuple[list[YearSums], int]:
    out = []
    for k in range(int(found[prefix + "count"])):
        at = f"{prefix}{k}."
        names = [str(n) for n in found[at + "addition_names"]]
        fields = {name: found[at + name] for name in ARRAY_FIELDS if at + name in found.files}
        out.append(YearSums(school_year=str(found[at + "school_year"]), unit=int(found[at + "unit"]),
                            additions={name: found[f"{at}addition.{i}"] for i, name in enumerate(names)}, **fields))
    return out, int(found[prefix + "groups"])


def pack_chunks(chunks: list[list[dict[str, np.ndarray]]], piece: int = 0) -> dict[str, np.ndarray]:
    """Chunks of Monte Carlo sums, in order (floats, bit for bit), of one piece."""
    arrays = {f"{piece}:chunks": np.array(len(chunks)), f"{piece}:years": np.array(len(chunks[0]) if chunks else 0)}
    for c, chunk in enumerate(chunks):
        for k, year in enumerate(chunk):
            for name, values in year.items():
                arrays[f"{piece}:{c}.{k}.{name}"] = values
    return arrays


def unpack_chunks(data: bytes) -> list[list[list[dict[str, np.ndarray]]]]:
    """Each piece's chunks."""
    with np.load(io.BytesIO(data), allow_pickle=False) as found:
        count = int(found["pieces"])
        out = []
        for piece in range(count):
            chunks = [[{} for _ in range(int(found[f"{piece}:years"]))] for _ in range(int(found[f"{piece}:chunks"]))]
            for key in found.files:
                if key.startswith(f"{piece}:") and key not in (f"{piece}:chunks", f"{piece}:years"):
                    c, k, name = key.split(":", 1)[1].split(".", 2)
                    chunks[int(c)][int(k)][name] = found[key]
            out.append(chunks)
        return out


def part_chunks(part: int, draws: int) -> range:
    """The Monte Carlo chunks a part simulates."""
    total = math.ceil(draws / CHUNK)
    return range(part * CHUNKS_PER_PART, min((part + 1) * CHUNKS_PER_PART, total))


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


# --- the run's life ---------------------------------------------------------------------------------------------


def _scenarios(session: Session, run: ProjectionRun, districts: dict[str, DistrictRules]) -> tuple[DistrictRules, dict]:
    from services.finance import scenario_of

    scenario = scenario_of(session.get(ScenarioRecord, run.scenario_id))
    rules = districts[scenario.district_id]
    return rules, {"scenario": scenario, "baseline": scenario.baseline()}


def fail(session: Session, run_id: int, error: str) -> None:
    """Mark a run failed with the reason (the run page offers to run it again)."""
    session.rollback()
    session.execute(update(ProjectionRun).where(ProjectionRun.id == run_id,
                                                ProjectionRun.status.in_([RunStatus.queued, RunStatus.running,
                                                                          RunStatus.merging]))
                    .values(status=RunStatus.failed, error=error[:4000], message="Failed", finished_at=utcnow()))
    session.execute(delete(RunPart).where(RunPart.run_id == run_id))
    session.commit()


def start_run(*, session: Session, run_id: int, districts: dict[str, DistrictRules]) -> list[int]:
    """Take a queued run and split it into parts; give the ids of the parts to queue (none if another worker has it)."""
    now = utcnow()
    taken = session.execute(update(ProjectionRun).where(ProjectionRun.id == run_id, ProjectionRun.status == RunStatus.queued)
                            .values(status=RunStatus.running, started_at=now, heartbeat_at=now, progress=1,
                                    message="Splitting the run into parts")).rowcount
    session.commit()
    if not taken:
        return []
    run = session.get(ProjectionRun, run_id)
    session.refresh(run)
    try:
        _, scenarios = _scenarios(session, run, districts)
    except Exception as exc:  # the worker must record any failure for the page to show
        fail(session, run_id, f"{type(exc).__name__}: {exc}")
        return []
    numbers = [EXPECTED] + list(range(math.ceil(scenarios["scenario"].draws / (CHUNK * CHUNKS_PER_PART))))
    # Part by part, scenario beside baseline: two workers run the two projections side by side.
    parts = [RunPart(run_id=run_id, projection=name, chunk=number, heartbeat_at=now, attempts=1)
             for number in numbers for name in PROJECTIONS]
    parts.append(RunPart(run_id=run_id, projection="scenario", chunk=DRIVERS, heartbeat_at=now, attempts=1))
    session.add_all(parts)
    run.parts = len(parts)
    run.message = f"Waiting for workers: {len(parts)} parts"
    session.commit()
    return [part.id for part in parts]


def execute_part(*, session: Session, part_id: int, districts: dict[str, DistrictRules], cache: WorkerCache) -> None:
    """Compute one part and store its sums; the worker that stores the last part puts the result together."""
    now = utcnow()
    taken = session.execute(update(RunPart).where(RunPart.id == part_id, RunPart.status != "done")
                            .values(status="running", heartbeat_at=now)).rowcount
    session.commit()
    part = session.get(RunPart, part_id) if taken else None
    if part is None:
        return
    session.refresh(part)
    run = session.get(ProjectionRun, part.run_id)
    session.refresh(run)
    if run.status != RunStatus.running:
        return
    try:
        rules, scenarios = _scenarios(session, run, districts)
        scenario = scenarios[part.projection]
        roster = cache.roster(session, rules, run.roster_id)
        # The run's creation instant with its id: a run id taken again in a rebuilt database is another run.
        key = (str(session.get_bind().url), run.id, run.created_at.isoformat(), part.projection)
        # The roster by bargaining unit and funding source: each piece is projected with its unit's rules.
        cut = cache.simulation(("pieces",) + key, lambda: pieces(rules, scenario, roster))
        _beat(session, part_id)
        if part.chunk == DRIVERS:
            from engine.budget.drivers import cost_drivers
            from engine.budget.projection import project

            payload = json.dumps(cost_drivers(rules, scenario, roster, project)).encode()
        elif part.chunk == EXPECTED:
            found = []
            for i, piece in enumerate(cut):
                changed, assumptions = prepare(piece.rules, piece.scenario)
                start = cache.simulation(("start", i) + key, lambda: starting_groups(changed, assumptions, piece.roster))
                sums = expected_sums(changed, assumptions, piece.roster, start=start)
                found.append((piece.unit, piece.funding, sums, sums.groups[0] if sums.groups else 0))
            payload = pack_pieces(found)
        else:
            chunks = part_chunks(part.chunk, scenario.draws)
            arrays: dict[str, np.ndarray] = {"pieces": np.array(len(cut))}
            for i, piece in enumerate(cut):
                changed, assumptions = prepare(piece.rules, piece.scenario)
                simulation = cache.simulation(
                    key + (i,), lambda: prepare_simulation(changed, assumptions, piece.roster, scenario.draws,
                                                           start=cache.simulation(("start", i) + key, lambda: starting_groups(
                                                               changed, assumptions, piece.roster))))
                _beat(session, part_id)
                done = []
                for c in chunks:
                    done.append(simulate_chunk(simulation, c))
                    _beat(session, part_id, run.id, 90 / max(1, run.parts * len(chunks) * len(cut)))
                arrays.update(pack_chunks(done, i))
            payload = _npz(arrays)
    except Exception as exc:  # the worker must record any failure for the page to show
        fail(session, run.id, f"{type(exc).__name__}: {exc}")
        return
    stored = session.execute(update(RunPart).where(RunPart.id == part_id, RunPart.status == "running")
                             .values(status="done", result=payload, heartbeat_at=utcnow())).rowcount
    session.commit()
    if not stored:
        return
    remaining = session.scalar(select(func.count()).select_from(RunPart)
                               .where(RunPart.run_id == run.id, RunPart.status != "done"))
    done = run.parts - remaining
    progress = 5 + int(90 * done / max(run.parts, 1))
    # Every part done renews the run's lease; progress only ever moves on (chunks may have moved it further).
    session.execute(update(ProjectionRun).where(ProjectionRun.id == run.id, ProjectionRun.status == RunStatus.running)
                    .values(progress=case((ProjectionRun.progress < progress, progress), else_=ProjectionRun.progress),
                            heartbeat_at=utcnow(),
                            message=f"{done} of {run.parts} parts done ({scenarios['scenario'].name} and its baseline)"))
    session.commit()
    if remaining == 0:
        finish_run(session=session, run_id=run.id, districts=districts)


def _beat(session: Session, part_id: int, run_id: int | None = None, progress: float = 0) -> None:
    """Renew a part's lease while its worker is at it (loading a large roster can take seconds), and move the run's
    progress on by `progress` percent (never past 95 until it is done)."""
    session.execute(update(RunPart).where(RunPart.id == part_id, RunPart.status == "running").values(heartbeat_at=utcnow()))
    if run_id is not None and progress >= 1:
        moved = ProjectionRun.progress + int(progress)
        session.execute(update(ProjectionRun).where(ProjectionRun.id == run_id, ProjectionRun.status == RunStatus.running)
                        .values(progress=case((moved > 95, 95), else_=moved), heartbeat_at=utcnow()))
    session.commit()


def finish_run(*, session: Session, run_id: int, districts: dict[str, DistrictRules]) -> None:
    """Once every part is done, one worker combines them into the run's result (the same as one worker's)."""
    from services.finance import assemble

    not_done = select(RunPart.id).where(RunPart.run_id == run_id, RunPart.status != "done").exists()
    taken = session.execute(update(ProjectionRun).where(ProjectionRun.id == run_id, ProjectionRun.status == RunStatus.running,
                                                        ~not_done)
                            .values(status=RunStatus.merging, heartbeat_at=utcnow(), message="Putting the result together")
                            ).rowcount
    session.commit()
    if not taken:
        return
    run = session.get(ProjectionRun, run_id)
    session.refresh(run)
    try:
        rules, scenarios = _scenarios(session, run, districts)
        parts = session.scalars(select(RunPart).where(RunPart.run_id == run_id).order_by(RunPart.chunk)).all()
        projections = {}
        for name in PROJECTIONS:
            mine = [part for part in parts if part.projection == name and part.chunk != DRIVERS]
            chunked = [unpack_chunks(part.result) for part in mine[1:]]
            cut, done = [], []
            for i, (unit, funding, expected, groups) in enumerate(unpack_pieces(mine[0].result)):
                piece = piece_of(rules, scenarios[name], unit, funding)
                simulated = None
                if scenarios[name].draws:
                    changed, assumptions = prepare(piece.rules, piece.scenario)
                    simulated = combine(changed, assumptions, [chunk for by_piece in chunked for chunk in by_piece[i]])
                cut.append(piece)
                done.append(projection_of(piece.rules, piece.scenario, expected, simulated, groups=groups))
            projections[name] = add_pieces(rules, scenarios[name], cut, done)
        roster = session.get(BudgetRoster, run.roster_id)
        result = assemble(rules, scenarios["scenario"], projections["scenario"], projections["baseline"],
                          roster_name=roster.name, teachers=roster.teacher_count)
        seconds = (utcnow() - run.started_at).total_seconds()
        result["seconds"] = round(seconds, 3)
        drivers = [part for part in parts if part.chunk == DRIVERS]
        result["drivers"] = json.loads(drivers[0].result) if drivers else []
        run.result = json.dumps(result)
        run.status, run.progress, run.message = RunStatus.done, 100, "Done"
        run.finished_at = utcnow()
        run.seconds = Decimal(str(round(seconds, 3)))
        session.execute(delete(RunPart).where(RunPart.run_id == run_id))
        session.commit()
    except Exception as exc:  # the worker must record any failure for the page to show
        fail(session, run_id, f"{type(exc).__name__}: {exc}")


def check_runs(*, session: Session, now: datetime | None = None, lease: float | None = None,
               run_id: int | None = None) -> tuple[list[int], list[int], list[int]]:
    """Runs whose worker went silent past the lease: (parts to queue again, runs to start again, runs to finish).

    Each is claimed by renewing its lease in the same statement, so two checkers never queue the same part twice.
    A part or run tried MAX_ATTEMPTS times fails its run instead, with the reason and a way to rerun."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=lease if lease is not None else lease_seconds())
    query = select(ProjectionRun).where(ProjectionRun.status.in_([RunStatus.queued, RunStatus.running, RunStatus.merging]))
    if run_id is not None:
        query = query.where(ProjectionRun.id == run_id)
    parts_again, start_again, finish_again = [], [], []
    for run in session.scalars(query).all():
        beat = run.heartbeat_at or run.created_at
        if run.status == RunStatus.queued:
            if beat >= cutoff:
                continue
            if run.attempts >= MAX_ATTEMPTS:
                fail(session, run.id, f"WorkerLost: no worker took the run in {MAX_ATTEMPTS + 1} tries; is a worker "
                                      "running? Run the scenario again")
            elif _renew(session, ProjectionRun, run.id, run.heartbeat_at, now, attempts=run.attempts + 1):
                start_again.append(run.id)
            continue
        if run.status == RunStatus.merging:
            if beat < cutoff and _renew(session, ProjectionRun, run.id, run.heartbeat_at, now, status=RunStatus.running):
                finish_again.append(run.id)
            continue
        if beat >= cutoff:
            continue   # parts are being finished: the work flows, even if some wait in a long queue
        open_parts = session.scalars(select(RunPart).where(RunPart.run_id == run.id, RunPart.status != "done")).all()
        # A running part past its lease lost its worker. Queued parts wait in the queue; they are handed out
        # again only when no part of the run is being worked on (no worker, or their messages were lost).
        working = any(p.status == "running" and p.heartbeat_at >= cutoff for p in open_parts)
        stale = [p for p in open_parts if p.heartbeat_at < cutoff and (p.status == "running" or not working)]
        if not run.parts:   # its worker died while splitting it
            if _renew(session, ProjectionRun, run.id, run.heartbeat_at, now, status=RunStatus.queued,
                      attempts=run.attempts + 1):
                start_again.append(run.id)
            continue
        for part in stale:
            if part.attempts >= MAX_ATTEMPTS:
                fail(session, run.id, f"WorkerLost: part {part.projection} {part.chunk} was handed to workers "
                                      f"{MAX_ATTEMPTS} times and none finished it; run the scenario again")
                break
            if _renew(session, RunPart, part.id, part.heartbeat_at, now, status="queued", attempts=part.attempts + 1):
                parts_again.append(part.id)
    return parts_again, start_again, finish_again


def _renew(session: Session, table, row_id: int, seen: datetime | None, now: datetime, **values) -> bool:
    """Renew a lease only if no one else has since: the heartbeat must still be the one we saw."""
    same = table.heartbeat_at.is_(None) if seen is None else table.heartbeat_at == seen
    renewed = session.execute(update(table).where(table.id == row_id, same).values(heartbeat_at=now, **values)).rowcount
    session.commit()
    return bool(renewed)


def run_in_process(*, session: Session, run_id: int, districts: dict[str, DistrictRules]) -> ProjectionRun:
    """Every part of a run, one after the other, in this process (immediate mode, the CLI, tests)."""
    cache = WorkerCache()
    for part_id in start_run(session=session, run_id=run_id, districts=districts):
        execute_part(session=session, part_id=part_id, districts=districts, cache=cache)
    run = session.get(ProjectionRun, run_id)
    session.refresh(run)
    return run


__all__ = ["start_run", "execute_part", "finish_run", "check_runs", "run_in_process", "fail", "WorkerCache",
           "lease_seconds", "pack_expected", "unpack_expected", "pack_chunks", "unpack_chunks", "part_chunks"]
