"""Item 14, the rest: 405 answers carry Allow; the API refuses `false` for integers and its document says what it
accepts (step 0 where a district has one, not where it has none); production refuses a short SECRET_KEY."""

import pytest

from app import MIN_SECRET_KEY_LENGTH, ConfigurationError, create_app

ESTIMATE = {"district": "dysart", "school_year": "2026-27", "step": 5, "lane": "BA"}


def test_405_answers_carry_allow(client):
    page = client.get("/auth/logout")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    api = client.delete("/api/v1/estimate")
    assert api.status_code == 405 and set(api.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert api.mimetype == "application/problem+json"


@pytest.mark.parametrize("field", ["step", "years", "micro_credentials"])
def test_the_api_refuses_booleans_for_integers(client, field):
    response = client.post("/api/v1/estimate", json={**ESTIMATE, field: False})
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_step_zero_is_accepted_where_the_document_says_so(client):
    """Harmony's schedule starts at step 0, Dysart's at step 1: the document and the API agree on both."""
    document = client.get("/api/v1/openapi.json").get_json()
    variants = {v["properties"]["district"]["const"]: v
                for v in document["components"]["schemas"]["EstimateOptions"]["oneOf"]}
    assert variants["harmony"]["properties"]["step"]["anyOf"][0]["minimum"] == 0
    assert variants["dysart"]["properties"]["step"]["anyOf"][0]["minimum"] == 1
    harmony = client.post("/api/v1/estimate", json={**ESTIMATE, "district": "harmony", "lane": "T", "step": 0})
    assert harmony.status_code == 200
    dysart = client.post("/api/v1/estimate", json={**ESTIMATE, "step": 0})
    assert dysart.status_code == 422 and "less than the minimum of 1" in dysart.get_json()["detail"]


def test_decimal_strings_are_held_to_the_same_bounds_as_numbers(client):
    assert client.post("/api/v1/estimate", json={**ESTIMATE, "credits": "6"}).status_code == 200
    assert client.post("/api/v1/estimate", json={**ESTIMATE, "credits": "300"}).status_code == 422
    assert client.post("/api/v1/estimate", json={**ESTIMATE, "credits": 300}).status_code == 422


def test_production_refuses_a_short_secret_key(tmp_path):
    database = f"sqlite:///{tmp_path}/x.db"
    with pytest.raises(ConfigurationError, match=f"at least {MIN_SECRET_KEY_LENGTH} characters"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "k", "DATABASE_URL": database})
    create_app({"ENV_NAME": "production", "SECRET_KEY": "k" * MIN_SECRET_KEY_LENGTH, "DATABASE_URL": database})
