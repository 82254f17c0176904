"""The request schema of `POST /estimate`: one variant per district, built from its rules, so the OpenAPI document
says exactly what the API accepts, and the API refuses (422) whatever the document refuses.

The engine's option model (engine/teacher/options.py) gives the shape; each district's rules give
what its values may be: school years, lanes, the steps on the schedule, roles, windows, contract
days. Integers are JSON integers (`true` is not one); amounts are numbers or decimal strings.
"""

from copy import deepcopy

from jsonschema import Draft202012Validator

from engine.pay.cells import latest_schedule_year, schedule_for
from engine.rules import DistrictRules
from engine.teacher.options import EstimateOptions

# School years after the last adopted schedule that an estimate may start in (carried forward by COLA).
ASSUMED_YEARS = 5
DECIMALS = {"credits", "fte"}


# Repeated options have a maximum, like every repeated form field.
MAX_ITEMS = {"plan": 50, "ratings": 60, "subjects": 50, "certifications": 50, "achievements": 50}


# Amounts may come as JSON numbers or, exact, as decimal strings (as the answers give them); the strings are
# held to the same bounds as the numbers by their pattern, so the document refuses "300" hours as the API does.
DECIMAL_STRINGS = {
    "credits": r"^(?:200(?:\.0+)?|1\d{2}(?:\.\d+)?|\d{1,2}(?:\.\d+)?)$",  # 0 to 200
    "fte": r"^(?:1(?:\.0+)?|0?\.\d*[1-9]\d*)$",  # more than 0, at most 1
}


def _decimal_forms(properties: dict) -> None:
    """Decimal options as a bounded number or a decimal string within the same bounds (pydantic: any string)."""
    for name in DECIMALS & properties.keys():
        number = next(branch for branch in properties[name]["anyOf"] if branch.get("type") == "number")
        properties[name]["anyOf"] = [number, {"type": "string", "pattern": DECIMAL_STRINGS[name]}]


def _keyed_by_school_year(mapping: dict, values: dict) -> dict:
    """A map keyed by school years: pydantic says so with patternProperties, which lets other keys through."""
    (pattern,) = mapping.pop("patternProperties")
    return {**mapping, "propertyNames": {"pattern": pattern, "description": "a school year such as 2026-27"},
            "additionalProperties": values}


def _bounded(properties: dict) -> None:
    for name, limit in MAX_ITEMS.items():
        properties[name]["maxProperties" if properties[name]["type"] == "object" else "maxItems"] = limit


def _nullable_enum(values: list[str], description: str) -> dict:
    if not values:
        return {"type": "null", "description": description + " (this district has none)"}
    return {"anyOf": [{"type": "string", "enum": values}, {"type": "null"}], "description": description}


def start_years(rules: DistrictRules) -> list:
    """The school years an estimate may start in: each adopted one, then ASSUMED_YEARS carried forward."""
    first = rules.year(rules.school_years()[0])
    last = latest_schedule_year(rules).plus(ASSUMED_YEARS)
    years, year = [], first
    while year <= last:
        years.append(year)
        year = year.plus(1)
    return years


def _steps(rules: DistrictRules, year) -> tuple[int, tuple[int, ...], tuple[str, ...], tuple[str, ...]]:
    """The first step of the schedule in force, the steps below its top that it reserves or lacks, and the labels
    of its rows and of its reserved rows (a step may be given by its label: 'B', '1 & 2')."""
    schedule, _, _ = schedule_for(rules, year)
    top = max(row.last if row.last is not None else row.first for row in schedule.rows)
    holes = tuple(step for step in range(schedule.first_step, top + 1)
                  if not any(row.covers(step) and not row.reserved for row in schedule.rows))
    labels = tuple(row.label for row in schedule.rows if not row.reserved)
    reserved = tuple(row.label for row in schedule.rows if row.reserved)
    return schedule.first_step, holes, labels, reserved


