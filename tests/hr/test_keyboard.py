"""Keyboard only: a teacher files a lane change with its evidence and HR approves it, with Tab, Shift+Tab, Enter,
Space and the arrow keys (no mouse, no typed address after the home page), and axe on every page passed through,
at desktop and phone width."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.a11y import assert_accessible, assert_fits, focused, tab_to
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _checked(page) -> None:
    page.wait_for_load_state()
    assert_accessible(page)
    assert_fits(page)


def _follow(page, name: str, tag: str | None = None, key: str = "Enter") -> None:
    """Tab to a link or button and press it, waiting for the page it opens."""
    tab_to(page, name, tag)
    with page.expect_navigation():
        page.keyboard.press(key)
    _checked(page)


def _sign_in(page, user) -> None:
    page.goto("/")  # the one address typed: the home page
    _checked(page)
    _follow(page, "Sign in", "a")
    tab_to(page, "Account name", "input")
    page.keyboard.type(user.username)
    tab_to(page, "Password", "input")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field submits its form
    _checked(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_teacher_files_a_request_with_evidence_and_hr_approves_it_by_keyboard_alone(
        app, browser, live_server, make_user, make_teacher, tmp_path, width):
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley")  # step 1, lane BA in 2026-27
    officer = make_user("hr")
    transcript = tmp_path / "transcript.pdf"
    transcript.write_bytes(b"%PDF-1.4\n% official transcript: 15 graduate hours\n%%EOF\n")

    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    _sign_in(page, user)
    assert page.url.endswith("/teacher/")
    _follow(page, "My requests", "a")
    _follow(page, "File a request", "a")

    # The kind stays "Lane change"; 15 graduate hours earned June 1 with the transcript as evidence.
    tab_to(page, "What are you asking for?", "select")
    expect(page.get_by_label("What are you asking for?")).to_have_value("lane_change")
    tab_to(page, "MC granted", "input")  # a credential already held: Space ticks it
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="MC granted")).to_be_checked()
    tab_to(page, "Add credit: kind", "select")
    page.keyboard.press("ArrowDown")  # (none) -> Graduate credit (semester hours)
    expect(page.get_by_label("Add credit: kind")).to_have_value("graduate_credit")
    tab_to(page, "Amount (hours or count)", "input")
    page.keyboard.type("15")
    tab_to(page, "Title (course", "input")
    page.keyboard.type("Reading M.Ed. courses")
    tab_to(page, "Earned on", "input")
    page.keyboard.type("06012026")  # month, day, year: the date field moves from part to part
    expect(page.get_by_label("Earned on")).to_have_value("2026-06-01")
    tab_to(page, "Evidence file", "input")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # the browser's own file dialog, answered with the transcript
    chooser.value.set_files(str(transcript))
    _follow(page, "See what it would give", "button")
    expect(page.get_by_test_id("passes")).to_have_text("Meets every rule.")
    expect(page.get_by_test_id("kept-evidence")).to_contain_text("transcript.pdf")
    _follow(page, "Save as draft", "button")
    expect(page.get_by_test_id("evidence")).to_contain_text("transcript.pdf")
    _follow(page, "Submit to HR", "button")
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    context.close()

    # HR: from the home page to the queue, the request, and Approve.
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    context.set_default_timeout(15000)
    hr_page = context.new_page()
    _sign_in(hr_page, officer)
    assert hr_page.url.endswith("/hr/")
    _follow(hr_page, "Lane change (#", "a")
    expect(hr_page.get_by_role("heading", level=1)).to_contain_text(f"{teacher.name}: Lane change")
    tab_to(hr_page, "Reason", "textarea")
    tab_to(hr_page, "Approve", "button")
    assert focused(hr_page)["name"] == "Approve"
    with hr_page.expect_navigation():
        hr_page.keyboard.press("Enter")
    _checked(hr_page)
    expect(hr_page.get_by_test_id("status")).to_have_text("Approved")
    # BA+15 from July 1 (the October 1 window is retroactive): 51,300.00 a year, as the preview said.
    expect(hr_page.get_by_test_id("new-annual")).to_have_text("$51,300.00")
    context.close()
