"""Item 9: every repeated form field has a maximum. `POST /teacher/what-if` with 60,000 plan fields ran 31 s
then answered 500; any form or query string with more values than a page takes is now a 400 before a view
(or CSRF protection) builds anything from it, and each repeated field has its own maximum below that."""

from urllib.parse import urlencode

from web.limits import MAX_FIELD_VALUES
from web.teacher.forms import PLAN_YEARS
from tests.conftest import csrf_token


def plan_fields(years: int) -> dict:
    return {f"plan-{k}-micro_credentials": "1" for k in range(years)}


def test_sixty_thousand_plan_fields_are_a_400(client, login_as):
    login_as("teacher")
    body = urlencode({"csrf_token": csrf_token(client, "/teacher/what-if"), **plan_fields(60_000)})
    response = client.post("/teacher/what-if", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "carries 60,001 fields" in response.get_data(as_text=True)


def test_a_plan_is_cut_to_the_years_the_planner_shows(client, login_as):
    login_as("teacher")
    response = client.post("/teacher/what-if", data={"csrf_token": csrf_token(client, "/teacher/what-if"),
                                                     **plan_fields(PLAN_YEARS + 20), "years": "10", "role": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'name="plan-{PLAN_YEARS - 1}-micro_credentials"' in page
    assert f'name="plan-{PLAN_YEARS}-micro_credentials"' not in page


def test_a_query_string_is_bounded_too(client, login_as):
    login_as("finance")
    response = client.get("/finance/compare?" + "&".join(f"run={k}" for k in range(MAX_FIELD_VALUES + 1)))
    assert response.status_code == 400


def test_compare_takes_at_most_ten_runs(client, login_as):
    login_as("finance")
    assert client.get("/finance/compare?" + "&".join(f"run={k}" for k in range(11))).status_code == 400



def test_bulk_approval_takes_at_most_a_page_of_requests(client, login_as):
    login_as("hr")
    data = {"csrf_token": csrf_token(client, "/hr/"), "request_id": [str(k) for k in range(1, 102)]}
    assert client.post("/hr/bulk-approve", data=data).status_code == 400
