"""Finance pages and services: who may reach them, importing a roster (all rows or none), running a scenario
through Huey, the charts, the comparison and the downloads."""
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engine.budget.roster import RosterError, roster_csv, synthesize
from models.finance import BudgetRoster, ProjectionRun, RosterEntry, RunStatus
from services import finance
from services import roster as rosters
from tests.conftest import csrf_token
from tests.finance.conftest import DATA

FINANCE_PAGES = ["/finance/", "/finance/rosters/new", "/finance/scenarios/new"]
IMPORTED_ON = date(2026, 9, 15)  # the day roster files are checked against (no hire date after it)


@pytest.mark.parametrize("path", FINANCE_PAGES)
def test_only_finance_reaches_the_finance_pages(client, login_as, path):
    assert client.get(path).status_code == 302  # to sign-in
    login_as("teacher")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", FINANCE_PAGES)
def test_finance_reaches_the_finance_pages(client, login_as, path):
    login_as("finance")
    assert client.get(path).status_code == 200


def upload(client, filename: str, content: bytes, district: str, name: str = "Test roster"):
    token = csrf_token(client, "/finance/rosters/new")
    response = client.post("/finance/rosters/new", data={"csrf_token": token, "district_id": district, "name": name,
                                                           "file": (io.BytesIO(content), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def confirm_mapping(client, location: str, overrides: dict | None = None):
    page = client.get(location).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token}
    for field, header in re.findall(r'<select id="map_(\w+)" name="map_\w+">.*?(?:<option value="([^"]*)" selected>|</select>)', page, re.S):
        data[f"map_{field}"] = header
    data.update(overrides or {})
    data["district_id"] = re.search(r'name="district_id" value="([^"]+)"', page).group(1)
    data["name"] = re.search(r'name="name" value="([^"]*)"', page).group(1)
    return client.post(location.split("?")[0], data=data)


def test_a_roster_file_imports_after_its_columns_are_matched(client, login_as, session, app):
    login_as("finance")
    location = upload(client, "cedar.csv", (DATA / "cedar-valley-roster.csv").read_bytes(), "cedar-valley")
    response = confirm_mapping(client, location)
    assert response.status_code == 302
    roster = session.scalars(select(BudgetRoster)).one()
    assert roster.teacher_count == 10 and roster.district_id == "cedar-valley"
    entry = session.scalars(select(RosterEntry).where(RosterEntry.employee_id == "CV003")).one()
    assert (entry.fte, entry.credit_hours, entry.subjects, entry.certifications) == (Decimal("0.50"), Decimal("33.00"), "science", "nbct")


def test_a_roster_with_one_bad_row_imports_nothing_and_names_the_row(client, login_as, session, app):
    login_as("finance")
    # Its headers differ from Lanewise's ("Emp ID", "Campus", "Pay Band", "MCs"...): matched by name.
    location = upload(client, "harmony.csv", (DATA / "harmony-bad-row.csv").read_bytes(), "harmony")
    response = confirm_mapping(client, location)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Nothing was imported" in text
    problems = re.findall(r"<tr><td class=\"num\">(\d+)</td><td>(\w+)</td><td>([^<]+)</td></tr>", text)
    assert {(line, column) for line, column, _ in problems} == {("4", "step"), ("4", "fte"), ("4", "hire_date"), ("4", "degree")}
    assert any("expected a whole number" in message for _, _, message in problems)
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 0
    assert session.scalar(select(func.count()).select_from(BudgetRoster)) == 0


def test_an_unmatched_required_column_is_asked_for(client, login_as, app):
    login_as("finance")
    content = b"Person,Grid Row,Track\nA1,3,BA\n"
    location = upload(client, "odd.csv", content, "cedar-valley")
    response = confirm_mapping(client, location)
    assert response.status_code == 422
    assert "Choose a column for: employee id, step, lane" in response.get_data(as_text=True)
    response = confirm_mapping(client, location, {"map_employee_id": "Person", "map_step": "Grid Row", "map_lane": "Track"})
    assert response.status_code == 302


def test_an_xlsx_roster_imports_with_dates_and_numbers_as_excel_holds_them(session, districts):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Employee ID", "Step", "Lane", "FTE", "Hire Date", "MCs"])
    sheet.append(["X1", 4, "BA+15", 1, datetime(2020, 8, 3), 3])
    sheet.append(["X2", 7.0, "MA", 0.5, datetime(2017, 8, 1), None])
    out = io.BytesIO()
    book.save(out)
    record = rosters.import_roster(session=session, rules=districts["cedar-valley"], name="x", content=out.getvalue(),
                                   filename="roster.xlsx", today=IMPORTED_ON)
    loaded = rosters.load_roster(session=session, rules=districts["cedar-valley"], roster_id=record.id)
    assert [t.step for t in loaded.teachers()] == [4, 7]
    assert [str(t.fte) for t in loaded.teachers()] == ["1.00", "0.50"]


def test_every_bad_row_is_listed_with_line_column_and_expectation(session, districts):
    content = (b"employee_id,step,lane,fte\nA,1,BA,1\nB,6,BA,1\nC,2,ZZ,1\nA,2,BA,1\n")
    with pytest.raises(RosterError) as caught:
        rosters.import_roster(session=session, rules=districts["cedar-valley"], name="bad", content=content, filename="r.csv",
                              today=IMPORTED_ON)
    found = [(e.line, e.column) for e in caught.value.errors]
    assert found == [(3, "step"), (4, "lane"), (5, "employee_id")]
    assert "reserved" in caught.value.errors[0].message
    assert session.scalar(select(func.count()).select_from(RosterEntry)) == 0


def make_roster(session, districts, district="cedar-valley", teachers=120):
    return rosters.save_roster(session=session, rules=districts[district], name="Synthetic",
                               roster=synthesize(districts[district], teachers, seed=4))


def scenario_form(token: str, roster_id: int, **extra) -> dict:
    form = {"csrf_token": token, "name": "MCs toward lanes", "district_id": "cedar-valley", "roster_id": str(roster_id),
            "years": "5", "toward_lanes": "1", "stipend_per_micro_credential": "150", "stipend_cap_per_year": "6",
            "raise_percent": "2", "hiring_lanes": "BA:80, MA:20", "draws": "60", "seed": "42", "action": "run"}
    form.update(extra)
    return form


def test_a_scenario_runs_through_huey_and_gives_charts_table_and_downloads(client, login_as, session, districts):
    roster = make_roster(session, districts)
    login_as("finance")
    token = csrf_token(client, "/finance/scenarios/new")
    response = client.post("/finance/scenarios/new", data=scenario_form(token, roster.id))
    assert response.status_code == 302, response.get_data(as_text=True)
    run_url = response.headers["Location"]
    run = session.scalars(select(ProjectionRun)).one()
    session.refresh(run)
    assert run.status == RunStatus.done, run.error
    page = client.get(run_url).get_data(as_text=True)
    for chart in ("components", "fan", "difference"):
        assert f'id="{chart}-data"' in page
    status = client.get(f"/finance/runs/{run.id}/status").get_json()
    assert status["status"] == "done" and status["progress"] == 100
    csv_text = client.get(f"/finance/runs/{run.id}/projection.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("School year,Head count,FTE")
    assert len(csv_text.splitlines()) == 6
    workbook = load_workbook(io.BytesIO(client.get(f"/finance/runs/{run.id}/projection.xlsx").data))
    sheet = workbook["Projection"]
    headers = [c.value for c in sheet[1]]
    assert "Difference vs baseline" in headers and "Total, 95th percentile" in headers
    result = finance.run_result(run)
    assert Decimal(str(sheet.cell(row=2, column=headers.index("Total cost") + 1).value)) == Decimal(result["years"][0]["total"])


def test_scenarios_compare_side_by_side(client, login_as, session, districts):
    roster = make_roster(session, districts)
    login_as("finance")
    token = csrf_token(client, "/finance/scenarios/new")
    client.post("/finance/scenarios/new", data=scenario_form(token, roster.id, draws="0"))
    client.post("/finance/scenarios/new", data=scenario_form(token, roster.id, name="Stipend only", toward_lanes="", draws="0"))
    runs = session.scalars(select(ProjectionRun).order_by(ProjectionRun.id)).all()
    assert [r.status for r in runs] == [RunStatus.done, RunStatus.done]
    page = client.get(f"/finance/compare?run={runs[0].id}&run={runs[1].id}").get_data(as_text=True)
    assert "MCs toward lanes: total" in page and "Stipend only: difference" in page and "All years" in page


def test_a_roster_keeps_what_hr_keeps_and_lists_everyone_paid_off_the_schedule(client, login_as, session, districts):
    from engine.budget.projection import project

    content = ("employee_id,step,lane,fte,hire_date,years of service,growth steps,actual salary,bargaining unit,funding source\n"
               "C1,1,BA,1.00,2020-08-01,7,,49400.00,Teachers,General fund\n"      # schedule 48,900.00: 500.00 above
               "C2,1,BA,0.50,2020-08-01,,,24450.00,,Title I\n"                    # 48,900.00 x 0.50: on the schedule
               "C3,4,MA,1.00,2016-08-01,,,59000.00,Counselors,General fund\n"     # counselors' MA step 4: 66,770.00
               "C4,2,BA,1.00,2024-08-01,,,,teachers,General fund\n").encode()
    login_as("finance")
    location = upload(client, "hr-keeps.csv", content, "cedar-valley")
    response = confirm_mapping(client, location)
    assert response.status_code == 302, response.get_data(as_text=True)
    record = session.scalars(select(BudgetRoster).order_by(BudgetRoster.id.desc())).first()
    rules = districts["cedar-valley"]
    stored = rosters.load_roster(session=session, rules=rules, roster_id=record.id)
    teachers = {t.employee_id: t for t in stored.teachers()}
    assert (teachers["C1"].years_of_service, teachers["C1"].unit, teachers["C1"].funding) == (7, "teachers", "General fund")
    assert teachers["C3"].unit == "counselors" and teachers["C2"].funding == "Title I" and teachers["C2"].unit == "teachers"
    assert teachers["C4"].actual_salary is None and teachers["C1"].actual_salary == Decimal("49400.00")
    page = client.get(f"/finance/rosters/{record.id}").get_data(as_text=True)
    assert "2 teachers' actual salary differs" in page
    table = page[page.index('data-testid="off-schedule"'):]
    assert table.index(">C1<") and "$49,400.00" in table and "$500.00" in table
    assert ">C2<" not in table and ">C4<" not in table
    assert "$66,770.00" in table and "-$7,770.00" in table   # 59,000.00 - 66,770.00
    # The projection reads the same columns from the stored roster as from the file.
    from engine.budget.scenario import Scenario

    scenario = Scenario(name="Plain", district_id="cedar-valley", years=3)
    projection_roster = rosters.load_roster(session=session, rules=rules, roster_id=record.id, with_ids=False)
    assert project(rules, scenario, projection_roster).years == project(rules, scenario, stored).years


def test_a_proposal_built_on_the_form_runs_and_keeps_its_terms(client, login_as, session, districts):
    from engine.budget.projection import project
    from engine.budget.scenario import Scenario

    rules = districts["cedar-valley"]
    roster = make_roster(session, districts, teachers=30)
    login_as("finance")
    token = csrf_token(client, "/finance/scenarios/new")
    schedule = rules.schedules[max(rules.schedules)]
    grid = "step," + ",".join(schedule.lanes) + "\n" + "\n".join(
        f"{row.label}," + ",".join(str(a + 500) for a in row.amounts) for row in schedule.rows if not row.reserved)
    form = scenario_form(token, roster.id, name="Settlement", toward_lanes="", stipend_per_micro_credential="",
                         raise_percent="", draws="0", years="4",
                         p1_school_year="2027-28", p1_raise_percent="2.5", p1_hold="1",
                         p1_one_time_amount="1000", p1_one_time_min_years="5",
                         p2_school_year="2028-29", p2_midyear_percent="1", p2_midyear_effective="2029-01-01",
                         p2_merge="BA+15 > BA+30", p2_grid_file=(io.BytesIO(grid.encode()), "proposed.csv"))
    response = client.post("/finance/scenarios/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    run = session.scalars(select(ProjectionRun).order_by(ProjectionRun.id.desc())).first()
    session.refresh(run)
    assert run.status == RunStatus.done, run.error
    record = finance.get_scenario(session=session, scenario_id=run.scenario_id)
    saved = finance.scenario_of(record)
    assert [y.school_year for y in saved.proposal] == ["2027-28", "2028-29"]
    assert saved.proposal[0].hold_on_step and saved.proposal[0].one_time[0].amount == Decimal("1000.00")
    assert saved.proposal[1].grid_csv.startswith("step,BA") and saved.proposal[1].merge_lanes[0].into == "BA+30"
    # The page's figures are the engine's for the saved scenario, to the cent.
    result = finance.run_result(run)
    stored = rosters.load_roster(session=session, rules=rules, roster_id=roster.id, with_ids=False)
    assert result["years"] == project(rules, saved, stored).years
    assert Decimal(result["years"][1]["one_time_payments"]) > 0
    # The saved proposal comes back in the form, its grid kept.
    page = client.get(f"/finance/scenarios/{record.id}").get_data(as_text=True)
    assert 'value="2028-29"' in page and "A proposed grid is attached" in page and 'value="BA+15 &gt; BA+30"' in page
    # A lane that is not the district's is refused at its field.
    bad = scenario_form(token, roster.id, name="Bad", draws="0", p1_school_year="2027-28", p1_merge="ZZ > BA")
    response = client.post("/finance/scenarios/new", data=bad)
    assert response.status_code == 422
    assert 'id="p1_merge-errors"' in response.get_data(as_text=True)


def test_the_board_report_shows_cost_by_component_drivers_per_fte_and_assumptions_as_page_xlsx_and_pdf(
        client, login_as, session, districts):
    roster = make_roster(session, districts, teachers=40)
    login_as("finance")
    token = csrf_token(client, "/finance/scenarios/new")
    response = client.post("/finance/scenarios/new", data=scenario_form(
        token, roster.id, name="Board", draws="0", years="3", p1_school_year="2027-28", p1_raise_percent="2",
        p1_hold="1", p2_school_year="2028-29", p2_one_time_amount="750"))
    assert response.status_code == 302, response.get_data(as_text=True)
    run = session.scalars(select(ProjectionRun).order_by(ProjectionRun.id.desc())).first()
    session.refresh(run)
    result = finance.run_result(run)
    drivers = result["drivers"]
    assert [d["school_year"] for d in drivers] == [y["school_year"] for y in result["years"]]
    assert all(d["end"] == y["total"] for d, y in zip(drivers, result["years"]))
    page = client.get(f"/finance/runs/{run.id}/report").get_data(as_text=True)
    total = next(c for c in report_components(result) if c[0] == "total")
    last = Decimal(result["years"][-1]["total"]) - Decimal(result["baseline"][-1]["total"])
    assert f"{money(last)}" in page and 'id="waterfall-data"' in page
    assert "Proposal 2027-28" in page and "2%; hold on step" in page and "One-time payment: $750.00 once" in page
    assert "Cost per FTE" in page and total
    book = load_workbook(io.BytesIO(client.get(f"/finance/runs/{run.id}/report.xlsx").data))
    assert book.sheetnames[:3] == ["Cost", "Cost drivers", "Cost per FTE"] and "Assumptions" in book.sheetnames
    cost = book["Cost"]
    rows = [[c.value for c in row] for row in cost.iter_rows(min_row=5)]
    total_scenario = next(r for r in rows if r[0] == "Total" and r[1] == "scenario")
    assert [Decimal(str(v)) for v in total_scenario[2:5]] == [Decimal(y["total"]) for y in result["years"]]
    drivers_sheet = [[c.value for c in row] for row in book["Cost drivers"].iter_rows(min_row=2)]
    assert Decimal(str(drivers_sheet[-1][-1])) == Decimal(result["years"][-1]["total"])
    pdf = client.get(f"/finance/runs/{run.id}/report.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert money(Decimal(result["years"][0]["total"])).encode() in pdf.data   # the figures are in the file, as text


def report_components(result):
    from services.report import COMPONENTS

    return COMPONENTS


def money(value: Decimal) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def test_a_lever_that_is_already_the_rule_shows_a_zero_difference_with_the_reason(client, login_as, session, districts):
    roster = make_roster(session, districts, teachers=40)
    login_as("finance")
    token = csrf_token(client, "/finance/scenarios/new")
    # Cedar Valley already counts micro-credentials toward lanes, 1 hour each (the form's empty hours field).
    response = client.post("/finance/scenarios/new", data=scenario_form(
        token, roster.id, name="Already the rule", stipend_per_micro_credential="", raise_percent="", draws="0"))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-testid="total-difference">\$0\.00<', page)
    assert "Micro-credentials already count toward lanes in Cedar Valley Unified (illustrative)" in page


def test_the_form_reads_units_vacancies_and_the_hires_experience(districts):
    from werkzeug.datastructures import MultiDict

    from web.finance.forms import FormError, form_from_scenario, scenario_from_form

    form = MultiDict([("name", "Units"), ("district_id", "cedar-valley"), ("units", "teachers"), ("units", "counselors"),
                      ("hiring_experience", "0:70, 5:30"), ("vacancies", "2, Counselors, MA, 1.00, Title I\n1, , , 0.50, ")])
    scenario = scenario_from_form(form, districts["cedar-valley"])
    assert scenario.units == ["teachers", "counselors"]
    assert [(v.count, v.unit, v.lane, v.fte, v.funding) for v in scenario.vacancies] == [
        (2, "counselors", "MA", Decimal("1.00"), "Title I"), (1, "teachers", None, Decimal("0.50"), "")]
    assert [(e.years, e.percent) for e in scenario.hiring_experience] == [(0, Decimal(70)), (5, Decimal(30))]
    assert form_from_scenario(scenario)["vacancies"] == "2, counselors, MA, 1.00, Title I\n1, teachers, , 0.50, "
    form.setlist("vacancies", ["two, counselors"])
    with pytest.raises(FormError) as caught:
        scenario_from_form(form, districts["cedar-valley"])
    assert "vacancies" in caught.value.fields


def test_the_form_keeps_persistence_the_effective_year_and_social_security_apart(client, login_as, session, districts):
    from web.finance.forms import form_from_scenario, scenario_from_form

    form = {"name": "Deal", "district_id": "harmony", "uptake_percent": "20", "persistence_percent": "90",
            "raise_percent": "3", "effective_year": "2028-29", "social_security": "yes", "medicare": ""}
    scenario = scenario_from_form(form, districts["harmony"])
    assert (scenario.uptake_percent, scenario.persistence_percent) == (Decimal(20), Decimal(90))
    assert scenario.schedule.effective_year == "2028-29"
    assert (scenario.social_security, scenario.medicare) == (True, None)
    again = form_from_scenario(scenario)
    assert (again["persistence_percent"], again["effective_year"], again["social_security"], again["medicare"]) == \
        (Decimal(90), "2028-29", "yes", "")
    login_as("finance")
    page = client.get("/finance/scenarios/fields?district_id=harmony").get_data(as_text=True)
    assert "As the rule file says (not paid)" in page and "As the rule file says (paid, 1.45%)" in page


def test_a_scenario_that_does_not_fit_is_shown_with_its_problems(client, login_as, session, districts):
    roster = make_roster(session, districts)
    login_as("finance")
    token = csrf_token(client, "/finance/scenarios/new")
    response = client.post("/finance/scenarios/new", data=scenario_form(token, roster.id, hiring_lanes="QQ:100", years="x"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Years to project: expected a whole number" in text


def test_a_failed_run_records_why(session, districts):
    roster = make_roster(session, districts, teachers=5)
    from engine.budget.scenario import Scenario

    record = finance.save_scenario(session=session, rules=districts["cedar-valley"], roster_id=roster.id,
                                   scenario=Scenario(name="x", district_id="cedar-valley", years=2))
    run = finance.queue_run(session=session, scenario_id=record.id)
    # The worker's rule files no longer hold the district: the run fails and says so.
    done = finance.execute_run(session=session, run_id=run.id, districts={})
    assert done.status == RunStatus.failed and "cedar-valley" in (done.error or "")


def test_flask_roster_synth_writes_a_csv_that_imports(runner, tmp_path, session, districts):
    out = tmp_path / "synth.csv"
    result = runner.invoke(args=["roster", "synth", "--district", "harmony", "--teachers", "40", "--seed", "9", "--out", str(out)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["roster", "synth", "--district", "harmony", "--teachers", "40", "--seed", "9"])
    assert again.output == out.read_text()
    record = rosters.import_roster(session=session, rules=districts["harmony"], name="s", content=out.read_bytes(),
                                   filename="synth.csv", today=IMPORTED_ON)
    assert record.teacher_count == 40
    stored = runner.invoke(args=["roster", "synth", "--district", "dysart", "--teachers", "25", "--db"])
    assert stored.exit_code == 0 and "stored roster" in stored.output


def test_a_roster_file_larger_than_the_default_request_limit_uploads(client, login_as, app, districts):
    login_as("finance")
    content = roster_csv(synthesize(districts["harmony"], 40_000, seed=1)).encode()
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    # Encoded in memory: the test client would otherwise spool the body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": csrf_token(client, "/finance/rosters/new"), "district_id": "harmony",
                                       "name": "Big", "file": FileStorage(io.BytesIO(content), "big.csv")})
    response = client.post("/finance/rosters/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302 and "/finance/rosters/map/" in response.headers["Location"]


def test_a_scenario_file_exported_imports_again_and_flask_project_prints_the_pages_csv(client, login_as, session,
                                                                                     districts, runner, tmp_path):
    from engine.budget.scenario_file import read_scenario

    login_as("finance")
    content = (DATA / "cedar-valley-roster.csv").read_bytes()
    confirm_mapping(client, upload(client, "cedar.csv", content, "cedar-valley"))
    roster = session.scalars(select(BudgetRoster).order_by(BudgetRoster.id.desc())).first()
    token = csrf_token(client, "/finance/scenarios/new")
    response = client.post("/finance/scenarios/new", data=scenario_form(
        token, roster.id, name="Scripted", draws="0", years="3", action="save", p1_school_year="2027-28",
        p1_raise_percent="2.5", p1_midyear_percent="1", p1_midyear_effective="2028-01-01", p1_hold="1"))
    assert response.status_code == 302, response.get_data(as_text=True)
    scenario_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    saved = finance.scenario_of(finance.get_scenario(session=session, scenario_id=scenario_id))
    exported = client.get(f"/finance/scenarios/{scenario_id}/scenario.yaml")
    assert exported.status_code == 200 and exported.data.startswith(b"format: lanewise-scenario/1")
    assert read_scenario(exported.data) == saved
    assert read_scenario(client.get(f"/finance/scenarios/{scenario_id}/scenario.json").data) == saved
    # Imported again: the same scenario, saved anew on the roster.
    token = csrf_token(client, "/finance/scenarios/import")
    response = client.post("/finance/scenarios/import", data={"csrf_token": token, "roster_id": str(roster.id),
                                                               "file": (io.BytesIO(exported.data), "deal.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    again = finance.scenario_of(finance.get_scenario(session=session, scenario_id=int(response.headers["Location"].split("/")[-1])))
    assert again == saved
    # A broken file names its line and field, and saves nothing.
    count = len(finance.list_scenarios(session=session))
    broken = exported.data.replace(b"years: 3", b"years: three")
    response = client.post("/finance/scenarios/import", data={"csrf_token": token, "roster_id": str(roster.id),
                                                               "file": (io.BytesIO(broken), "deal.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "deal.yaml:4: years: expected a valid integer" in response.get_data(as_text=True)
    assert len(finance.list_scenarios(session=session)) == count
    # The page's run and `flask project` on the same files print the same table, to the cent.
    run_response = client.post(f"/finance/scenarios/{scenario_id}/run", data={"csrf_token": token})
    run_id = int(run_response.headers["Location"].rstrip("/").split("/")[-1])
    page_csv = client.get(f"/finance/runs/{run_id}/projection.csv").get_data(as_text=True)
    (tmp_path / "deal.yaml").write_bytes(exported.data)
    (tmp_path / "cedar.csv").write_bytes(content)
    printed = runner.invoke(args=["project", "--roster", str(tmp_path / "cedar.csv"), "--scenario", str(tmp_path / "deal.yaml"),
                                  "--today", "2026-09-15"])
    assert printed.exit_code == 0, printed.output
    assert printed.output == page_csv
    as_json = runner.invoke(args=["project", "--roster", str(tmp_path / "cedar.csv"), "--scenario", str(tmp_path / "deal.yaml"),
                                  "--today", "2026-09-15", "--json"])
    assert json.loads(as_json.output)["years"] == finance.run_result(session.get(ProjectionRun, run_id))["years"]
    bad = runner.invoke(args=["project", "--roster", str(tmp_path / "cedar.csv"), "--scenario", str(tmp_path / "cedar.csv")])
    assert bad.exit_code == 1 and "expected a mapping" in bad.output
