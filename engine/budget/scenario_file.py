"""A scenario as a file: YAML or JSON that the finance pages export and import, and that `flask project` runs.
Read with the rule files' bounded reader (size, nesting, aliases; numbers as exact decimals), and every problem
named by line and path. Pure: no Flask, no database."""
from __future__ import annotations

import json
from decimal import Decimal

import yaml
from pydantic import ValidationError

from engine.budget.scenario import Scenario
from engine.rules.load import _errors_from
from engine.rules.reader import RuleError, RuleFileError, read_document

FORMAT = "lanewise-scenario/1"


class ScenarioFileError(ValueError):
    """A scenario file that cannot be used; `problems` are "file:line: path: message" each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_scenario(content: bytes | str, name: str = "scenario.yaml") -> Scenario:
    """The scenario a YAML or JSON file holds (JSON is read as the YAML it also is)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioFileError([f"{name}: expected UTF-8 text: {exc.reason} at byte {exc.start}"]) from None
    try:
        doc = read_document(name, content)
    except RuleFileError as exc:
        raise ScenarioFileError([str(e) for e in exc.errors]) from None
    problems = [str(e) for e in doc.errors]
    data = doc.data
    if not isinstance(data, dict):
        raise ScenarioFileError([f"{name}:1: (top): expected a mapping of the scenario's settings, got {type(data).__name__}"])
    data = dict(data)
    found = data.pop("format", FORMAT)
    if found != FORMAT:
        problems.append(f"{name}:{doc.line_of(('format',)) or 1}: format: expected {FORMAT!r}, got {found!r}")
    if problems:
        raise ScenarioFileError(problems)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioFileError([str(e) for e in _errors_from(doc, exc)]) from None


def _plain(value):
    """Decimals as numbers a reader keeps exact (YAML and JSON both: the text of the decimal)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def scenario_data(scenario: Scenario) -> dict:
    """The scenario as plain data, its settings only where they differ from the defaults, in the file's order."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("district_id", scenario.district_id)
    return {"format": FORMAT, "name": scenario.name, "district_id": scenario.district_id,
            **{k: v for k, v in data.items() if k not in ("name", "district_id")}}


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML; numbers are written as the exact decimals they are."""
    class Dumper(yaml.SafeDumper):
        pass

    def decimal_text(dumper, value):   # exact decimals (pydantic gives them as strings in JSON mode)
        return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))

    Dumper.add_representer(Decimal, decimal_text)
    return yaml.dump(scenario_data(scenario), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


def scenario_json(scenario: Scenario) -> str:
    return json.dumps(scenario_data(scenario), indent=2, ensure_ascii=False) + "\n"


__all__ = ["FORMAT", "ScenarioFileError", "read_scenario", "scenario_yaml", "scenario_json", "scenario_data", "RuleError"]
