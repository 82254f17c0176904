"""The request and HR pages in the browser at desktop and phone width: fields that follow the kind of request and
the window, evidence kept through the preview, refusals at the field, and people, districts, lanes and a reversal
named in words (no "hr #3", no "teacher #1", no "denied" for an approval undone)."""
from datetime import date

import pytest
from playwright.sync_api import expect

from services import hr
from tests.a11y import assert_accessible, assert_fits
from tests.conftest import sign_in
from tests.hr.conftest import OCT_15, SEPT_15

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
WIDTHS = [1280, 390]


def _page(browser, live_server, width: int):
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    context.set_default_timeout(15000)
    return context, context.new_page()


def _checked(page) -> None:
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_request_form_follows_the_kind_and_the_window_and_keeps_the_evidence(app, browser, live_server, make_user,
                                                                               make_teacher, tmp_path, width):
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    user = make_user("teacher")
    make_teacher(user=user, district_id="cedar-valley")  # step 1, lane BA, 2026-27
    context, page = _page(browser, live_server, width)
    sign_in(page, user)
    page.goto("/requests/new")

    # A lane change asks for a lane (by name) and no role; a growth step for neither; a role request for a role.
    expect(page.get_by_label("Lane you ask for")).to_be_visible()
    expect(page.get_by_label("Role", exact=True)).to_have_count(0)
    page.get_by_label("What are you asking for?").select_option(label="Growth step")
    expect(page.get_by_label("Lane you ask for")).to_have_count(0)
    expect(page.get_by_label("Role", exact=True)).to_have_count(0)
    page.get_by_label("What are you asking for?").select_option(label="Role")
    expect(page.get_by_label("Role", exact=True)).to_be_visible()
    expect(page.get_by_label("Lane you ask for")).to_have_count(0)
    page.get_by_label("What are you asking for?").select_option(label="Lane change")
    expect(page.get_by_label("Lane you ask for")).to_be_visible()
    assert "MA (or BA+45 with micro-credentials)" in page.get_by_label("Lane you ask for").inner_text()

    # Each window says its deadline, its effective date and which school year that is; the chosen one is spelled out.
    window = page.get_by_label("Submission window")
    assert ("By January 20 (second semester): file by January 20, 2027, effective January 1, 2027 "
            "(2026-27, this school year)") in window.inner_text()
    expect(page.get_by_text("The next deadline: file by October 1, 2026; a change takes effect July 1, 2026 "
                            "(2026-27, this school year).")).to_be_visible()
    window.select_option(label="By January 20 (second semester): file by January 20, 2027, effective January 1, "
                               "2027 (2026-27, this school year)")
    expect(page.get_by_text("By January 20 (second semester): file by January 20, 2027; a change takes effect "
                            "January 1, 2027 (2026-27, this school year), paying the new rate for 0.5 of the year.")
           ).to_be_visible()
    expect(page.get_by_label("Submission window")).to_have_value("second-semester")  # kept through the swap
    page.get_by_label("Submission window").select_option("")
    _checked(page)

    # 15 graduate hours earned in June, with the transcript chosen before the preview.
    transcript = tmp_path / "transcript.pdf"
    transcript.write_bytes(b"%PDF-1.4\n% official transcript\n%%EOF\n")
    page.get_by_label("Add credit: kind").select_option(label="Graduate credit (semester hours)")
    page.get_by_label("Amount (hours or count)").fill("15")
    page.get_by_label("Title (course, workshop, micro-credential)").fill("Reading M.Ed. courses")
    page.get_by_label("Earned on").fill("2027-06-01")  # after today: refused when saved, at the field
    page.get_by_label("Evidence file").set_input_files(str(transcript))
    page.get_by_role("button", name="See what it would give").click()
    # The preview names the school year of "without it" and "with it", and the lane by name.
    expect(page.get_by_test_id("old-terms-label")).to_have_text("Without it, in 2026-27 (this school year)")
    expect(page.get_by_test_id("new-terms-label")).to_have_text("With it, from July 1, 2026 (this school year)")
    expect(page.get_by_test_id("kept-evidence")).to_contain_text("Your evidence file transcript.pdf is kept")
    _checked(page)

    page.get_by_role("button", name="Save as draft").click()
    earned_on = page.get_by_label("Earned on")
    expect(earned_on).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#credit_earned_on-errors")).to_contain_text("is after today (2026-09-15)")
    expect(page.get_by_test_id("kept-evidence")).to_contain_text("transcript.pdf")  # still kept after the refusal
    _checked(page)

    earned_on.fill("2026-06-01")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lane change")
    expect(page.get_by_test_id("evidence")).to_contain_text("transcript.pdf")  # the file chosen once, saved with it
    expect(page.get_by_test_id("history")).to_contain_text(f"Drafted by {user.display_name}")
    _checked(page)
    context.close()


