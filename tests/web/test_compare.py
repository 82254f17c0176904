"""Compare districts: one career path through every district, on a page and through the API."""
from decimal import Decimal

import pytest

from tests.web.test_api import check_schema  # noqa: F401  (the fixture)


def test_the_page_shows_every_district_on_the_default_path(client, districts):
    page = client.get("/compare")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for rules in districts.values():
        assert rules.district.name in text
    assert "Starting pay" in text and "30-year earnings" in text and 'id="compare-annual"' in text


def test_a_district_sees_where_it_ranks(client):
    text = client.get("/compare?degree=master&years=30&district=cedar-valley").get_data(as_text=True)
    text = " ".join(text.split())
    assert "Cedar Valley Unified (illustrative), among 4 districts: starting pay ranks" in text
    assert 'aria-current="true"' in text


def test_an_impossible_path_is_a_400_with_the_field_named(client):
    page = client.get("/compare?years=90")
    assert page.status_code == 400 and "Number must be between 1 and 40" in page.get_data(as_text=True)


def test_the_api_answers_the_path_in_every_district_with_its_headline_figures(client, districts, check_schema):  # noqa: F811
    plain = client.get("/api/v1/compare?degree=bachelor&years=30").get_json()
    check_schema("Comparison", plain)
    assert {d["district"] for d in plain["districts"]} == set(districts)
    for career in plain["districts"]:
        totals = [Decimal(year["total"]) for year in career["timeline"]]
        assert len(totals) == 30 and Decimal(career["earnings_30_years"]) == sum(totals)
        assert career["starting_pay"] == career["timeline"][0]["total"]
        assert Decimal(career["top_pay"]) >= max(Decimal(y["total"]) for y in career["timeline"][:1])
    earnings = [Decimal(d["earnings"]) for d in plain["districts"]]
    assert earnings == sorted(earnings, reverse=True)


def test_credit_over_the_years_moves_lanes_and_raises_career_earnings(client):
    plain = {d["district"]: d for d in client.get("/api/v1/compare?years=20").get_json()["districts"]}
    studying = {d["district"]: d for d in client.get(
        "/api/v1/compare?years=20&credits_per_year=15&credit_years=3&district=cedar-valley").get_json()["districts"]}
    cedar, cedar_studying = plain["cedar-valley"], studying["cedar-valley"]
    assert cedar["final_lane"] == "BA" and cedar_studying["final_lane"] != "BA"
    assert Decimal(cedar_studying["earnings"]) > Decimal(cedar["earnings"])


def test_the_focus_ranks_the_district_on_each_figure(client):
    body = client.get("/api/v1/compare?district=prairie-ridge").get_json()
    focus = body["focus"]
    assert focus["district"] == "prairie-ridge" and focus["of"] == 4
    assert set(focus) >= {"starting_pay", "top_pay", "years_to_top", "earnings_30_years"}
    starting = sorted((Decimal(d["starting_pay"]) for d in body["districts"]), reverse=True)
    mine = next(Decimal(d["starting_pay"]) for d in body["districts"] if d["district"] == "prairie-ridge")
    assert focus["starting_pay"]["rank"] == starting.index(mine) + 1


@pytest.mark.parametrize("query, field", [("years=0", "years"), ("degree=phd", "degree"), ("colour=blue", "colour"),
                                          ("district=nowhere", "district"), ("school_year=2026-28", "school_year"),
                                          ("years=20&years=lots", "years")])
def test_bad_paths_are_422_problems(client, query, field, check_schema):  # noqa: F811
    response = client.get(f"/api/v1/compare?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["field"] == field
    check_schema("Problem", response.get_json())
