"""Admin pages in Chromium at 1280 and 390 px: names where a person reads (roles, districts), tables that fit."""

import pytest
from playwright.sync_api import expect

from tests.a11y import assert_accessible, assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_accounts_and_rule_files_read_as_names_and_fit_a_phone(page, make_user, make_teacher, browser_login, width):
    page.set_viewport_size({"width": width, "height": 900})
    teacher_user = make_user("teacher")
    make_teacher(user=teacher_user, district_id="dysart")
    make_user("hr")
    browser_login(make_user("admin"))
    page.goto("/admin/users")
    row = page.get_by_role("row", name=teacher_user.username)
    expect(row).to_contain_text("Teacher")
    expect(row).to_contain_text("Dysart Unified School District")
    expect(page.get_by_role("table").get_by_text("HR", exact=True)).to_have_count(1)
    assert_accessible(page)
    assert_fits(page)
    page.goto("/admin/districts")
    expect(page.get_by_role("row", name="harmony.yaml")).to_contain_text("Harmony Public Schools")
    expect(page.get_by_role("row", name="harmony.yaml")).not_to_contain_text("(harmony)")
    assert_accessible(page)
    assert_fits(page)
