"""Hand-worked projections (the arithmetic is in each case file's comments): the fast engine and the
per-teacher reference must both give every figure to the cent. The reference shares no code with the
fast engine: it may import only the rule-file reader, the pay engine, the scenario and the roster."""
import ast
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.budget.projection import project
from engine.budget.reference import project_reference
from engine.budget.roster import Roster, RosterTeacher, synthesize
from engine.budget.scenario import NewRole, Policy, Scenario

CASES = sorted((Path(__file__).parent / "projection_cases").glob("*.yaml"))
SHOWN_EVERY_YEAR = {"school_year", "headcount", "base_pay", "additions", "pay", "fica", "retirement", "health",
                    "program_cost", "total", "one_time", "recurring"}
ENGINES = {"fast": project, "reference": project_reference}


def load(path: Path, shipped) -> tuple:
    case = yaml.safe_load(path.read_text())
    rules = shipped[case["district"]]
    teachers = [RosterTeacher(**{**row, "employee_id": str(row["employee_id"]),
                                 "fte": Decimal(str(row.get("fte", "1.00"))),
                                 "credit_hours": Decimal(str(row.get("credit_hours", "0"))),
                                 "subjects": tuple(row.get("subjects", ())),
                                 "certifications": tuple(row.get("certifications", ()))}) for row in case["roster"]]
    scenario = Scenario(name=case["name"], district_id=case["district"], **case["scenario"])
    return case, rules, Roster.from_teachers(rules.id, teachers, rules), scenario


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_a_hand_worked_projection_to_the_cent(path, engine, shipped):
    case, rules, roster, scenario = load(path, shipped)
    years = ENGINES[engine](rules, scenario, roster).years
    assert [y["school_year"] for y in years] == [str(e["school_year"]) for e in case["expected"]]
    for got, expected in zip(years, case["expected"]):
        by_kind = expected.pop("additions_by_kind", {})
        assert {k: got[k] for k in expected} == {k: str(v) for k, v in expected.items()}, got["school_year"]
        assert {k: got["additions_by_kind"][k] for k in by_kind} == by_kind, got["school_year"]


def test_every_case_shows_the_figures_a_budget_officer_reads_each_year(shipped):
    assert len(CASES) >= 4
    for path in CASES:
        case = yaml.safe_load(path.read_text())
        assert path.read_text().startswith("#"), f"{path.name}: the arithmetic goes in the comments at the top"
        for year in case["expected"]:
            assert SHOWN_EVERY_YEAR <= set(year), f"{path.name} {year['school_year']}: missing {SHOWN_EVERY_YEAR - set(year)}"


def test_the_cases_cover_turnover_hires_cola_benefits_and_one_time_cost(shipped):
    seen = set()
    for path in CASES:
        case, rules, roster, scenario = load(path, shipped)
        figures = case["expected"]
        seen |= {"several teachers"} if len(case["roster"]) > 1 else set()
        seen |= {"several years"} if len(figures) > 1 else set()
        seen |= {"retirements"} if any(Decimal(y.get("retirees", "0")) > 0 for y in figures) else set()
        seen |= {"hires"} if any(Decimal(y.get("hires", "0")) > 0 for y in figures) else set()
        seen |= {"one-time"} if any(Decimal(y["one_time"]) > 0 for y in figures) else set()
        seen |= {"COLA"} if len(figures) > 1 and (scenario.cola_percent is None or scenario.cola_percent > 0) else set()
        seen |= {"benefits"} if any(Decimal(y["fica"]) > 0 and Decimal(y["health"]) > 0 for y in figures) else set()
    assert seen == {"several teachers", "several years", "retirements", "hires", "one-time", "COLA", "benefits"}


# The reference reads the rules and pays each teacher-year through the teacher engine (engine.teacher.state:
# the same function as the teacher's own pages); it shares nothing with the fast engine.
ALLOWED = ("engine.rules", "engine.pay", "engine.money", "engine.school_year", "engine.errors", "engine.teacher",
           "engine.budget.scenario", "engine.budget.roster", "engine.budget.units")


def test_the_reference_imports_nothing_from_the_fast_engine():
    # The reference is reference.py and its parts beside it (reference_teacher.py, reference_turnover.py ...).
    budget = Path(__file__).resolve().parents[2] / "engine" / "budget"
    sources = [budget / "reference.py", *sorted(budget.glob("reference_*.py"))]
    own = {f"engine.budget.{source.stem}" for source in sources}
    imported = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
    engine_modules = {m for m in imported if m.split(".")[0] == "engine" and m not in own}
    outside = sorted(m for m in engine_modules if not any(m == a or m.startswith(a + ".") for a in ALLOWED))
    assert outside == [], f"the reference imports {outside}"
    assert "numpy" not in imported



@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(district=st.sampled_from(["cedar-valley", "dysart", "harmony", "prairie-ridge"]), teachers=st.integers(1, 14),
       seed=st.integers(0, 2**16), years=st.integers(1, 6),
       attrition=st.sampled_from(["0", "8", "12.5", "30"]), retirees=st.sampled_from(["0", "28", "50", "100"]),
       uptake=st.sampled_from(["0", "15", "33", "100"]), persistence=st.sampled_from([None, "0", "60", "100"]),
       earned=st.integers(1, 16),
       program=st.sampled_from(["0", "85.00", "12.34"]), cola=st.sampled_from(["0", "2.5", "3.1"]),
       stipend=st.sampled_from([None, "150.00"]), role=st.booleans(), lanes=st.booleans())
