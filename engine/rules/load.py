"""Loads and validates rule files, turning every problem into a located message."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from engine.rules import DistrictRules
from engine.rules.reader import (
    Document,
    RuleError,
    RuleFileError,
    dotted,
    read_document,
)

_DATE_REPR = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")
RULES_DIR = Path(__file__).resolve().parents[2] / "district_rules"


def _loc_path(loc: tuple) -> tuple:
    """A pydantic error location as a path into the YAML data (dates as the file's keys)."""
    path = []
    for part in loc:
        if isinstance(part, date):
            path.append(str(part))
            continue
        if isinstance(part, str) and (match := _DATE_REPR.fullmatch(part)):
            path.append(str(date(*(int(g) for g in match.groups()))))
            continue
        if isinstance(part, str) and part.startswith(("function-", "union[", "constrained-", "nullable[")):
            continue
        if isinstance(part, str) and part in ("int", "str", "decimal", "list[...]", "dict[date,union[...]]", "is-instance[date]"):
            continue
        if isinstance(part, str) and "[" in part and part.endswith("]") and not part[0].isdigit():
            continue
        path.append(part)
    return tuple(path)


def _data_path(doc: Document, path: tuple) -> tuple:
    """The path with date keys written as in the file."""
    fixed = []
    for part in path:
        if isinstance(part, str):
            try:
                fixed.append(str(date.fromisoformat(part)))
                continue
            except ValueError:
                pass
        fixed.append(part)
    return tuple(fixed)


def _message(error: dict) -> str:
    text = error["msg"]
    if text.startswith("Value error, "):
        text = text[len("Value error, "):]
    elif text.startswith("Extra inputs are not permitted"):
        return "unknown key (not part of the rule-file format; check its spelling)"
    elif text == "Field required":
        return "missing: this key is required"
    else:
        text = text.replace("Input should be ", "")
        text = "expected " + text[0].lower() + text[1:]
    got = error.get("input")
    if error["type"] not in ("missing", "value_error", "assertion_error") and not isinstance(got, (dict, list)):
        text += f', got "{got}"' if isinstance(got, str) else f", got {got}"
    return text


def _errors_from(doc: Document, exc: ValidationError) -> list[RuleError]:
    found: list[RuleError] = []
    seen = set()
    for error in exc.errors():
        path = _data_path(doc, _loc_path(error["loc"]))
        message = _message(error)
        # A value error raised on a whole model may name its own sub-paths ("schedules.X.lanes: ...").
        parts = message.split("; ") if error["type"] == "value_error" else [message]
        for part in parts:
            sub_path = path
            head, sep, rest = part.partition(": ")
            if sep and " " not in head and ("." in head or "[" in head):
                sub_path = path + tuple(_split_dotted(head))
                part = rest
            key = (sub_path, part)
            if key in seen:
                continue
            seen.add(key)
            found.append(RuleError(doc.file, doc.line_of(sub_path), dotted(sub_path), part))
    found.sort(key=lambda e: (e.line or 0, e.path))
    return found


def _split_dotted(text: str) -> list:
    parts: list = []
    for piece in text.split("."):
        name, _, rest = piece.partition("[")
        if name:
            parts.append(name)
        while rest:
            number, _, rest = rest.partition("]")
            parts.append(int(number))
            rest = rest[1:] if rest.startswith("[") else rest
    return parts


def parse_rules(source: str | Path, text: str | None = None) -> DistrictRules:
    """The validated rules of one rule file; every problem raises RuleFileError."""
    doc = read_document(source, text)
    errors = list(doc.errors)
    rules = None
    if isinstance(doc.data, dict):
        try:
            rules = DistrictRules.model_validate(doc.data)
        except ValidationError as exc:
            errors.extend(_errors_from(doc, exc))
    else:
        errors.append(RuleError(doc.file, 1, "", f"expected a mapping of rules, got {type(doc.data).__name__}"))
    if errors:
        errors.sort(key=lambda e: (e.line or 0, e.path))
        raise RuleFileError(errors)
    expected = Path(str(source)).stem
    if text is None and rules.district.id != expected:
        raise RuleFileError([RuleError(doc.file, doc.line_of(("district", "id")), "district.id",
                                       f'expected the file name\'s id "{expected}", got "{rules.district.id}"')])
    return rules


def load_districts(path: str | Path = RULES_DIR) -> dict[str, DistrictRules]:
    """Every district rule file in a folder that loads, by district id; a broken one is logged and skipped
    (`engine.rules.folder.read_folder` gives its errors)."""
    from engine.rules.folder import read_folder

    return read_folder(path).districts


def json_schema() -> dict:
    """The JSON Schema of a rule file, as written to district_rules/schema.json."""
    schema = DistrictRules.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Lanewise district rule file"
    return schema


def schema_text() -> str:
    """The JSON Schema as the text kept in district_rules/schema.json."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, default=str) + "\n"
