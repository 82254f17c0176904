"""A broken rule file costs only its own district: pages, the API and /admin/districts keep working.

The broken files are the ones the issues found: an empty `schedules:` (step 1 of the
README's worked example), an alias that refers to itself, and a small alias bomb that
would expand to millions of values.
"""
import shutil
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "district_rules"
BOMB = "district: {id: bomb, name: Bomb, state: MN}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 8))


@pytest.fixture
def folder(app, tmp_path):
    for name in ("cedar-valley.yaml", "dysart.yaml"):
        shutil.copy(RULES / name, tmp_path / name)
    (tmp_path / "half-done.yaml").write_text("district: {id: half-done, name: Half Done, state: MN}\n"
                                             "lanes:\n  - {id: BA, degree: bachelor}\nschedules:\n")
    (tmp_path / "loop.yaml").write_text("district: {id: loop, name: Loop, state: MN}\nlanes: &l\n  - *l\n")
    (tmp_path / "bomb.yaml").write_text(BOMB)
    assert len(BOMB) < 600
    app.config["DISTRICT_RULES"] = str(tmp_path)
    return tmp_path


def test_pages_and_the_api_serve_every_district_that_loads(client, folder):
    for path in ("/", "/estimate", "/schedules?district=dysart", "/compare", "/districts/cedar-valley"):
        assert client.get(path).status_code == 200, path
    listed = client.get("/api/v1/districts").get_json()["districts"]
    assert [d["id"] for d in listed] == ["cedar-valley", "dysart"]
    answer = client.post("/api/v1/estimate", json={"district": "dysart", "school_year": "2026-27", "step": 5, "lane": "BA"})
    assert answer.status_code == 200
    missing = client.post("/api/v1/estimate", json={"district": "loop", "school_year": "2026-27", "step": 1, "lane": "BA"})
    assert missing.status_code == 422 and "unknown district 'loop'" in missing.get_json()["detail"]


def test_admin_districts_shows_each_broken_file_on_its_own(client, login_as, folder):
    login_as("admin")
    page = client.get("/admin/districts")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count('<span class="gain">ok</span>') == 2
    assert f"{folder / 'half-done.yaml'}:4: schedules: expected at least one schedule" in text
    assert f"{folder / 'loop.yaml'}:2: (top): an alias refers to the mapping or list that holds it" in text
    assert "aliases expand to more than 200,000 values" in text
