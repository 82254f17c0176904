"""Lanewise's calculation engine: rule files in, pay out. Never imports Flask."""
from engine.errors import RuleInputError
from engine.pay.additions import Placement, addition_lines, role_check
from engine.pay.cells import cell_amount, schedule_table
from engine.rules import DistrictRules
from engine.rules.load import (
    RULES_DIR,
    json_schema,
    load_districts,
    parse_rules,
    schema_text,
)
from engine.rules.reader import RuleError, RuleFileError
from engine.school_year import SchoolYear
from engine.teacher.estimate import Estimate, EstimateInput, PlanYear, estimate
from engine.teacher.next import best_next_steps, next_moves, next_window

__all__ = [
    "EstimateInput", "Estimate", "PlanYear", "best_next_steps", "estimate", "next_moves", "next_window",
    "schedule_table", "RULES_DIR", "json_schema", "load_districts", "parse_rules", "schema_text", "RuleError",
    "RuleFileError", "DistrictRules", "Placement", "RuleInputError", "addition_lines", "cell_amount", "role_check",
    "SchoolYear",
]