# The kind of request is changed; the moment its fields are in (the task after htmx swaps them), a window is chosen.
CHANGE_AS_THE_FIELDS_ARRIVE = """() => new Promise(resolve => {
  document.body.addEventListener("htmx:afterSwap", () => setTimeout(() => {
    const window_ = document.getElementById("window");
    window_.value = "second-semester";
    window_.dispatchEvent(new Event("change", {bubbles: true}));
    resolve();
  }, 0), {once: true});
  const kind = document.getElementById("kind");
  kind.value = "growth_step";
  kind.dispatchEvent(new Event("change", {bubbles: true}));
})"""


def test_a_choice_made_the_moment_the_fields_arrive_is_heard(app, browser, live_server, make_user, make_teacher):
    """Fields swapped in answer at once: a window chosen as soon as they are on the page brings its effective date
    (htmx's default 20 ms settle left them deaf for that long; a quick hand or a test could lose the choice)."""
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    user = make_user("teacher")
    make_teacher(user=user, district_id="cedar-valley")
    context, page = _page(browser, live_server, 1280)
    sign_in(page, user)
    page.goto("/requests/new")
    page.evaluate(CHANGE_AS_THE_FIELDS_ARRIVE)
    expect(page.get_by_text("By January 20 (second semester): file by January 20, 2027; a change takes effect "
                            "January 1, 2027 (2026-27, this school year), paying the new rate for 0.5 of the year.")
           ).to_be_visible()
    expect(page.get_by_label("What are you asking for?")).to_have_value("growth_step")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_hr_reads_people_districts_lanes_and_a_reversal_in_words(app, browser, live_server, session, make_user,
                                                                 filing, cedar, width):
    user, teacher, request = filing()  # Cedar Valley: 15 graduate hours for BA+15, filed and submitted September 15
    officer = make_user("hr")
    decided = hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=request.version,
                            action="approve", actor=officer, today=OCT_15.date(), now=OCT_15).change_request
    hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=decided.version,
                  action="reverse", actor=officer, reason="The transcript was withdrawn", today=OCT_15.date(),
                  now=OCT_15)
    app.config["LANEWISE_TODAY"] = OCT_15.date()

    context, page = _page(browser, live_server, width)
    sign_in(page, officer)
    page.goto(f"/hr/requests/{request.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{teacher.name}: Lane change")
    expect(page.get_by_test_id("status")).to_have_text("Reversed (pay recovered)")
    log = page.get_by_test_id("audit-log")
    whos = log.get_by_test_id("audit-who").all_inner_texts()
    assert whos == [f"{user.display_name} (Teacher)", f"{user.display_name} (Teacher)",
                    f"{officer.display_name} (HR)", f"{officer.display_name} (HR)"]
    expect(log.get_by_role("row", name="Reversed (pay recovered)")).to_contain_text("The transcript was withdrawn")
    expect(page.get_by_role("main")).to_contain_text("Cedar Valley Unified (illustrative)")
    expect(page.get_by_role("main")).not_to_contain_text("#" + str(officer.id) + " ")
    _checked(page)

    page.goto(f"/hr/teachers/{teacher.id}")
    requests = page.get_by_role("table", name="Requests")
    expect(requests).to_contain_text("Reversed (pay recovered)")
    expect(requests).not_to_contain_text("Denied")
    expect(page.get_by_test_id("record-log")).to_contain_text("Reading M.Ed. courses: used 15")
    expect(page.get_by_test_id("record-log").get_by_test_id("log-who").first).not_to_contain_text("#")
    _checked(page)
    context.close()

    context, page = _page(browser, live_server, width)
    sign_in(page, user)
    page.goto("/requests/")
    row = page.get_by_role("row", name="Lane change")
    expect(row).to_contain_text("Reversed (pay recovered)")
    expect(row).to_contain_text("The transcript was withdrawn")
    _checked(page)
    row.get_by_role("link", name="Lane change").click()
    expect(page.get_by_test_id("status")).to_have_text("Reversed (pay recovered)")
    expect(page.get_by_test_id("history")).to_contain_text(f"Reversed (pay recovered) by {officer.display_name}")
    _checked(page)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_queue_names_districts_windows_and_teachers(app, browser, live_server, make_user, filing, width):
    _, teacher, request = filing()
    app.config["LANEWISE_TODAY"] = SEPT_15.date()
    officer = make_user("hr")
    context, page = _page(browser, live_server, width)
    sign_in(page, officer)
    queue = page.get_by_test_id("queue")
    row = queue.get_by_role("row", name=teacher.name)
    expect(row).to_contain_text("Cedar Valley Unified (illustrative)")
    expect(row).to_contain_text("The next deadline")
    expect(row.get_by_role("link", name=f"Lane change (#{request.id})")).to_be_visible()
    expect(page.get_by_label("District")).to_contain_text("Cedar Valley Unified (illustrative)")
    _checked(page)
    context.close()