def district_variants(rules: DistrictRules, base: dict) -> list[dict]:
    """The option schemas of one district: one per group of school years whose schedules take the same lanes and steps."""
    groups: dict[tuple, list[str]] = {}
    for year in start_years(rules):
        schedule, _, _ = schedule_for(rules, year)
        groups.setdefault((tuple(schedule.lanes), _steps(rules, year)), []).append(year.label)
    windows = [window.id for window in rules.submission_windows]
    variants = []
    for (lanes, (first_step, holes, labels, reserved)), years in groups.items():
        variant = deepcopy(base)
        properties = variant["properties"]
        properties["district"] = {"const": rules.id, "description": rules.district.name}
        properties["school_year"] = {"type": "string", "enum": years,
                                     "description": "a school year with an adopted schedule, or one carried forward"}
        properties["lane"] = {"type": "string", "enum": list(lanes)}
        number = {**next(s for s in properties["step"]["anyOf"] if s.get("type") == "integer"), "minimum": first_step}
        if holes:
            number["not"] = {"enum": list(holes)}
            number["description"] = f"a step on the schedule (not {', '.join(map(str, holes))}: reserved)"
        label = {"type": "string", "enum": list(labels), "description": "a step as the schedule labels it"}
        if reserved:
            label["x-reserved"] = list(reserved)
        properties["step"] = {"anyOf": [number, label], "title": "Step"}
        properties["role"] = _nullable_enum([role.id for role in rules.roles], "a teacher-leader role to aim for")
        properties["window"] = _nullable_enum(windows, "the submission window this year's credit is filed in")
        if "days_worked" in properties:
            days = properties["days_worked"]["anyOf"][0]
            days["maximum"] = rules.pay.contract_days
        plan = properties["plan"]
        planned = deepcopy(plan["additionalProperties"])
        planned["properties"]["window"] = _nullable_enum(windows, "the window that year's credit is filed in")
        plan["additionalProperties"] = planned
        variant["title"] = f"{rules.district.name}: " + ", ".join(years)
        variants.append(variant)
    return variants


def base_options_schema() -> dict:
    """The shape every district's variant shares: the engine's option model, decimals as numbers, no references."""
    schema = EstimateOptions.model_json_schema()
    definitions = schema.pop("$defs", {})
    properties = schema["properties"]
    _decimal_forms(properties)
    planned = definitions["PlannedYear"]
    _decimal_forms(planned["properties"])
    properties["plan"] = _keyed_by_school_year(properties["plan"], planned)
    properties["ratings"] = _keyed_by_school_year(properties["ratings"], {"type": "string"})
    _bounded(properties)
    return schema


def estimate_options_schema(rules_by_id: dict[str, DistrictRules]) -> dict:
    """The JSON Schema of a `POST /estimate` body: exactly one district's variant must hold."""
    base = base_options_schema()
    variants = [variant for _, rules in sorted(rules_by_id.items()) for variant in district_variants(rules, base)]
    return {"title": "EstimateOptions", "description": base.get("description", ""), "type": "object",
            "required": ["district"], "properties": {"district": {"enum": sorted(rules_by_id)}}, "oneOf": variants}


class OptionsChecker:
    """Checks request bodies against the district variants of one set of rules (build once, use per request)."""

    def __init__(self, rules_by_id: dict[str, DistrictRules]):
        base = base_options_schema()
        self.districts = sorted(rules_by_id)
        self.validators = {district_id: [Draft202012Validator(variant) for variant in district_variants(rules, base)]
                           for district_id, rules in rules_by_id.items()}

    def problems(self, options: object) -> list[tuple[str, str]]:
        """What in a request body the schema refuses, as (field, message) pairs; empty when it holds."""
        if not isinstance(options, dict):
            return [("body", "expected a JSON object of estimate options")]
        district = options.get("district")
        if not isinstance(district, str) or district not in self.validators:
            return [("district", f"unknown district {district!r} (districts: {', '.join(self.districts)})")]
        best = None
        for validator in self.validators[district]:
            errors = sorted(validator.iter_errors(options), key=lambda e: [str(p) for p in e.absolute_path])
            if not errors:
                return []
            if best is None or _closer(errors, best):
                best = errors
        return [(".".join(str(p) for p in error.absolute_path) or "body", _plain(error)) for error in best]


def _plain(error) -> str:
    """For a value that fits none of a field's forms (a step is a number or a label), the reason of the form it was
    given in: "0 is less than the minimum of 1", "step 'E' is reserved", "'Z' is not one of ['A', 'B', ...]"."""
    if error.validator == "anyOf" and error.context:
        kind = "integer" if isinstance(error.instance, int) and not isinstance(error.instance, bool) else "string"
        same = [e for e in error.context if e.schema.get("type") == kind]
        if same:
            found = min(same, key=lambda e: len(e.message))
            if kind == "string" and error.instance in found.schema.get("x-reserved", ()):
                return f"step {error.instance!r} is reserved on this schedule: no one is placed there"
            return found.message
    return error.message


def _closer(errors, best) -> bool:
    # The variant whose school years hold the body's year explains the body best; else the one with fewest errors.
    def misses_year(found):
        return any(list(e.absolute_path) == ["school_year"] for e in found)
    return (misses_year(errors), len(errors)) < (misses_year(best), len(best))
