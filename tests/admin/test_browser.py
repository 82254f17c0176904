"""In Chromium: an administrator signs in, creates an account, and finds it in the list."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_creates_an_account_and_finds_it_in_the_list(page, make_user, browser_login):
    browser_login(make_user("admin"))
    page.get_by_role("link", name="New account").click()
    page.get_by_label("Account name").fill("casey.hr")
    page.get_by_label("Person's name").fill("Casey Rivera")
    page.get_by_label("Role").select_option("hr")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Account casey.hr")).to_be_visible()
    expect(page.get_by_label(re.compile("Password for casey.hr"))).to_have_value(re.compile(r".{16,}"))

    page.get_by_role("link", name="Accounts", exact=True).click()
    page.get_by_label("Name contains").fill("casey")
    page.get_by_role("button", name="Show").click()
    row = page.get_by_role("row", name=re.compile("casey.hr"))
    expect(row).to_contain_text("Casey Rivera")
    expect(row).to_contain_text("hr")
