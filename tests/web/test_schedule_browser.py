"""The schedule viewer in Chromium at 1280 and 390 px: a heat map whose colours run from light (low pay) to dark
(high pay) as its caption says, with no title over the lane axis, and a table that scrolls inside its box."""

import json

import pytest
from playwright.sync_api import expect

from tests.a11y import assert_accessible, assert_fits, settle

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def luminance(hex_colour: str) -> float:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("width", [1280, 390])
def test_heat_map_runs_light_to_dark_with_pay_and_says_so(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/schedules?district=cedar-valley&school_year=2026-27&step=5&lane=MA")
    settle(page)
    expect(page.locator("figure.chart figcaption")).to_have_text(
        "Heat map of the 2026-27 schedule: light cells pay least, dark cells pay most")
    figure = json.loads(page.locator("#schedule-chart-data").text_content())
    heatmap = figure["data"][0]
    (low, low_colour), (high, high_colour) = heatmap["colorscale"][0], heatmap["colorscale"][-1]
    assert low == 0 and high == 1 and not heatmap.get("reversescale")
    assert luminance(low_colour) > luminance(high_colour)  # the lowest pay is the lightest cell
    # Nothing is drawn over the lane axis title: the chart has no title of its own (the caption names it).
    lane_title = page.locator("#schedule-chart .g-xtitle").bounding_box()
    assert lane_title is not None
    for other in page.locator("#schedule-chart .g-gtitle text, #schedule-chart .xtick text").all():
        box = other.bounding_box()
        if box and other.text_content().strip():
            overlaps = not (box["y"] >= lane_title["y"] + lane_title["height"] or box["y"] + box["height"] <= lane_title["y"]
                            or box["x"] >= lane_title["x"] + lane_title["width"] or box["x"] + box["width"] <= lane_title["x"])
            assert not overlaps, other.text_content()
    expect(page.locator("td.here")).to_have_count(1)
    expect(page.get_by_text("Your cell (step 5, lane MA (or BA+45 with micro-credentials)) is highlighted.")).to_be_visible()
    assert_accessible(page)
    assert_fits(page)
