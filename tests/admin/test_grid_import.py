"""The admin's grid import page: upload a published grid, see what was read, correct it, save or download."""
import html
import io
import re
import shutil
from pathlib import Path

import pytest

from engine import parse_rules

RULES = Path(__file__).resolve().parents[2] / "district_rules"
SHARED = Path(__file__).resolve().parents[1] / "data" / "schedules"
WORCESTER = SHARED / "worcester-county-md_year-unstated.csv"


@pytest.fixture
def admin(app, client, login_as, tmp_path):
    """An admin signed in, with a rule folder of its own holding Cedar Valley."""
    shutil.copy(RULES / "cedar-valley.yaml", tmp_path / "cedar-valley.yaml")
    app.config["DISTRICT_RULES"] = str(tmp_path)
    login_as("admin")
    app.config["WTF_CSRF_ENABLED"] = False
    return tmp_path


def upload(client, path: Path, **fields):
    data = {"grid": (io.BytesIO(path.read_bytes()), path.name), "effective": "2024-07-01", "district": "", "read": "1"}
    return client.post("/admin/grids", data={**data, **fields}, content_type="multipart/form-data")


def next_step(page: str, **fields) -> dict:
    """The form as the page gives it back (the grid, the lanes as read), with some fields changed."""
    form = {"grid_json": html.unescape(re.search(r'name="grid_json" type="hidden" value="([^"]*)"', page).group(1)),
            "effective": "2024-07-01", "district": ""}
    for name, value in re.findall(r'name="(lanes-\d+-label)" type="hidden" value="([^"]*)"', page):
        form[name] = html.unescape(value)
    return {**form, **fields}


def test_the_page_shows_the_grid_as_read_with_every_guess_and_blank(client, admin):
    page = upload(client, WORCESTER).get_data(as_text=True)
    text = html.unescape(" ".join(page.split()))
    assert "What was read from worcester-county-md_year-unstated.csv" in text
    assert "lane 'APL NBC': no degree can be read from its name" in text  # asked for, not guessed
    assert "Not ready to save" in text
    assert text.split("<tbody>")[1].count("<em>before</em>") == 150  # the leading staircase: "1st Maint" lanes start at step 6...
    assert '<option selected value="master">master</option>' in page  # "Masters NBC" read as a master's lane


def test_correcting_the_guesses_and_saving_makes_a_working_district(client, admin):
    page = upload(client, WORCESTER).get_data(as_text=True)
    corrections = {f"lanes-{i}-degree": "bachelor" for i in (0, 5, 10, 15)}  # the four "APL" lanes
    saved = client.post("/admin/grids", data=next_step(
        page, new_id="worcester", new_name="Worcester County Public Schools", new_state="md",
        source_title="k12salaryschedule.com: Worcester County, level 3", save="1", **corrections))
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/admin/districts")
    rules = parse_rules(admin / "worcester.yaml")
    assert rules.lane("APL NBC").degree == "bachelor" and rules.district.state == "MD"
    table = client.get("/api/v1/districts/worcester/schedules/2024-25").get_json()
    assert table["rows"][15]["amounts"][19] == "129902.00" and table["rows"][0]["amounts"][5] is None
    assert "worcester.yaml" in client.get("/admin/").get_data(as_text=True)  # kept in the admin record
    listing = client.get("/admin/districts").get_data(as_text=True)
    assert "<code>worcester.yaml</code>" in listing and "error(s)" not in listing


def test_download_gives_the_checked_rule_file_and_writes_nothing(client, admin):
    page = upload(client, SHARED / "hastings-200-mn_2023-2024.csv").get_data(as_text=True)
    assert "steps skip (K to M): read as next_row" in html.unescape(page)
    answer = client.post("/admin/grids", data=next_step(page, new_id="hastings", new_name="Hastings ISD 200",
                                                         new_state="MN", skipped_steps="next_row", download="1"))
    assert answer.status_code == 200 and answer.mimetype == "application/yaml"
    assert 'filename="hastings.yaml"' in answer.headers["Content-Disposition"]
    assert parse_rules("hastings.yaml", answer.get_data(as_text=True)).schedules
    assert not (admin / "hastings.yaml").exists()


def test_a_new_schedule_joins_an_existing_district(client, admin):
    grid = admin / "cedar-2027.csv"
    grid.write_text("step,BA,BA+15,MA\n1,50000,52000,57000\n2,51000,53000,58000\n")
    page = upload(client, grid, effective="2027-07-01", district="cedar-valley").get_data(as_text=True)
    saved = client.post("/admin/grids", data=next_step(page, effective="2027-07-01", district="cedar-valley", save="1"))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert parse_rules(admin / "cedar-valley.yaml").school_years()[-1] == "2027-28"
    again = client.post("/admin/grids", data=next_step(page, effective="2027-07-01", district="cedar-valley", save="1"))
    assert again.status_code == 400 and "a schedule dated 2027-07-01 is in the file already" in again.get_data(as_text=True)


def test_a_grid_sent_back_altered_or_too_large_is_refused(client, admin):
    tampered = client.post("/admin/grids", data={"grid_json": '{"name": "x", "lanes": ["BA"], "rows": [[1, "1", []]]}',
                                                 "effective": "2024-07-01", "district": "", "save": "1"})
    assert tampered.status_code == 400 and "did not come back as it was sent" in tampered.get_data(as_text=True)
    big = admin / "big.csv"
    big.write_text("step,BA\n" + "".join(f"{n},50000\n" for n in range(300)))
    refused = upload(client, big)
    assert refused.status_code == 400 and "more than 200 rows" in refused.get_data(as_text=True)


def test_reading_again_keeps_what_a_lane_name_says(client, admin):
    page = upload(client, SHARED / "chisago-lakes-2144-mn_2024-2025.csv").get_data(as_text=True)
    saved = client.post("/admin/grids", data=next_step(page, new_id="chisago", new_name="Chisago Lakes ISD 2144",
                                                       new_state="MN", save="1", **{"lanes-4-degree": "master"}))
    assert saved.status_code == 302
    lane = parse_rules(admin / "chisago.yaml").lane("BA+60/MA")
    assert lane.degree == "master" and [(e.degree, e.credits) for e in lane.equivalent] == [("bachelor", 60)]
