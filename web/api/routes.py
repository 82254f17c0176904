"""JSON API v1: every answer is JSON, every error an application/problem+json document with a 4xx."""

import json
from threading import Lock

from cachetools import LRUCache
from flask import Response, current_app, jsonify, request, url_for

from engine import estimate, schedule_table
from models import EarnedCredentialPublic, PlacementPublic, Role, TeacherPublic, UserPublic
from models.accounts import DISTRICT_ROLES
from safe.parsing import Refused, json_loads
from services import teachers
from web.access import api_user, problem, role_required
from web.api import bp
from web.api.openapi import openapi_document
from web.api.options_schema import OptionsChecker
from web.estimating import (
    ENGINE_INPUT_ERRORS,
    OptionError,
    district_or_404,
    districts,
    estimate_input,
    teacher_context,
    timeline,
)
from web.extensions import db
from web.scoping import staff_districts

# Estimate options nest three levels (plan -> year -> field); anything far deeper is not options.
MAX_BODY_DEPTH = 16
# Answers to POST /estimate kept per worker and set of rules: an estimate is a pure function of the rules and the
# options, and people ask for the same few cells again and again. Bounded by bytes (a 10-year answer is about 7 KB,
# a 50-year one 68 KB; ESTIMATE_ANSWERS_BYTES in the app's config), and only for options of at most 4 KB.
ESTIMATE_ANSWERS_BYTES = 16 * 1024 * 1024
REMEMBERED_OPTIONS_BYTES = 4096


def _district_summary(rules) -> dict:
    return {
        "id": rules.id,
        "name": rules.district.name,
        "state": rules.district.state,
        "illustrative": rules.district.illustrative,
        "school_years": rules.school_years(),
    }


@bp.route("/openapi.json")
def openapi():
    """Give the OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document(server=url_for("api.openapi", _external=False).rsplit("/", 1)[0],
                                    rules_by_id=districts()))


@bp.route("/districts")
def list_districts():
    """Give every district with its school years."""
    return jsonify({"districts": [_district_summary(rules) for _, rules in sorted(districts().items())]})


@bp.route("/districts/<district_id>")
def get_district(district_id: str):
    """Give one district with its school years."""
    return jsonify(_district_summary(district_or_404(district_id)))


@bp.route("/districts/<district_id>/schedules/<school_year>")
def get_schedule(district_id: str, school_year: str):
    """Give a district's salary schedule for a school year."""
    rules = district_or_404(district_id)
    try:
        return jsonify(schedule_table(rules, school_year))
    except ENGINE_INPUT_ERRORS as error:
        return problem(404, "Not Found", f"No schedule for school year {school_year!r}: {error}")


def _option_problem(error: OptionError):
    return problem(422, "Invalid estimate options", error.message, field=error.field,
                   errors=[{"field": field, "message": message} for field, message in error.problems])


def _options_checker() -> OptionsChecker:
    """The schema check of request bodies for the districts' rules as loaded (built once per set of rules)."""
    rules = districts()
    cached = current_app.extensions.get("lanewise_options_checker")
    if cached is None or cached[0] is not rules:
        cached = (rules, OptionsChecker(rules))
        current_app.extensions["lanewise_options_checker"] = cached
    return cached[1]


@bp.route("/estimate", methods=["POST"])
def post_estimate():
    """Estimate pay now and year by year for options like `flask estimate`'s; answer as `flask estimate --json`.

    The body is read with a depth cap and checked against the OpenAPI document's schema first, so
    what the document refuses (false for a number, a step off the schedule) is refused here too.
    """
    if not request.is_json:
        return problem(415, "Unsupported Media Type", "Send a JSON object with Content-Type: application/json.")
    try:
        options = json_loads(request.get_data(), max_depth=MAX_BODY_DEPTH)
    except Refused as error:
        return problem(400, "Bad Request", f"The body is not JSON options: {error}.")
    except ValueError:
        return problem(400, "Bad Request", "The body is not JSON.")
    key = json.dumps(options, sort_keys=True, separators=(",", ":"))
    answers, lock = _estimate_answers()
    with lock:
        answer = answers.get(key)
    if answer is None:   # only answers to options the schema took are remembered: the same options pass again
        problems = _options_checker().problems(options)
        if problems:
            return _option_problem(OptionError(problems[0][0], problems[0][1], problems))
        try:
            rules, inputs = estimate_input(options)
            answer = current_app.json.dumps(estimate(rules, inputs).to_json()).encode() + b"\n"
        except OptionError as error:
            return _option_problem(error)
        except ENGINE_INPUT_ERRORS as error:
            return problem(422, "Invalid estimate options", _engine_message(error))
        if len(key) <= REMEMBERED_OPTIONS_BYTES and len(answer) <= answers.maxsize:
            with lock:
                answers[key] = answer
    return Response(answer, mimetype="application/json")


