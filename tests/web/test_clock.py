"""One clock for the whole app: LANEWISE_TODAY moves every page's date, and the engine reads no clock."""
import io
import re
from datetime import date
from pathlib import Path

import pytest

import engine.budget.roster as roster_module
from engine import load_districts
from engine.budget.roster import roster_csv, synthesize
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]


def test_what_moves_me_next_names_the_window_open_on_the_app_s_date(app, client, login_as):
    # Cedar Valley's windows: by August 20, by October 1 (retroactive to July 1), by January 20 (second semester).
    login_as("teacher")
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    page = client.get("/teacher/next").get_data(as_text=True)
    assert re.search(r"By October 1 \(retroactive to July 1\): submit by <strong><time datetime=\"2026-10-01\">", page)
    assert 'effective <time datetime="2026-07-01">' in page
    app.config["LANEWISE_TODAY"] = "2026-10-02"
    page = client.get("/teacher/next").get_data(as_text=True)
    assert re.search(r"By January 20 \(second semester\): submit by <strong><time datetime=\"2027-01-20\">", page)
    assert 'effective <time datetime="2027-01-01">' in page


def test_a_roster_upload_refuses_hire_dates_after_the_app_s_date(app, client, login_as):
    login_as("finance")
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    content = b"employee_id,step,lane,fte,hire_date\nA1,3,BA,1,2026-08-01\nA2,1,BA,1,2026-09-16\n"
    response = client.post("/finance/rosters/new", data={
        "csrf_token": csrf_token(client, "/finance/rosters/new"), "district_id": "cedar-valley", "name": "Fall",
        "file": (io.BytesIO(content), "fall.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    mapping = response.headers["Location"]
    page = client.get(mapping).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    refused = client.post(mapping, data={"csrf_token": token, "map_employee_id": "employee_id", "map_step": "step",
                                         "map_lane": "lane", "map_fte": "fte", "map_hire_date": "hire_date"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "expected a hire date between 1940 and today, got 2026-09-16" in text


@pytest.mark.parametrize("clock", [date(2026, 1, 15), date(2026, 11, 30), date(2031, 5, 1)])
def test_a_synthetic_roster_is_the_same_whatever_the_clock_says(monkeypatch, clock):
    rules = load_districts()["cedar-valley"]
    expected = roster_csv(synthesize(rules, 60, seed=7))

    class Stopped(date):
        @classmethod
        def today(cls):
            return clock

    monkeypatch.setattr(roster_module, "date", Stopped)
    assert roster_csv(synthesize(rules, 60, seed=7)) == expected
    # Hired before the 2026-27 school year starts; with a date given, not after it either.
    hired = [t.hire_date for t in synthesize(rules, 60, seed=7, today=date(2026, 3, 1)).teachers()]
    assert max(hired) <= date(2026, 3, 1)


def test_only_web_clock_reads_the_clock():
    # The engine takes the date as a parameter; the web asks web/clock.py, which honours LANEWISE_TODAY.
    readers = re.compile(r"\bdate\.today\(|\bdatetime\.(now|utcnow)\(")
    found = [f"{path.relative_to(ROOT)}:{number}"
             for folder in ("engine", "web") for path in sorted((ROOT / folder).rglob("*.py"))
             if path != ROOT / "web" / "clock.py"
             for number, line in enumerate(path.read_text().splitlines(), 1) if readers.search(line)]
    assert found == []
