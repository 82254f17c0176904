"""Journey fixtures: evidence and roster uploads kept in the test's folder, Huey in immediate mode (a projection runs
inside the request that starts it), and a signed-in browser page per role."""
import pytest

from tests.conftest import sign_in
from tests.finance.conftest import immediate_huey  # noqa: F401  (autouse here too: a run executes in-process)


@pytest.fixture(autouse=True)
def folders(request, tmp_path):
    """Evidence files and roster uploads written by a journey stay in its own folder."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config["LANEWISE_EVIDENCE_ROOT"] = str(tmp_path / "instance")
        app.config["FINANCE_UPLOAD_DIR"] = str(tmp_path / "finance-uploads")


@pytest.fixture
def signed_in(browser, live_server):
    """Give a function that opens a browser page (its own context and cookies) signed in as a user: one per role."""
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server)
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, user)
        return page

    yield open_as
    for context in contexts:
        context.close()
