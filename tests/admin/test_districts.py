"""The districts page: every rule file checked on its own, a broken one told with file, line, path and message."""

import shutil
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "district_rules"


def test_a_broken_rule_file_is_located_and_hides_no_other(app, client, login_as, tmp_path):
    shutil.copy(RULES / "cedar-valley.yaml", tmp_path / "cedar-valley.yaml")
    broken = (RULES / "harmony.yaml").read_text().replace("amounts: [58000.00]", "amounts: [-58000.00]", 1)
    assert "-58000.00" in broken
    (tmp_path / "harmony.yaml").write_text(broken)
    app.config["DISTRICT_RULES"] = str(tmp_path)
    login_as("admin")

    response = client.get("/admin/districts")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (f"{tmp_path / 'harmony.yaml'}:34: schedules.2025-07-01.rows[0].amounts[0]: "
            "expected greater than or equal to 0, got -58000.00") in page
    cedar_row = page.split("<code>cedar-valley.yaml</code>")[1].split("</tr>")[0]
    assert '<span class="gain">ok</span>' in cedar_row and "illustrative" in cedar_row and "2026-27" in cedar_row
    harmony_row = page.split("<code>harmony.yaml</code>")[1].split("</tr>")[0]
    assert "1 error(s)" in harmony_row


def test_the_shipped_rule_files_all_check_ok(client, login_as):
    login_as("admin")
    page = client.get("/admin/districts").get_data(as_text=True)
    shipped = sorted(p.name for p in RULES.glob("*.yaml"))
    assert shipped and all(f"<code>{name}</code>" in page for name in shipped)
    assert page.count('<span class="gain">ok</span>') == len(shipped)
    assert "error(s)" not in page


def test_a_rule_file_edited_after_a_visit_is_checked_again(app, client, login_as, tmp_path):
    shutil.copy(RULES / "harmony.yaml", tmp_path / "harmony.yaml")
    app.config["DISTRICT_RULES"] = str(tmp_path)
    login_as("admin")
    assert "error(s)" not in client.get("/admin/districts").get_data(as_text=True)
    edited = (tmp_path / "harmony.yaml").read_text().replace("amounts: [58000.00]", "amounts: [-58000.00]", 1)
    (tmp_path / "harmony.yaml").write_text(edited + "\n")  # a new size, whatever the clock's resolution
    assert "1 error(s)" in client.get("/admin/districts").get_data(as_text=True)
