"""The JSON API: the same estimates as the CLI, responses that match the OpenAPI document, problems for bad input."""

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from services import accounts
from web.api.openapi import openapi_document

DOCUMENT_URI = "urn:lanewise:openapi"


@pytest.fixture
def check_schema():
    """Give a function that validates a response body against a component schema of the OpenAPI document."""
    document = openapi_document()
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))

    def check(name: str, body) -> None:
        validator = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/{name}"}, registry=registry)
        errors = sorted(validator.iter_errors(body), key=str)
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])

    return check


def sample_cases(districts):
    """Give estimate options for each shipped district: a few placements, with and without micro-credentials."""
    from engine import schedule_table

    cases = []
    for district_id, rules in sorted(districts.items()):
        for school_year in rules.school_years():
            table = schedule_table(rules, school_year)
            rows = [row for row in table["rows"] if not row["reserved"]]
            for lane_index, lane in enumerate(table["lanes"]):
                row = rows[min(lane_index * 2 + 1, len(rows) - 1)]
                if row["amounts"][lane_index] is None:
                    continue
                cases.append({"district": district_id, "school_year": school_year, "step": row["first_step"],
                              "lane": lane["id"], "micro_credentials": 5 if lane_index % 2 == 0 else 0,
                              "credits": "6" if lane_index == 1 else "0", "years": 8})
    return cases


def test_estimate_equals_the_cli_cent_for_cent(client, runner, districts, check_schema):
    cases = sample_cases(districts)
    assert {case["district"] for case in cases} == set(districts)
    for options in cases:
        response = client.post("/api/v1/estimate", json=options)
        assert response.status_code == 200, (options, response.get_json())
        check_schema("Estimate", response.get_json())
        result = runner.invoke(args=[
            "estimate", "--district", options["district"], "--school-year", options["school_year"],
            "--step", str(options["step"]), "--lane", options["lane"],
            "--micro-credentials", str(options["micro_credentials"]), "--credits", options["credits"],
            "--years", str(options["years"]), "--json",
        ])
        assert result.exit_code == 0, result.output
        assert response.get_json() == json.loads(result.output), options


def test_districts_and_schedules_match_the_document(client, districts, check_schema):
    body = client.get("/api/v1/districts").get_json()
    check_schema("DistrictList", body)
    assert {d["id"] for d in body["districts"]} == set(districts)
    for district in body["districts"]:
        check_schema("District", client.get(f"/api/v1/districts/{district['id']}").get_json())
        for school_year in district["school_years"]:
            response = client.get(f"/api/v1/districts/{district['id']}/schedules/{school_year}")
            assert response.status_code == 200
            check_schema("Schedule", response.get_json())


def test_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is not in the OpenAPI document"
    Draft202012Validator.check_schema(document["components"]["schemas"]["Estimate"])


