"""From the home page to "what my next micro-credentials are worth, and from when", following only what the pages
show (links and buttons, no help text, no typed address), at desktop and phone width, the figure to the cent."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.a11y import assert_accessible, assert_fits, settle
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_teacher_reaches_what_the_next_micro_credentials_are_worth_from_the_home_page(
        app, browser, live_server, make_user, make_teacher, width):
    app.config["LANEWISE_TODAY"] = date(2026, 9, 15)
    user = make_user("teacher")
    # Cedar Valley, step 1 lane BA in 2026-27, one granted and one submitted micro-credential (one graduate-equivalent
    # hour each; the submitted one is assumed granted, as HR's count of a request does) and one denied.
    make_teacher(user=user, district_id="cedar-valley")
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    page = context.new_page()

    page.goto("/")
    assert_accessible(page)
    assert_fits(page)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Account name").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The first thing on the teacher's home page: lane BA+15 needs 15 hours; 2 count, so 13 more micro-credentials.
    # On September 15 the next window is "by October 1, retroactive to July 1", a whole year:
    # BA+15 step 1 51,300.00 - BA step 1 48,900.00 = +2,400.00 a year from July 1, 2026.
    card = page.get_by_test_id("next-micro-credentials")
    expect(card).to_be_visible()
    assert page.locator("main section").first.get_attribute("data-testid") == "next-micro-credentials"
    expect(card.get_by_role("heading")).to_have_text("Your next micro-credentials: +$2,400.00 a year from July 1, 2026")
    expect(card.get_by_test_id("next-mc-what")).to_contain_text(
        "13 more micro-credentials earned this school year (2026-27) move you to lane BA+15, "
        "with a request filed by October 1, 2026.")
    settle(page)
    assert_accessible(page)
    assert_fits(page)

    # "See it year by year" opens What if with the 13 planned this school year: the same +2,400.00 in 2026-27.
    card.get_by_role("link", name="See it year by year").click()
    expect(page.get_by_label("Micro-credentials in 2026-27")).to_have_value("13")
    row = page.get_by_test_id("year-2026-27")
    expect(row.get_by_test_id("difference")).to_have_text("$2,400.00")
    expect(row.get_by_test_id("current-pay")).to_have_text("$48,900.00")
    expect(row.get_by_test_id("what-if-pay")).to_have_text("$51,300.00")
    settle(page)
    assert_accessible(page)
    assert_fits(page)
    context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_second_semester_window_says_the_half_year_it_pays_not_a_year(app, browser, live_server, make_user,
                                                                         make_teacher, page):
    # On November 25 the next window is "by January 20 (second semester)", effective January 1 for half the year:
    # 2026-27 gains 2,400.00 x 0.5 = 1,200.00; the card does not call that "a year".
    app.config["LANEWISE_TODAY"] = date(2026, 11, 25)
    user = make_user("teacher")
    make_teacher(user=user, district_id="cedar-valley")
    from tests.conftest import sign_in

    sign_in(page, user)
    card = page.get_by_test_id("next-micro-credentials")
    expect(card.get_by_role("heading")).to_have_text("Your next micro-credentials: +$1,200.00 in 2026-27, from January 1, 2027")
    expect(card).to_contain_text("That window pays the new rate for 0.5 of 2026-27")