def test_both_engines_agree_on_small_rosters_under_any_assumptions(shipped, district, teachers, seed, years, attrition,
                                                                   retirees, uptake, persistence, earned, program, cola, stipend,
                                                                   role, lanes):
    rules = shipped[district]
    roster = synthesize(rules, teachers, seed=seed)
    policy = Policy(micro_credentials_count_toward_lanes=lanes,
                    stipend_per_micro_credential=Decimal(stipend) if stipend else None,
                    new_role=NewRole(min_years=2, micro_credentials=3) if role else None)
    scenario = Scenario(name="Any", district_id=district, years=years, attrition_percent=Decimal(attrition),
                        retiree_share_percent=Decimal(retirees), uptake_percent=Decimal(uptake),
                        persistence_percent=Decimal(persistence) if persistence else None,
                        micro_credentials_per_participant=earned, program_cost_per_micro_credential=Decimal(program),
                        cola_percent=Decimal(cola), policy=policy)
    assert project(rules, scenario, roster).years == project_reference(rules, scenario, roster).years


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(district=st.sampled_from(["cedar-valley", "dysart", "harmony", "prairie-ridge"]), teachers=st.integers(1, 10),
       seed=st.integers(0, 2**16), years=st.integers(1, 5), picks=st.lists(st.integers(0, 2**16), min_size=10, max_size=10),
       attrition=st.sampled_from(["0", "12.5"]), uptake=st.sampled_from(["0", "40"]), stipend=st.booleans())
def test_both_engines_agree_on_what_hr_keeps_on_the_roster(shipped, district, teachers, seed, years, picks, attrition,
                                                          uptake, stipend):
    """Years of service, growth steps, a role held, the micro-credentials earned this year and a lane change part-way
    through it (paid for its share of the year, then the teacher's lane), as a roster gives them."""
    from dataclasses import replace

    from engine.pay.cells import latest_schedule_year, schedule_for

    rules = shipped[district]
    roles = [None] + [role.id for role in rules.roles]
    lanes = schedule_for(rules, latest_schedule_year(rules))[0].lanes
    shares = [Decimal("0.5"), Decimal("0.25"), Decimal("0.3333"), Decimal("0.9999")]
    kept = []
    for i, t in enumerate(synthesize(rules, teachers, seed=seed).teachers()):
        pick = picks[i % len(picks)]
        new_lane = lanes[pick % len(lanes)] if pick % 7 < 3 and lanes[pick % len(lanes)] != t.lane else None
        kept.append(replace(t, years_of_service=pick % 30 if pick % 3 else None,
                            growth_steps=pick % 4 if pick % 5 == 0 else None, role=roles[pick % len(roles)],
                            micro_credentials_this_year=pick % 11 if pick % 2 else 0, new_lane=new_lane,
                            new_lane_share=shares[pick % len(shares)] if new_lane else None))
    roster = Roster.from_teachers(district, kept, rules)
    policy = Policy(stipend_per_micro_credential=Decimal("150.00")) if stipend else Policy()
    scenario = Scenario(name="Kept", district_id=district, years=years, attrition_percent=Decimal(attrition),
                        uptake_percent=Decimal(uptake), policy=policy)
    assert project(rules, scenario, roster).years == project_reference(rules, scenario, roster).years


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(district=st.sampled_from(["cedar-valley", "dysart", "harmony", "prairie-ridge"]), teachers=st.integers(1, 10),
       seed=st.integers(0, 2**16), years=st.integers(1, 5), data=st.data())
def test_both_engines_agree_on_any_proposal(shipped, district, teachers, seed, years, data):
    """Raises by percent or dollars on chosen lanes and steps, mid-year; holds; merges; steps added and removed;
    one-time payments: the two engines give the same cents."""
    from engine.budget.proposal import CellRaise, LaneMerge, OneTimePayment, ProposalYear
    from engine.pay.cells import latest_schedule_year, schedule_for

    rules = shipped[district]
    first = latest_schedule_year(rules)
    schedule = schedule_for(rules, first)[0]
    lanes = schedule.lanes
    proposal = []
    for k in range(1, data.draw(st.integers(1, 3)) + 1):
        year = first.plus(k)
        raises = [CellRaise(**({"percent": Decimal(data.draw(st.sampled_from(["1.5", "3", "-1"])))} if data.draw(st.booleans())
                               else {"dollars": Decimal(data.draw(st.sampled_from(["250.00", "1000.50"])))}),
                            lanes=data.draw(st.lists(st.sampled_from(lanes), max_size=2, unique=True)),
                            steps=data.draw(st.lists(st.integers(1, 12), max_size=3, unique=True)),
                            effective=data.draw(st.sampled_from([None, year.start.replace(year=year.start.year + 1, month=1)])))
                  for _ in range(data.draw(st.integers(0, 2)))]
        merges = [LaneMerge(lane=lanes[0], into=lanes[-1])] if len(lanes) > 1 and data.draw(st.booleans()) else []
        payments = [OneTimePayment(**({"amount": Decimal("1200.00")} if data.draw(st.booleans()) else {"percent": Decimal(2)}),
                                   min_years=data.draw(st.sampled_from([None, 3, 12])),
                                   min_step=data.draw(st.sampled_from([None, 4])), pensionable=data.draw(st.booleans()))
                    for _ in range(data.draw(st.integers(0, 2)))]
        proposal.append(ProposalYear(school_year=year.label, raises=raises, merge_lanes=merges, one_time=payments,
                                     hold_on_step=data.draw(st.booleans()), add_steps=data.draw(st.integers(0, 1))))
    scenario = Scenario(name="Proposal", district_id=district, years=years, attrition_percent=Decimal("10"),
                        uptake_percent=Decimal("20"), proposal=proposal)
    roster = synthesize(rules, teachers, seed=seed)
    assert project(rules, scenario, roster).years == project_reference(rules, scenario, roster).years
