"""The whole workflow in Debian's Chromium: file with evidence, returned for evidence, resubmitted, approved,
the teacher's dashboard and the payroll export."""
from datetime import date

import pytest

from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_lane_change_from_request_to_payroll(app, page, browser, live_server, make_user, make_teacher, tmp_path):
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    teacher_user = make_user("teacher")
    teacher = make_teacher(user=teacher_user, district_id="cedar-valley")
    officer = make_user("hr")
    transcript = tmp_path / "transcript.pdf"
    transcript.write_bytes(b"%PDF-1.4\n% official transcript: 15 graduate hours\n%%EOF\n")

    # The teacher files a lane change resting on 15 graduate hours, with a first evidence file.
    sign_in(page, teacher_user)
    page.goto("/requests/new")
    page.get_by_label("What are you asking for?").select_option("lane_change")
    page.get_by_label("Add credit: kind").select_option("graduate_credit")
    page.get_by_label("Amount (hours or count)").fill("15")
    page.get_by_label("Title (course, workshop, micro-credential)").fill("Reading M.Ed. courses")
    page.get_by_label("Earned on").fill("2026-06-01")
    page.get_by_role("button", name="See what it would give").click()
    assert page.get_by_test_id("effective").inner_text() == "2026-07-01"
    assert "BA+15" in page.get_by_test_id("new-terms").inner_text()
    assert "attach evidence" in page.get_by_test_id("missing").inner_text()
    page.get_by_label("Evidence file").set_input_files(str(tmp_path / "transcript.pdf"))
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("button", name="Submit to HR").click()
    assert page.get_by_test_id("status").inner_text() == "Submitted"
    request_url = page.url

    # HR returns it for better evidence.
    hr_context = browser.new_context(base_url=live_server)
    hr_page = hr_context.new_page()
    sign_in(hr_page, officer)
    hr_page.goto("/hr/")
    hr_page.get_by_role("link", name=f"{teacher.name}").wait_for()
    request_id = request_url.rstrip("/").rsplit("/", 1)[-1]
    hr_page.get_by_role("link", name=f"#{request_id}").click()
    assert "Meets every rule." in hr_page.get_by_test_id("passes").inner_text()
    hr_page.get_by_label("Reason").fill("Please attach the registrar's official transcript")
    hr_page.get_by_role("button", name="Return for evidence").click()
    assert hr_page.get_by_test_id("status").inner_text() == "Returned for evidence"

    # The teacher sees why, adds the evidence and resubmits.
    page.goto(request_url)
    assert "official transcript" in page.get_by_test_id("reason").inner_text()
    official = tmp_path / "official-transcript.pdf"
    official.write_bytes(b"%PDF-1.4\n% registrar copy\n%%EOF\n")
    page.get_by_label("Evidence file").set_input_files(str(official))
    page.get_by_role("button", name="Add evidence").click()
    assert page.get_by_test_id("evidence").count() == 2
    page.get_by_role("button", name="Submit to HR").click()
    assert page.get_by_test_id("status").inner_text() == "Submitted"

    # A month on, HR approves: retroactive to July 1, paid from October 15.
    app.config["LANEWISE_TODAY"] = date(2026, 10, 15)
    hr_page.reload()
    hr_page.get_by_role("button", name="Approve").click()
    assert hr_page.get_by_test_id("status").inner_text() == "Approved"
    assert hr_page.get_by_test_id("retro").inner_text() == "$696.99"

    # The teacher's dashboard shows the new lane and pay.
    page.goto("/teacher/")
    assert page.get_by_test_id("lane").inner_text() == "BA+15"
    assert page.get_by_test_id("pay-now").inner_text() == "$51,300.00"
    page.goto(request_url)
    assert "from July 1, 2026" in page.get_by_role("main").inner_text()

    # Payroll's export lists the change with its retroactive amount.
    hr_page.goto("/hr/payroll?start=2026-10-01&end=2026-10-31")
    row = hr_page.get_by_role("row", name=teacher.employee_id).inner_text()
    assert "BA+15" in row and "2026-07-01" in row and "51300.00" in row and "696.99" in row
    with hr_page.expect_download() as download:
        hr_page.get_by_role("link", name="Download CSV").click()
    csv_text = download.value.path().read_text(encoding="utf-8")
    assert f"{teacher.employee_id},{teacher.name},cedar-valley,{request_id},lane_change,2026-10-15,2026-07-01,1,BA,1,BA+15" in csv_text
    assert csv_text.strip().endswith(",51300.00,696.99")
    hr_context.close()
