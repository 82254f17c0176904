"""Finance takes the roster from the records HR keeps: every teacher placed this school year, as their records stand,
each projecting what their own timeline pays; a teacher HR has not placed is named, never guessed; an officer takes
only their own districts' rosters."""
import html
import re
from datetime import date
from decimal import Decimal

import numpy as np
from sqlalchemy import select

from engine.budget.projection import project
from engine.budget.scenario import Scenario
from engine.money import money_str
from engine.teacher.state import Walk, walk
from models.finance import BudgetRoster
from models.hr import ChangeRequest
from models.teachers import Evaluation, TeacherCreate
from services import ledger, teachers
from services import roster as rosters
from tests.conftest import csrf_token

TODAY = date(2026, 10, 1)


def test_finance_takes_hrs_roster_and_each_teacher_projects_their_timeline(app, client, login_as, make_user, make_teacher,
                                                                          session, districts):
    app.config["LANEWISE_TODAY"] = TODAY
    rules = districts["cedar-valley"]
    placed = [make_teacher(district_id="cedar-valley", step=step, lane=lane) for step, lane in ((1, "BA"), (5, "BA+15"), (12, "MA"))]
    unplaced = teachers.create_teacher(session=session, teacher=TeacherCreate(
        district_id="cedar-valley", employee_id="NEW-1", name="Not Yet Placed", hire_date=date(2026, 8, 1)))
    make_teacher(district_id="dysart")          # another district: not on Cedar Valley's roster
    # HR approved BA -> BA+15 for the second half of the year for the first teacher, and rated the third.
    session.add(ChangeRequest(teacher_id=placed[0].id, district_id="cedar-valley", kind="lane_change", status="approved",
                              school_year="2026-27", effective_date=date(2027, 1, 1), share_of_year="0.5",
                              old_step=1, old_lane="BA", new_lane="BA+15"))
    session.add(Evaluation(teacher_id=placed[2].id, school_year="2025-26", rating="effective"))
    session.commit()
    login_as("finance", user=make_user("finance", districts=["cedar-valley"]))
    assert "take the roster HR keeps" in client.get("/finance/rosters/new").get_data(as_text=True)
    response = client.post("/finance/rosters/from-hr", data={
        "csrf_token": csrf_token(client, "/finance/rosters/from-hr"), "district_id": "cedar-valley", "name": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    flashed = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "Took 3 teachers from HR's records" in flashed
    assert unplaced.employee_id in page and "no placement in 2026-27" in page
    record = session.scalars(select(BudgetRoster).order_by(BudgetRoster.id.desc())).first()
    assert (record.district_id, record.teacher_count, record.school_year) == ("cedar-valley", 3, "2026-27")
    assert record.source == "HR's records, 2026-10-01"
    stored = rosters.load_roster(session=session, rules=rules, roster_id=record.id)
    assert sorted((t.employee_id, t.step, t.lane, t.new_lane, t.new_lane_share) for t in stored.teachers()) == sorted(
        (t.employee_id, s, lane, change, share) for t, (s, lane), (change, share) in
        zip(placed, ((1, "BA"), (5, "BA+15"), (12, "MA")), (("BA+15", Decimal("0.5")), (None, None), (None, None))))
    # The roster reads every teacher's record in one go, as each teacher's own pages read it.
    staff = [*placed, unplaced]
    assert ledger.teacher_records(session=session, teachers=staff) == \
        {t.id: ledger.teacher_record(session=session, rules=rules, teacher=t) for t in staff}
    scenario = Scenario(name="As HR keeps them", district_id="cedar-valley", start_year="2026-27", years=5,
                        attrition_percent=Decimal(0), uptake_percent=Decimal(0))
    for teacher in placed:   # each teacher alone: the roster's row projects what their own timeline pays
        one = stored.subset(np.array([stored.employee_ids.index(teacher.employee_id)]))
        one.employee_ids = [teacher.employee_id]
        record_of = ledger.teacher_record(session=session, rules=rules, teacher=teacher)
        timeline = walk(rules, record_of, Walk(rules.year("2026-27"), 5, today=TODAY, assume_filing=False))
        assert [y["pay"] for y in project(rules, scenario, one).years] == [money_str(y.total) for y in timeline]


def test_an_officer_takes_only_their_own_districts_roster_and_an_empty_one_is_said(app, client, login_as, make_user,
                                                                                  session):
    app.config["LANEWISE_TODAY"] = TODAY
    login_as("finance", user=make_user("finance", districts=["harmony"]))
    token = csrf_token(client, "/finance/rosters/from-hr")
    assert client.post("/finance/rosters/from-hr", data={"csrf_token": token, "district_id": "dysart"}).status_code == 404
    response = client.post("/finance/rosters/from-hr", data={"csrf_token": token, "district_id": "harmony"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/finance/rosters/from-hr?district_id=harmony")
    assert "HR keeps no teacher of" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert session.scalars(select(BudgetRoster)).first() is None
