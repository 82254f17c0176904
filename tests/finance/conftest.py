"""Finance fixtures: Huey in immediate mode, the shipped districts, and small rosters."""
from pathlib import Path

import pytest

from engine import load_districts
from engine.budget.roster import synthesize

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def immediate_huey():
    """Tasks run at once, in-process, with in-memory storage: no worker in tests."""
    from tasks import huey

    before = huey.immediate
    huey.immediate = True
    yield huey
    huey.immediate = before


@pytest.fixture(autouse=True)
def upload_folder(request, tmp_path):
    """Keep roster uploads written by tests in the test's own folder."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["FINANCE_UPLOAD_DIR"] = str(tmp_path / "finance-uploads")
    return tmp_path / "finance-uploads"


@pytest.fixture(scope="session")
def shipped():
    return load_districts()


@pytest.fixture(scope="session")
def small_rosters(shipped):
    """A synthetic roster of 250 teachers for each shipped district (fixed seed)."""
    return {district_id: synthesize(rules, 250, seed=11) for district_id, rules in shipped.items()}
