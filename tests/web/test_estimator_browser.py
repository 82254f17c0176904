"""The public estimator in Chromium at desktop and phone width: the form follows the district in place (htmx),
asks for what the district's rules read, keeps what was typed, shows errors at the field and names the years."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.a11y import assert_accessible, assert_fits, settle

# Layout and behaviour in the browser do not depend on the database: SQLite only.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]

@pytest.fixture
def sized(page, app):
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)  # school year 2026-27

    def size(width: int):
        page.set_viewport_size({"width": width, "height": 900})
        return page

    return size


@pytest.mark.parametrize("width", WIDTHS)
def test_choosing_harmony_asks_for_band_role_and_rating_and_keeps_the_step(sized, width):
    page = sized(width)
    page.goto("/estimate?district=dysart")
    expect(page.get_by_label("Pay band")).to_have_count(0)
    page.get_by_label("Step").fill("3")
    page.get_by_label("District").select_option(label="Harmony Public Schools")
    # The fields follow in place: Harmony's lane, its band and role inputs, and the step typed before.
    expect(page.get_by_label("Pay band")).to_be_visible()
    expect(page.get_by_label("Lane")).to_have_text("Teacher")
    expect(page.get_by_label("Step")).to_have_value("3")
    expect(page.get_by_text("Micro-credential stipend: bands 5 and 6")).to_be_visible()
    expect(page.get_by_label("School year")).to_contain_text("2026-27 (this school year)")
    expect(page.get_by_label("School year")).to_contain_text("2027-28 (next school year")
    assert page.url.endswith("/estimate?district=dysart")  # nothing was submitted
    assert_accessible(page)
    assert_fits(page)

    page.get_by_label("Pay band").select_option(label="Band 5")
    page.get_by_label("Micro-credentials this year").fill("8")
    page.get_by_label("Teacher-leader role").select_option(label="Mentor Teacher")
    page.get_by_label("Years of service").fill("4")
    page.get_by_label("Micro-credentials held before this year").fill("5")
    page.get_by_label("Evaluation rating").select_option(label="Effective")
    page.get_by_role("checkbox", name="Math").check()
    page.get_by_role("button", name="Estimate").click()
    settle(page)
    pay = page.get_by_role("table", name="Pay in 2026-27 (this school year)")
    expect(pay.get_by_role("row", name="Micro-credential stipend")).to_contain_text("$1,600.00")
    expect(pay.get_by_role("row", name="Role: Mentor Teacher")).to_contain_text("$2,500.00")
    expect(pay.get_by_role("row", name="Subject stipend (math")).to_contain_text("$2,000.00")
    expect(page.get_by_role("table", name="Year by year")).to_contain_text("2027-28 (next school year)")
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_step_off_the_schedule_is_refused_at_the_step_field(sized, width):
    page = sized(width)
    page.goto("/estimate")
    page.get_by_label("District").select_option(label="Harmony Public Schools")
    expect(page.get_by_label("Pay band")).to_be_visible()
    page.get_by_label("Step").fill("99")
    page.get_by_label("Pay band").select_option(label="Band 6")
    page.get_by_role("button", name="Estimate").click()
    step = page.get_by_label("Step")
    expect(step).to_have_attribute("aria-invalid", "true")
    field = page.locator(".field", has=page.locator("#step"))
    expect(field.locator(".errors")).to_contain_text("60")
    # Nothing chosen was lost: the district, its band and the step as typed come back.
    expect(page.get_by_label("District")).to_have_value("harmony")
    expect(page.get_by_label("Pay band")).to_have_value("6")
    expect(step).to_have_value("99")
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_keyboard_user_keeps_their_place_when_the_school_year_swaps_the_fields(sized, width):
    page = sized(width)
    page.goto("/estimate?district=cedar-valley&school_year=2026-27")
    page.get_by_label("School year").focus()
    with page.expect_response(lambda response: "/estimate/fields" in response.url):
        page.keyboard.press("ArrowDown")  # 2025-26: the lanes of that year's schedule come in
    expect(page.get_by_label("School year")).to_have_value("2025-26")
    expect(page.get_by_label("School year")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Step")).to_be_focused()
