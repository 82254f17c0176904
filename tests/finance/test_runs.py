"""Runs split into parts across workers: any order, any worker, the same answer as one worker; a part whose worker
died is handed out again, and a run ends failed (with a way to rerun) rather than stuck."""
import json
import random
from datetime import timedelta

from sqlalchemy import select

from engine.budget.projection import project
from engine.budget.roster import synthesize
from engine.budget.scenario import Policy, Scenario
from models.finance import ProjectionRun, RunPart, RunStatus
from models.types import utcnow
from services import finance, runs
from services import roster as rosters


def queued_run(session, districts, draws=250, teachers=300, district="harmony"):
    rules = districts[district]
    record = rosters.save_roster(session=session, rules=rules, name="Synthetic", roster=synthesize(rules, teachers, seed=8))
    scenario = Scenario(name="Stipend", district_id=district, years=4, draws=draws, seed=5,
                        policy=Policy(stipend_per_micro_credential="200.00", stipend_cap_per_year=8))
    saved = finance.save_scenario(session=session, rules=rules, scenario=scenario, roster_id=record.id)
    return finance.queue_run(session=session, scenario_id=saved.id), scenario, record


def one_worker_result(session, districts, scenario, roster_id):
    rules = districts[scenario.district_id]
    roster = rosters.load_roster(session=session, rules=rules, roster_id=roster_id)
    return project(rules, scenario, roster), project(rules, scenario.baseline(), roster)


def test_parts_taken_in_any_order_by_two_workers_give_one_workers_answer(session, districts):
    run, scenario, roster = queued_run(session, districts, draws=1250)
    parts = runs.start_run(session=session, run_id=run.id, districts=districts)
    assert len(parts) == 2 * (1 + 3) + 1   # expected values and three parts of draws (the last one short), twice;
                                           # and the scenario's cost drivers
    random.Random(3).shuffle(parts)
    workers = [runs.WorkerCache(), runs.WorkerCache()]
    for i, part_id in enumerate(parts):
        runs.execute_part(session=session, part_id=part_id, districts=districts, cache=workers[i % 2])
    session.refresh(run)
    assert run.status == RunStatus.done and run.progress == 100, run.error
    result = json.loads(run.result)
    chosen, base = one_worker_result(session, districts, scenario, roster.id)
    assert result["years"] == chosen.years and result["baseline"] == base.years
    assert result["bands"] == chosen.bands and result["baseline_bands"] == base.bands and len(result["bands"]) == 4
    assert result["draws"] == 1250
    assert session.scalars(select(RunPart).where(RunPart.run_id == run.id)).all() == []   # nothing left behind


def test_a_run_over_three_units_and_two_funding_sources_gives_one_workers_answer(session, districts):
    from dataclasses import replace
    from decimal import Decimal

    from engine.budget.roster import Roster, RosterTeacher
    from engine.budget.scenario import ExperienceShare, Vacancy
    from engine.budget.proposal import CellRaise, ProposalYear

    rules = districts["cedar-valley"]
    teachers = [replace(t, funding=["General fund", "Title I"][i % 2]) for i, t in enumerate(synthesize(rules, 60, seed=2).teachers())]
    teachers += [RosterTeacher(employee_id=f"C{i}", step=1 + i % 8, lane=["MA", "MA+30"][i % 2], unit="counselors",
                               funding="General fund") for i in range(12)]
    teachers += [RosterTeacher(employee_id=f"N{i}", step=1 + i % 5, lane="RN", unit="nurses") for i in range(6)]
    lanes = {lane.id: lane for unit in rules.unit_ids for lane in rules.for_unit(unit).lanes}
    roster = Roster.from_teachers("cedar-valley", teachers, type("Lanes", (), {"lane": staticmethod(lanes.__getitem__)}))
    record = rosters.save_roster(session=session, rules=rules, name="Three units", roster=roster)
    scenario = Scenario(name="Two units", district_id="cedar-valley", years=3, draws=200, seed=4, units=["teachers", "counselors"],
                        vacancies=[Vacancy(unit="counselors", count=2, funding="Title I")],
                        hiring_experience=[ExperienceShare(years=0, percent=Decimal(70)), ExperienceShare(years=4, percent=Decimal(30))],
                        proposal=[ProposalYear(school_year="2027-28", raises=[CellRaise(percent=Decimal(4))])])
    saved = finance.save_scenario(session=session, rules=rules, scenario=scenario, roster_id=record.id)
    run = finance.queue_run(session=session, scenario_id=saved.id)
    parts = runs.start_run(session=session, run_id=run.id, districts=districts)
    random.Random(5).shuffle(parts)
    workers = [runs.WorkerCache(), runs.WorkerCache()]
    for i, part_id in enumerate(parts):
        runs.execute_part(session=session, part_id=part_id, districts=districts, cache=workers[i % 2])
    session.refresh(run)
    assert run.status == RunStatus.done, run.error
    result = json.loads(run.result)
    chosen, base = one_worker_result(session, districts, scenario, record.id)
    assert result["years"] == chosen.years and result["baseline"] == base.years and result["bands"] == chosen.bands
    # Nurses are not in the scenario: their cost is the baseline's; the counselors' 4% (against COLA's 3%) shows in 2027-28.
    by_unit = {(p["unit"], p["funding"]): p["years"] for p in chosen.pieces}
    base_by_unit = {(p["unit"], p["funding"]): p["years"] for p in base.pieces}
    assert by_unit[("nurses", "")] == base_by_unit[("nurses", "")]
    assert Decimal(by_unit[("counselors", "General fund")][1]["base_pay"]) > Decimal(base_by_unit[("counselors", "General fund")][1]["base_pay"])
    assert by_unit[("counselors", "Title I")][0]["headcount"] == "2.00"   # the vacancies, filled


