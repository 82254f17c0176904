"""Issue 10, item 13: YAML aliases in a rule file expand within a budget, and a self-referencing alias is an error.

Before the fix, 378 bytes of nested aliases reached a MemoryError and an alias that
refers to itself made every page answer 500, /admin/districts included.
"""
import shutil
import time
from pathlib import Path

import pytest

from engine import parse_rules
from engine.rules.reader import MAX_VALUES, RuleFileError

RULES = Path(__file__).resolve().parents[2] / "district_rules"
# Nine levels of ten: 10^9 values once expanded, in under 400 bytes.
BOMB = "district: {id: bomb, name: B, state: MN}\na: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [{','.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
LOOP = "district: {id: loop, name: L, state: MN}\nlanes: &l\n  - *l\n"


def test_an_alias_bomb_stops_at_the_budget_with_a_located_error():
    assert len(BOMB) < 400
    started = time.process_time()
    with pytest.raises(RuleFileError, match=f"aliases expand to more than {MAX_VALUES:,} values"):
        parse_rules("bomb.yaml", BOMB)
    assert time.process_time() - started < 30  # a bound, not a timing claim: unbounded, this never returns


def test_a_self_referencing_alias_is_an_error_not_a_crash():
    with pytest.raises(RuleFileError, match=r"loop.yaml:2: \(top\): an alias refers to the mapping or list that holds it"):
        parse_rules("loop.yaml", LOOP)


def test_pages_and_admin_districts_stay_up_with_both_files_in_the_folder(app, client, login_as, tmp_path):
    shutil.copy(RULES / "dysart.yaml", tmp_path / "dysart.yaml")
    (tmp_path / "bomb.yaml").write_text(BOMB)
    (tmp_path / "loop.yaml").write_text(LOOP)
    app.config["DISTRICT_RULES"] = str(tmp_path)
    for path in ("/", "/estimate", "/schedules", "/api/v1/districts"):
        assert client.get(path).status_code == 200, path
    login_as("admin")
    page = client.get("/admin/districts").get_data(as_text=True)
    assert "bomb.yaml" in page and "loop.yaml" in page and page.count("1 error(s)") == 2
