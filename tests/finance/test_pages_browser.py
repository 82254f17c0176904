"""Finance pages in Chromium at 1280 and 390 px: the scenario form follows the roster and the district and shows
the rule file's defaults; problems sit at their field; runs and rosters are named apart; compare fits the screen."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from engine.budget.roster import synthesize
from engine.budget.scenario import Policy, Scenario
from services import finance
from services import roster as rosters
from tests.a11y import assert_accessible, assert_fits, settle
from tests.conftest import sign_in

# Layout and behaviour in the browser do not depend on the database: SQLite only.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]


@pytest.fixture
def officer(page, make_user):
    def open_as(width: int):
        page.set_viewport_size({"width": width, "height": 900})
        sign_in(page, make_user("finance"))
        return page

    return open_as


@pytest.fixture
def two_rosters(session, districts):
    """A Harmony roster and a Cedar Valley one, both named "Demo" (as the demo seeds them)."""
    made = {}
    for district_id in ("harmony", "cedar-valley"):
        rules = districts[district_id]
        made[district_id] = rosters.save_roster(session=session, rules=rules, name="Demo",
                                                roster=synthesize(rules, 60, seed=4))
    return made


@pytest.mark.parametrize("width", WIDTHS)
def test_building_a_scenario_from_a_roster_follows_its_district_and_shows_the_defaults(officer, two_rosters, width):
    page = officer(width)
    page.goto("/finance/")
    # Rosters with the same name are told apart by their district.
    rows = page.get_by_test_id("rosters").get_by_role("row")
    expect(rows.filter(has_text="Harmony Public Schools")).to_have_count(1)
    expect(rows.filter(has_text="Cedar Valley")).to_have_count(1)
    page.get_by_role("link", name="Build a scenario on Demo, Harmony Public Schools").click()
    expect(page.get_by_label("District")).to_have_value("harmony")
    expect(page.get_by_label("Roster")).to_have_value(str(two_rosters["harmony"].id))
    cola = page.get_by_label("COLA % a year")
    expect(cola).to_have_attribute("placeholder", "2.5")
    expect(page.locator("#cola_percent-hint")).to_contain_text("Empty: 2.5% from the rule file")
    expect(page.get_by_label("Hiring step")).to_have_attribute("placeholder", "0")
    expect(page.get_by_label("At most this many a year")).to_have_attribute("placeholder", "8")
    # Harmony (Texas) is outside Social Security but pays Medicare: each says what the rule file means.
    expect(page.get_by_label("Social Security (6.2% up to the wage base)")).to_contain_text("As the rule file says (not paid)")
    expect(page.get_by_label("Medicare (1.45%)")).to_contain_text("As the rule file says (paid, 1.45%)")
    assert_accessible(page)
    assert_fits(page)

    # Another district: its defaults and rosters come in place; what was typed stays.
    page.get_by_label("Scenario name").fill("Lanes for MCs")
    page.get_by_label("Attrition % a year").fill("9")
    page.get_by_label("District").select_option(label="Cedar Valley Unified (illustrative)")
    expect(cola).to_have_attribute("placeholder", "3.0")
    expect(page.get_by_label("Roster")).to_have_value(str(two_rosters["cedar-valley"].id))
    expect(page.get_by_label("Hiring step")).to_have_attribute("placeholder", "1")
    expect(page.get_by_label("Scenario name")).to_have_value("Lanes for MCs")
    expect(page.get_by_label("Attrition % a year")).to_have_value("9")
    assert "/finance/scenarios/new" in page.url
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_scenario_problems_sit_at_their_fields_and_nothing_typed_is_lost(officer, two_rosters, width):
    page = officer(width)
    page.goto(f"/finance/scenarios/new?roster_id={two_rosters['harmony'].id}")
    page.get_by_label("Scenario name").fill("Too many years")
    page.get_by_label("Years to project").fill("ten")
    page.get_by_label("Hiring lane mix").fill("T:60, Q:40")
    page.get_by_role("button", name="Save", exact=True).click()
    years = page.get_by_label("Years to project")
    expect(years).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#years-errors")).to_contain_text("expected a whole number")
    expect(years).to_have_value("ten")
    expect(page.get_by_label("Scenario name")).to_have_value("Too many years")
    # The summary links to each field.
    page.get_by_role("link", name="Years to project: expected a whole number, got 'ten'").click()
    expect(years).to_be_focused()
    # Fixed, the engine's own problem lands at its field too.
    years.fill("5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#hiring_lanes-errors")).to_contain_text("expected one of T, got 'Q'")
    expect(page.get_by_label("Hiring lane mix")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert_fits(page)


@pytest.fixture
def three_runs(session, districts, two_rosters):
    rules = districts["harmony"]
    runs = []
    for name, policy in (("Stipend $200, bands 4 to 6", Policy(stipend_per_micro_credential=Decimal("200.00"),
                                                                stipend_bands=["4", "5", "6"])),
                         ("Stipend $300 for everyone", Policy(stipend_per_micro_credential=Decimal("300.00"))),
                         ("Micro-credentials toward lanes", Policy(micro_credentials_count_toward_lanes=True))):
        record = finance.save_scenario(session=session, rules=rules, roster_id=two_rosters["harmony"].id,
                                       scenario=Scenario(name=name, district_id="harmony", years=6, policy=policy))
        run = finance.queue_run(session=session, scenario_id=record.id)
        finance.execute_run(session=session, run_id=run.id, districts=districts)
        runs.append(run)
    return runs


@pytest.mark.parametrize("width", WIDTHS)
def test_runs_are_listed_by_scenario_and_compare_fits_the_screen(officer, three_runs, width):
    page = officer(width)
    page.goto("/finance/")
    runs = page.get_by_test_id("runs")
    for name in ("Stipend $200, bands 4 to 6", "Stipend $300 for everyone", "Micro-credentials toward lanes"):
        expect(runs.get_by_role("link", name=name)).to_have_count(1)
    for checkbox in runs.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_role("button", name="Compare the chosen runs").click()
    settle(page)
    table = page.get_by_test_id("comparison-table")
    expect(table.get_by_role("columnheader", name="Difference of Stipend $300 for everyone")).to_have_count(1)
    if width >= 1280:
        # Every difference column is on screen, not past the right edge.
        for header in table.get_by_role("columnheader", name="Difference of").all():
            box = header.bounding_box()
            assert box["x"] + box["width"] <= width, header.inner_text()
    else:
        # On a phone each year is a card naming each figure beside it.
        first = table.locator("tbody tr").first
        expect(first.locator('td[data-label="Stipend $300 for everyone: difference"]')).to_be_visible()
        label = first.locator("td.difference").first.evaluate("e => getComputedStyle(e, '::before').content")
        assert label.endswith(': difference"'), label
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_projection_reads_at_phone_width(officer, three_runs, width):
    page = officer(width)
    page.goto(f"/finance/runs/{three_runs[0].id}")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stipend $200, bands 4 to 6: projection")
    expect(page.get_by_label("Compare with")).to_contain_text("Stipend $300 for everyone")
    assert_accessible(page)
    assert_fits(page)