def _estimate_answers() -> tuple[LRUCache, Lock]:
    """The estimate answers remembered for the districts' rules as loaded, by the options' canonical JSON (a new set
    of rules starts afresh; refusals are not remembered), and the lock that guards them."""
    rules = districts()
    cached = current_app.extensions.get("lanewise_estimate_answers")
    if cached is None or cached[0] is not rules:
        limit = current_app.config.get("ESTIMATE_ANSWERS_BYTES", ESTIMATE_ANSWERS_BYTES)
        cached = (rules, LRUCache(maxsize=limit, getsizeof=len), Lock())
        current_app.extensions["lanewise_estimate_answers"] = cached
    return cached[1], cached[2]


def _engine_message(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"unknown value {error.args[0]!r}"
    return str(error)


def _repeated_parameters(title: str):
    """A 422 problem naming the query parameters given more than once (each is one value: a repeated one is refused,
    not read as its first), or None."""
    repeated = sorted(name for name in request.args if len(request.args.getlist(name)) > 1)
    if not repeated:
        return None
    return problem(422, title, f"{repeated[0]}: give it once", field=repeated[0],
                   errors=[{"field": name, "message": "give it once"} for name in repeated])


@bp.route("/compare")
def compare():
    """One career path (query string: degree, years, credits_per_year, credit_years, micro_credentials_per_year,
    micro_credential_years, school_year, district) through every district side by side."""
    from pydantic import ValidationError

    from engine.teacher.compare import CareerOptions, compare_districts

    repeated = _repeated_parameters("Invalid career path")
    if repeated:
        return repeated
    try:
        options = CareerOptions.model_validate(request.args.to_dict())
    except ValidationError as error:
        problems = [(".".join(str(p) for p in item["loc"]) or "query", item["msg"]) for item in error.errors()]
        return problem(422, "Invalid career path", problems[0][1], field=problems[0][0],
                       errors=[{"field": field, "message": message} for field, message in problems])
    all_districts = districts()
    if options.district is not None and options.district not in all_districts:
        return problem(422, "Invalid career path", f"unknown district {options.district!r}", field="district")
    try:
        return jsonify(compare_districts(all_districts, options.to_path(), options.district))
    except ValueError as error:
        return problem(422, "Invalid career path", str(error), field="school_year")


@bp.route("/me")
@role_required()
def me():
    """Give the token's account (for HR and finance, the districts they work for) and, for a teacher, their roster
    entry, placement and credentials."""
    user = api_user()
    body = UserPublic.model_validate(user, update={"teacher_id": None}).model_dump(mode="json")
    body["districts"] = staff_districts() if Role(user.role) in DISTRICT_ROLES else []
    teacher = teachers.teacher_for_user(session=db.session, user_id=user.id)
    body["teacher"] = None
    if teacher is not None:
        body["teacher_id"] = teacher.id
        placement = teachers.placement_for(session=db.session, teacher_id=teacher.id)
        body["teacher"] = {
            **TeacherPublic.model_validate(teacher).model_dump(mode="json"),
            "placement": PlacementPublic.model_validate(placement).model_dump(mode="json") if placement else None,
            "credentials": [EarnedCredentialPublic.model_validate(row).model_dump(mode="json")
                            for row in teachers.credentials(session=db.session, teacher_id=teacher.id)],
        }
    return jsonify(body)


@bp.route("/me/estimate")
@role_required("teacher")
def my_estimate():
    """Give the estimate for the token's teacher's own placement (`years` in the query string, default 10)."""
    user = api_user()
    teacher = teachers.teacher_for_user(session=db.session, user_id=user.id)
    from web.hr.common import today

    context = teacher_context(session=db.session, teacher=teacher, today=today()) if teacher else None
    if context is None or context.record is None:
        return problem(404, "Not Found", "Your account has no placement on a district's roster yet.")
    unknown = sorted(set(request.args) - {"years"})
    if unknown:  # like the body of POST /estimate, the query takes only what the document lists
        return problem(422, "Invalid estimate options", f"unknown query parameter {unknown[0]!r} (only: years)",
                       field=unknown[0], errors=[{"field": name, "message": "unknown query parameter"} for name in unknown])
    repeated = _repeated_parameters("Invalid estimate options")
    if repeated:
        return repeated
    years = request.args.get("years", "10")
    if not (years.isascii() and years.isdigit() and len(years) < 4) or not 1 <= int(years) <= 50:
        return problem(422, "Invalid estimate options", "years: expected a whole number from 1 to 50", field="years",
                       errors=[{"field": "years", "message": "expected a whole number from 1 to 50"}])
    try:
        return jsonify(timeline(context, context.walk(int(years))).to_json())
    except ENGINE_INPUT_ERRORS as error:
        return problem(422, "Unprocessable Entity", f"Your placement cannot be estimated: {error}")


