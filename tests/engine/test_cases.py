"""Every calculation case under tests/engine/cases runs through the estimate, cent for cent."""
from pathlib import Path

import pytest
import yaml

from engine import load_districts
from engine.teacher.options import EstimateOptions, run_estimate

CASES = Path(__file__).parent / "cases"
DISTRICTS = load_districts()


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            yield pytest.param(path.stem, case, id=f"{path.stem}: {case['name']}")


def _check(actual: dict, expected: dict, where: str) -> None:
    for key, value in expected.items():
        if key == "timeline":
            for index, year in value.items():
                _check(actual["timeline"][int(index)], year, f"{where}timeline[{index}].")
        else:
            assert str(actual[key]) == str(value), f"{where}{key}: expected {value}, got {actual[key]}"


@pytest.mark.parametrize("district, case", list(_cases()))
def test_case(district, case):
    options = EstimateOptions(district=district, **{k: str(v) if k == "school_year" else v for k, v in case["input"].items()})
    result = run_estimate(DISTRICTS, options).to_json()
    _check(result, case["expected"], "")


def test_every_shipped_district_has_cases():
    assert {p.stem for p in CASES.glob("*.yaml")} == set(DISTRICTS)
