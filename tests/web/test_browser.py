"""Walks in a real headless Chromium: the public estimator's chart, a teacher's what-if, and closed doors."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_public_estimator_draws_a_chart(page, districts):
    district_id = "dysart" if "dysart" in districts else sorted(districts)[0]
    school_year = districts[district_id].school_years()[-1]
    page.goto("/estimate")
    page.get_by_label("District").select_option(district_id)
    page.get_by_label("School year").select_option(school_year)
    page.get_by_label("Step").fill("5")
    page.get_by_label("Lane").select_option("BA")
    page.get_by_label("Micro-credentials this year").fill("5")
    page.get_by_role("button", name="Estimate").click()
    page.wait_for_selector("#annual-chart[data-drawn=true] .main-svg")
    assert page.locator("#annual-chart .scatterlayer .trace").count() == 1
    assert "Pay in " + school_year in page.content()


def test_what_is_typed_while_the_districts_fields_load_is_kept(page, districts):
    """A person who types a step and micro-credentials while the chosen district's fields are on their way keeps
    them: the fields arrive (Harmony's band appears) and the numbers typed are still there."""
    held = []
    page.route("**/estimate/fields?*", lambda route: held.append(route))
    page.goto("/estimate")
    page.get_by_label("District").select_option("harmony")
    while not held:
        page.wait_for_timeout(20)
    page.get_by_label("Step").fill("7")
    page.get_by_label("Micro-credentials this year").fill("4")
    held.pop().continue_()
    expect(page.get_by_label("Band")).to_be_visible()
    expect(page.get_by_label("Step")).to_have_value("7")
    expect(page.get_by_label("Micro-credentials this year")).to_have_value("4")


def test_teacher_plans_five_micro_credentials_and_sees_the_what_if_path(page, browser_login, make_user, make_teacher):
    user = make_user("teacher")
    make_teacher(user=user)
    browser_login(user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="What if").click()
    first_year = page.get_by_label(re.compile(r"^Micro-credentials in \d{4}-\d{2}$")).first
    first_year.fill("5")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("#annual-chart[data-drawn=true] .main-svg")
    assert page.locator("#annual-chart .scatterlayer .trace").count() == 2
    assert page.locator("#gain").inner_text().startswith("$")
    assert page.get_by_role("heading", name="Current path and what-if path").is_visible()


def test_teacher_cannot_open_hr_finance_or_another_teachers_record(page, browser_login, make_user, make_teacher):
    user = make_user("teacher")
    make_teacher(user=user)
    other = make_teacher()
    browser_login(user)
    for path in ("/hr/", "/finance/", "/admin/", f"/teacher/records/{other.id}"):
        response = page.goto(path)
        assert response.status == 403, path
        assert other.name not in page.content()


def test_phone_width_has_no_sideways_scroll(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto("/estimate")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    finally:
        context.close()