def test_a_part_whose_worker_died_is_handed_out_again_and_the_run_finishes(session, districts):
    run, scenario, roster = queued_run(session, districts)
    parts = runs.start_run(session=session, run_id=run.id, districts=districts)
    cache = runs.WorkerCache()
    for part_id in parts[:3]:
        runs.execute_part(session=session, part_id=part_id, districts=districts, cache=cache)
    # A worker took the fourth part and was killed: it stays "running" with its last heartbeat.
    lost = session.get(RunPart, parts[3])
    lost.status, lost.heartbeat_at = "running", utcnow() - timedelta(minutes=10)
    session.commit()
    assert runs.check_runs(session=session, lease=60) == ([], [], [])     # other parts finish: the work flows
    run.heartbeat_at = utcnow() - timedelta(minutes=5)
    session.commit()
    assert runs.check_runs(session=session, lease=3600) == ([], [], [])   # still within its lease
    again, _, _ = runs.check_runs(session=session, lease=60)
    assert again == [parts[3]]
    assert runs.check_runs(session=session, lease=60) == ([], [], [])     # claimed once, not twice
    for part_id in again + parts[4:]:
        runs.execute_part(session=session, part_id=part_id, districts=districts, cache=cache)
    session.refresh(run)
    assert run.status == RunStatus.done, run.error
    chosen, _ = one_worker_result(session, districts, scenario, roster.id)
    assert json.loads(run.result)["years"] == chosen.years


def test_a_run_no_worker_finishes_ends_failed_with_the_reason_never_stuck(session, districts, client, login_as):
    run, _, _ = queued_run(session, districts, draws=0)
    parts = runs.start_run(session=session, run_id=run.id, districts=districts)
    for _ in range(runs.MAX_ATTEMPTS):
        stale = utcnow() - timedelta(minutes=10)
        for part_id in parts:
            session.get(RunPart, part_id).heartbeat_at = stale
        session.get(ProjectionRun, run.id).heartbeat_at = stale
        session.commit()
        runs.check_runs(session=session, lease=60)
    session.refresh(run)
    assert run.status == RunStatus.failed and "WorkerLost" in run.error and "run the scenario again" in run.error
    login_as("finance")
    page = client.get(f"/finance/runs/{run.id}").get_data(as_text=True)
    assert "WorkerLost" in page and 'data-testid="rerun"' in page


def test_a_queued_run_no_worker_took_is_queued_again(session, districts):
    run, _, _ = queued_run(session, districts, draws=0)
    run.created_at = utcnow() - timedelta(minutes=10)
    session.commit()
    assert runs.check_runs(session=session, lease=60) == ([], [run.id], [])
    assert runs.check_runs(session=session, lease=60) == ([], [], [])
    done = finance.execute_run(session=session, run_id=run.id, districts=districts)
    assert done.status == RunStatus.done
    assert session.scalars(select(ProjectionRun)).one().attempts == 1
