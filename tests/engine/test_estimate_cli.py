"""`flask estimate`: the table a person reads and the JSON other tools read."""
import json
from decimal import Decimal

from click.testing import CliRunner

from cli.estimate import estimate_command

ARGS = ["--district", "dysart", "--school-year", "2026-27", "--step", "5", "--lane", "BA",
        "--micro-credentials", "15", "--years", "3"]


def test_json_holds_the_placement_the_pay_and_the_timeline():
    result = CliRunner().invoke(estimate_command, ARGS + ["--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["district"], data["school_year"], data["step"], data["lane"]) == ("dysart", "2026-27", 5, "BA")
    # this year 58451.33; the phase of 15 takes effect next July 1: 59620.36 x 1.02 x 1.04 = 63245.28
    assert data["base_salary"] == "58451.33" and data["total"] == "58451.33"
    assert data["timeline"][1]["growth_steps"] == 1 and data["timeline"][1]["base_salary"] == "63245.28"
    assert [y["school_year"] for y in data["timeline"]] == ["2026-27", "2027-28", "2028-29"]
    assert all(set(y) >= {"school_year", "step", "lane", "base_salary", "total"} for y in data["timeline"])
    assert data["timeline"][1]["assumed"] and data["assumed_years"] == ["2027-28", "2028-29"]
    assert all(Decimal(y["total"]).as_tuple().exponent == -2 for y in data["timeline"])


def test_table_shows_each_year_and_marks_assumed_ones():
    result = CliRunner().invoke(estimate_command, ARGS)
    assert result.exit_code == 0, result.output
    assert "Base salary       58451.33" in result.output
    assert "2028-29" in result.output and "* assumed" in result.output


def test_bad_input_is_a_usage_error_not_a_traceback():
    for args, message in [
        (["--district", "nowhere", "--school-year", "2026-27", "--step", "1", "--lane", "BA"], "unknown district 'nowhere'"),
        (["--district", "dysart", "--school-year", "2026-27", "--step", "1", "--lane", "ZZ"], "unknown lane 'ZZ'"),
        (["--district", "dysart", "--school-year", "2019-20", "--step", "1", "--lane", "BA"], "no schedule for 2019-20"),
        (["--district", "dysart", "--school-year", "2026-27", "--step", "1", "--lane", "BA", "--fte", "2"], "--fte"),
    ]:
        result = CliRunner().invoke(estimate_command, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output
