"""Lanewise's calculation engine: rule files in, pay out. Never imports Flask."""
from engine.estimate import (EstimateInput, Estimate, PlanYear, best_next_steps, estimate, next_moves, next_window,
                             schedule_table)
from engine.load import RULES_DIR, json_schema, load_districts, parse_rules, schema_text
from engine.loader import RuleError, RuleFileError
from engine.rules import DistrictRules
from engine.salary import Placement, RuleInputError, addition_lines, cell_amount, role_check
from engine.school_year import SchoolYear

__all__ = [
    "EstimateInput", "Estimate", "PlanYear", "best_next_steps", "estimate", "next_moves", "next_window",
    "schedule_table", "RULES_DIR", "json_schema", "load_districts", "parse_rules", "schema_text", "RuleError",
    "RuleFileError", "DistrictRules", "Placement", "RuleInputError", "addition_lines", "cell_amount", "role_check",
    "SchoolYear",
]