BAD_BODIES = [
    "not json",
    "[1, 2]",
    "null",
    "{}",
    '{"district": "nowhere", "school_year": "2026-27", "step": 1, "lane": "BA"}',
    '{"district": "dysart", "school_year": "26-27", "step": 1, "lane": "BA"}',
    '{"district": "dysart", "school_year": "2026-27", "step": -1, "lane": "BA"}',
    '{"district": "dysart", "school_year": "2026-27", "step": "five", "lane": "BA"}',
    '{"district": "dysart", "school_year": "2026-27", "step": 1, "lane": "ZZ"}',
    '{"district": "dysart", "school_year": "2026-27", "step": 1, "lane": "BA", "colour": "red"}',
    '{"district": "dysart", "school_year": "2026-27", "step": 1, "lane": "BA", "credits": "lots"}',
    '{"district": "dysart", "school_year": "2026-27", "step": 1, "lane": "BA", "years": 0}',
    '{"district": "dysart", "school_year": "1999-00", "step": 1, "lane": "BA"}',
    '{"district": "dysart", "school_year": "2026-27", "step": 1, "lane": "BA", "plan": {"2027-28": {"x": 1}}}',
    '{"district": "dysart", "school_year": "2026-27", "step": 1, "lane": "BA", "role": "astronaut"}',
    '{"district": "dysart", "school_year": "2026-27", "step": 1, "lane": "BA", "fte": "1e999"}',
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_estimate_input_is_a_4xx_problem(client, body, check_schema):
    response = client.post("/api/v1/estimate", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    check_schema("Problem", response.get_json())


def test_unknown_district_schedule_and_route_are_404_problems(client, check_schema):
    for path in ("/api/v1/districts/nowhere", "/api/v1/districts/dysart/schedules/1999-00",
                 "/api/v1/districts/dysart/schedules/garbage", "/api/v1/no-such-route"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
        check_schema("Problem", response.get_json())


def test_wrong_method_is_a_405_problem(client):
    response = client.get("/api/v1/estimate")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"


def test_me_and_my_estimate_with_a_bearer_token(client, session, make_user, make_teacher, check_schema):
    user = make_user("teacher")
    teacher = make_teacher(user=user)
    _, secret = accounts.create_api_token(session=session, user=user, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    check_schema("Me", me)
    assert me["teacher"]["id"] == teacher.id and me["teacher"]["placement"]["lane"]
    assert {c["status"] for c in me["teacher"]["credentials"]} == {"granted", "submitted", "denied"}
    mine = client.get("/api/v1/me/estimate?years=3", headers=headers)
    assert mine.status_code == 200
    check_schema("Estimate", mine.get_json())
    assert mine.get_json()["district"] == teacher.district_id and len(mine.get_json()["timeline"]) == 3
    assert client.get("/api/v1/me/estimate?years=lots", headers=headers).status_code == 422
    # `years` is one integer: a repeated one is refused, not read as its first (the fuzzer's negative case).
    twice = client.get("/api/v1/me/estimate?years=3&years=lots", headers=headers)
    assert twice.status_code == 422 and twice.get_json()["field"] == "years"


def test_my_estimate_is_for_teachers_only(client, session, make_user):
    user = make_user("finance")
    _, secret = accounts.create_api_token(session=session, user=user, name="t")
    response = client.get("/api/v1/me/estimate", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert me["role"] == "finance" and me["teacher"] is None


def test_no_body_makes_the_estimate_answer_5xx(app):
    """Any JSON at all, including near-valid options with odd values, answers 200 or a 4xx problem."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12) | st.floats(allow_nan=True)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
    near_valid = st.fixed_dictionaries({
        "district": st.sampled_from(["dysart", "harmony", "cedar-valley", "prairie-ridge", "x"]),
        "school_year": st.sampled_from(["2025-26", "2026-27", "2030-31", "1999-00"]),
        "step": st.integers(-2, 70) | st.text(max_size=3),
        "lane": st.sampled_from(["BA", "MA", "T", "BA+15", "MA+30", "PhD", ""]),
    }, optional={
        "micro_credentials": st.integers(-1, 120), "credits": st.sampled_from(["0", "7.5", "-1", "1e400", "NaN", 3]),
        "years": st.integers(-1, 60), "fte": st.sampled_from(["1", "0.5", "0", "2", "0.001"]),
        "role": st.sampled_from(["mentor", "lead", "master", "astronaut"]),
        "plan": st.dictionaries(st.sampled_from(["2026-27", "2027-28", "2099-00"]),
                                st.fixed_dictionaries({"micro_credentials": st.integers(-1, 40)}), max_size=2),
        "degree": st.sampled_from(["bachelor", "master", "wizard"]),
        "window": st.sampled_from(["full-year", "second-semester", "nope"]),
    })
    client = app.test_client()

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=near_valid | values)
    def check(body):
        response = client.post("/api/v1/estimate", data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (body, response.get_data(as_text=True))
        if response.status_code != 200:
            assert response.mimetype == "application/problem+json"

    check()


def test_a_remembered_estimate_never_outlives_its_rule_file(app, client, tmp_path):
    """Answers are remembered per set of rules: asked twice, the same; after the rule file is edited, the new pay."""
    import os
    import shutil
    from pathlib import Path

    from engine.rules.folder import cached_folder

    rules = Path(__file__).resolve().parents[2] / "district_rules" / "dysart.yaml"
    copy = tmp_path / "dysart.yaml"
    shutil.copy(rules, copy)
    app.config["DISTRICT_RULES"] = str(tmp_path)
    body = {"district": "dysart", "school_year": "2025-26", "step": 1, "lane": "BA", "years": 1}
    first = client.post("/api/v1/estimate", json=body).get_json()
    assert client.post("/api/v1/estimate", json=body).get_json() == first
    assert first["base_salary"] == "50000.00"
    copy.write_text(copy.read_text().replace("- {step: 1, amounts: [50000.00,", "- {step: 1, amounts: [50100.00,", 1))
    later = os.stat(copy).st_mtime + 5
    os.utime(copy, (later, later))
    cached_folder(tmp_path, fresh=True)  # as the admin's grid import does after writing a rule file
    assert client.post("/api/v1/estimate", json=body).get_json()["base_salary"] == "50100.00"


def test_remembered_estimates_stay_within_their_bytes_however_many_are_asked(app, client):
    """A client asking for ever new 50-year estimates (68 KB each) never grows what a worker keeps past its bound,
    and every answer is still the engine's."""
    app.config["ESTIMATE_ANSWERS_BYTES"] = 200_000
    answers = []
    for step in range(1, 11):
        body = {"district": "harmony", "school_year": "2026-27", "step": step, "lane": "T", "years": 50}
        answer = client.post("/api/v1/estimate", json=body)
        assert answer.status_code == 200 and len(answer.get_json()["timeline"]) == 50
        answers.append(answer.get_data())
    kept = app.extensions["lanewise_estimate_answers"][1]
    assert 0 < kept.currsize <= 200_000 and len(kept) < 10
    again = client.post("/api/v1/estimate", json={"district": "harmony", "school_year": "2026-27", "step": 1,
                                                  "lane": "T", "years": 50})
    assert again.get_data() == answers[0]  # forgotten, worked out again: the same answer


def test_a_refused_body_is_refused_every_time_and_never_remembered(app, client):
    """The schema is skipped only for options already answered; a body it refuses (a step of true, a lane off the
    schedule) gets its 422 the second time too, and an answer for valid options stays the engine's."""
    good = {"district": "dysart", "school_year": "2025-26", "step": 1, "lane": "BA", "years": 1}
    assert client.post("/api/v1/estimate", json=good).status_code == 200
    for bad in (dict(good, step=True), dict(good, lane="ZZ"), dict(good, years=0)):
        first = client.post("/api/v1/estimate", json=bad)
        second = client.post("/api/v1/estimate", json=bad)
        assert first.status_code == second.status_code == 422, bad
        assert second.get_json() == first.get_json()
    kept = app.extensions["lanewise_estimate_answers"][1]
    assert len(kept) == 1
