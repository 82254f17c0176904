"""The OpenAPI 3.1 document of the JSON API; the request schema comes from the engine's option model and,
one variant per district, from the districts' rules (web/api/options_schema.py)."""

from web.api.options_schema import base_options_schema, estimate_options_schema

MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "dollars, a decimal string with 2 places"}
SCHOOL_YEAR = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "examples": ["2026-27"]}
NULLABLE_STRING = {"type": ["string", "null"]}


def _schemas(rules_by_id: dict | None) -> dict:
    options = estimate_options_schema(rules_by_id) if rules_by_id else base_options_schema()
    line = {
        "type": "object",
        "required": ["name", "amount", "explanation"],
        "properties": {"name": {"type": "string"}, "amount": MONEY, "explanation": {"type": "string"}},
    }
    year = {
        "type": "object",
        "required": ["school_year", "step", "lane", "base_salary", "additions_total", "total", "assumed",
                     "explanation"],
        "properties": {
            "school_year": SCHOOL_YEAR, "step": {"type": "integer"}, "lane": {"type": "string"},
            "growth_steps": {"type": "integer"}, "base_salary": MONEY,
            "additions": {"type": "array", "items": {"$ref": "#/components/schemas/PayLine"}},
            "additions_total": MONEY, "total": MONEY, "cumulative": MONEY, "assumed": {"type": "boolean"},
            "explanation": {"type": "array", "items": {"type": "string"}},
        },
    }
    estimate = {
        "type": "object",
        "description": "Pay now and year by year: the same JSON as `flask estimate --json`.",
        "required": ["district", "school_year", "step", "lane", "base_salary", "additions", "total", "explanation",
                     "timeline"],
        "properties": {
            "district": {"type": "string"}, "district_name": {"type": "string"}, "school_year": SCHOOL_YEAR,
            "step": {"type": "integer"}, "lane": {"type": "string"}, "growth_steps": {"type": "integer"},
            "fte": {"type": "string"}, "base_salary": MONEY,
            "additions": {"type": "array", "items": {"$ref": "#/components/schemas/PayLine"}},
            "total": MONEY, "explanation": {"type": "array", "items": {"type": "string"}},
            "years": {"type": "integer"}, "total_over_years": MONEY,
            "assumed_years": {"type": "array", "items": SCHOOL_YEAR}, "illustrative": {"type": "boolean"},
            "timeline": {"type": "array", "items": {"$ref": "#/components/schemas/YearPay"}, "minItems": 1},
        },
    }
    district = {
        "type": "object",
        "required": ["id", "name", "state", "illustrative", "school_years"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "state": {"type": "string"},
            "illustrative": {"type": "boolean"}, "school_years": {"type": "array", "items": SCHOOL_YEAR},
        },
    }
    schedule = {
        "type": "object",
        "required": ["district", "school_year", "kind", "lanes", "rows"],
        "properties": {
            "district": {"type": "string"}, "school_year": SCHOOL_YEAR, "kind": {"type": "string"},
            "adopted": {"type": "string"}, "assumed": {"type": "boolean"}, "illustrative": {"type": "boolean"},
            "latest_adopted": SCHOOL_YEAR,
            "source": {"description": "where the schedule's figures come from (its reference in the rule file)",
                       "oneOf": [{"type": "null"}, {"type": "object", "required": ["title", "url"], "properties": {
                           "title": {"type": "string"}, "url": {"type": ["string", "null"]}}}]},
            "lanes": {"type": "array", "items": {
                "type": "object", "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}},
            "rows": {"type": "array", "items": {
                "type": "object", "required": ["step", "first_step", "last_step", "reserved", "amounts"],
                "properties": {
                    "step": {"type": ["integer", "string"]}, "first_step": {"type": "integer"},
                    "last_step": {"type": ["integer", "null"], "description": "null for an open band such as 25+"},
                    "reserved": {"type": "boolean"},
                    "amounts": {"type": "array", "items": {"anyOf": [MONEY, {"type": "null"}]}},
                }}},
        },
    }
    problem = {
        "type": "object",
        "description": "An RFC 9457 problem document.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "field": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        },
    }
    placement = {
        "type": ["object", "null"],
        "required": ["id", "teacher_id", "school_year", "step", "lane", "fte"],
        "properties": {
            "id": {"type": "integer"}, "teacher_id": {"type": "integer"}, "school_year": SCHOOL_YEAR,
            "step": {"type": "integer"}, "lane": {"type": "string"}, "fte": {"type": "string"},
            "years_of_service": {"type": ["integer", "null"]}, "degree": NULLABLE_STRING, "band": NULLABLE_STRING,
        },
    }
    credential = {
        "type": "object",
        "required": ["id", "teacher_id", "kind", "amount", "status"],
        "properties": {
            "id": {"type": "integer"}, "teacher_id": {"type": "integer"},
            "kind": {"enum": ["micro_credential", "graduate_credit", "pd_hours", "cpe_hours"]},
            "title": {"type": "string"}, "amount": MONEY, "status": {"enum": ["submitted", "granted", "denied"]},
            "school_year": {"anyOf": [SCHOOL_YEAR, {"type": "null"}]}, "earned_on": NULLABLE_STRING,
            "submitted_on": NULLABLE_STRING, "decided_on": NULLABLE_STRING,
            "achievement_id": NULLABLE_STRING, "issuer": NULLABLE_STRING,
        },
    }
    me = {
        "type": "object",
        "required": ["id", "username", "role", "teacher", "districts"],
        "properties": {
            "id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"},
            "role": {"enum": ["teacher", "hr", "finance", "admin"]}, "teacher_id": {"type": ["integer", "null"]},
            "districts": {"type": "array", "items": {"type": "string"},
                          "description": "HR and finance: the districts an administrator assigned (all they see)"},
            "teacher": {"oneOf": [{"type": "null"}, {
                "type": "object",
                "required": ["id", "district_id", "employee_id", "name", "placement", "credentials"],
                "properties": {
                    "id": {"type": "integer"}, "district_id": {"type": "string"}, "employee_id": {"type": "string"},
                    "name": {"type": "string"}, "school": {"type": "string"}, "hire_date": NULLABLE_STRING,
                    "user_id": {"type": ["integer", "null"]},
                    "placement": {"$ref": "#/components/schemas/Placement"},
                    "credentials": {"type": "array", "items": {"$ref": "#/components/schemas/EarnedCredential"}},
                }}]},
        },
    }
    money_or_null = {"anyOf": [MONEY, {"type": "null"}]}
    career = {
        "type": "object",
        "required": ["district", "name", "state", "illustrative"],
        "properties": {
            "district": {"type": "string"}, "name": {"type": "string"}, "state": {"type": "string"},
            "illustrative": {"type": "boolean"}, "error": {"type": "string"},
            "start": {"type": "object", "properties": {"school_year": SCHOOL_YEAR, "lane": {"type": "string"},
                                                       "step": {"type": "string"}}},
            "starting_pay": MONEY, "top_pay": MONEY, "years_to_top": {"type": ["integer", "null"]},
            "top_of_lane": {"type": "object", "properties": {"lane": {"type": "string"}, "step": {"type": "string"}}},
            "earnings": MONEY, "earnings_30_years": money_or_null, "final_lane": {"type": "string"},
            "assumed_years": {"type": "integer"},
            "timeline": {"type": "array", "items": {"type": "object", "required": ["school_year", "total", "cumulative"],
                                                    "properties": {"school_year": SCHOOL_YEAR, "step": {"type": "integer"},
                                                                   "lane": {"type": "string"}, "total": MONEY,
                                                                   "cumulative": MONEY, "assumed": {"type": "boolean"}}}},
        },
    }
    comparison = {
        "type": "object",
        "description": "One career path in every district, highest career earnings first; `focus` ranks one district.",
        "required": ["school_year", "path", "districts"],
        "properties": {
            "school_year": SCHOOL_YEAR, "path": {"type": "object"},
            "districts": {"type": "array", "items": {"$ref": "#/components/schemas/Career"}},
            "focus": {"type": ["object", "null"]},
        },
    }
    return {
        "Career": career, "Comparison": comparison,
        "EstimateOptions": options, "PayLine": line, "YearPay": year, "Estimate": estimate,
        "District": district,
        "DistrictList": {"type": "object", "required": ["districts"],
                         "properties": {"districts": {"type": "array", "items": {"$ref": "#/components/schemas/District"}}}},
        "Schedule": schedule, "Problem": problem, "Placement": placement, "EarnedCredential": credential, "Me": me,
    }


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def openapi_document(server: str = "/api/v1", rules_by_id: dict | None = None) -> dict:
    """Give the OpenAPI 3.1 description of every route of the API blueprint (its request schema per district
    when the districts' rules are given)."""
    district_id = {"name": "district_id", "in": "path", "required": True, "schema": {"type": "string"}}
    school_year = {"name": "school_year", "in": "path", "required": True, "schema": {"type": "string"}}
    bearer = [{"bearer": []}]
    compare_district, compare_year = {"type": "string"}, SCHOOL_YEAR
    if rules_by_id:
        # A comparison runs one school year through every district: only years every district can place.
        from web.api.options_schema import start_years

        common = set.intersection(*({y.label for y in start_years(rules)} for rules in rules_by_id.values()))
        compare_district = {"type": "string", "enum": sorted(rules_by_id)}
        compare_year = {"type": "string", "enum": sorted(common)}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Lanewise API",
            "version": "1.0.0",
            "description": "Salary schedules and pay estimates. Amounts are decimal strings in dollars. "
                           "Errors are application/problem+json. Bearer tokens are made on the account page.",
        },
        "servers": [{"url": server}],
        "paths": {
            "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                      "responses": {"200": {"description": "The OpenAPI document",
                                                            "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/districts": {"get": {"operationId": "listDistricts", "summary": "Every district and its school years",
                                   "responses": {"200": _json("DistrictList", "The districts")}}},
            "/districts/{district_id}": {"get": {
                "operationId": "getDistrict", "summary": "One district", "parameters": [district_id],
                "responses": {"200": _json("District", "The district"), "404": _problem("No such district")}}},
            "/districts/{district_id}/schedules/{school_year}": {"get": {
                "operationId": "getSchedule", "summary": "A district's salary schedule for a school year",
                "parameters": [district_id, school_year],
                "responses": {"200": _json("Schedule", "The schedule, lanes across, steps down"),
                              "404": _problem("No such district or school year")}}},
            "/estimate": {"post": {
                "operationId": "estimate",
                "summary": "Pay now and year by year; the same options and JSON as `flask estimate --json`",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/EstimateOptions"},
                    "example": {"district": "dysart", "school_year": "2026-27", "step": 5, "lane": "BA",
                                "micro_credentials": 5, "years": 10,
                                "plan": {"2027-28": {"micro_credentials": 5}}}}}},
                "responses": {"200": _json("Estimate", "The estimate"),
                              "400": _problem("The body is not JSON, or is nested too deep"),
                              "413": _problem("The body is larger than 2 MB"),
                              "415": _problem("The body is not JSON"),
                              "422": _problem("An option is missing, unknown or invalid")}}},
            "/compare": {"get": {
                "operationId": "compareDistricts",
                "summary": "One career path through every district: pay by year, career earnings, headline figures",
                "parameters": [
                    {"name": name, "in": "query", "required": False, "schema": schema}
                    for name, schema in (
                        ("degree", {"enum": ["none", "bachelor", "master", "specialist", "doctorate"]}),
                        ("years", {"type": "integer", "minimum": 1, "maximum": 40}),
                        ("credits_per_year", {"type": "number", "minimum": 0, "maximum": 30}),
                        ("credit_years", {"type": "integer", "minimum": 0, "maximum": 40}),
                        ("micro_credentials_per_year", {"type": "integer", "minimum": 0, "maximum": 20}),
                        ("micro_credential_years", {"type": "integer", "minimum": 0, "maximum": 40}),
                        ("school_year", compare_year), ("district", compare_district))],
                "responses": {"200": _json("Comparison", "Every district on the path"),
                              "422": _problem("A path option is unknown or out of range")}}},
            "/me": {"get": {
                "operationId": "me", "summary": "The token's account, and for a teacher their roster entry",
                "security": bearer,
                "responses": {"200": _json("Me", "The account"), "401": _problem("No valid bearer token")}}},
            "/me/estimate": {"get": {
                "operationId": "myEstimate", "summary": "The estimate for the token's teacher's own placement",
                "security": bearer,
                "parameters": [{"name": "years", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}}],
                "responses": {"200": _json("Estimate", "The estimate"),
                              "401": _problem("No valid bearer token"),
                              "403": _problem("The account is not a teacher's"),
                              "404": _problem("The teacher has no placement"),
                              "422": _problem("The placement or `years` cannot be estimated")}}},
        },
        "components": {
            "schemas": _schemas(rules_by_id),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token made on the account page (starts with lw_)."}},
        },
    }
