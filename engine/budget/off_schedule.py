"""Who is paid off the schedule: a roster's actual salaries against the schedule's pay for the same placement.
Pure: no Flask, no database."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.errors import RuleInputError
from engine.pay.cells import cell_amount, lines_round
from engine.rules import DistrictRules
from engine.school_year import SchoolYear


@dataclass(frozen=True)
class OffSchedule:
    """One teacher whose actual base salary is not what the schedule pays their placement."""

    employee_id: str
    step: int
    lane: str
    fte: Decimal
    growth_steps: int
    schedule: Decimal        # the cell x FTE, rounded as a pay line
    actual: Decimal
    difference: Decimal      # actual - schedule: above the schedule when positive


def held_growth_steps(rules: DistrictRules, micro_credentials: int, credit_hours: Decimal, given: int | None) -> int:
    """Growth steps a roster teacher holds: HR's count where given, else what their micro-credentials and credit make."""
    if given is not None:
        return given
    rule = rules.micro_credentials
    steps = 0
    if rule.counts_toward == "growth_steps" and rule.per_growth_step:
        steps = micro_credentials // rule.per_growth_step
        if rule.max_growth_steps is not None:
            steps = min(steps, rule.max_growth_steps)
    per_step = rules.counting.credit_hours_per_growth_step
    return steps + (int(credit_hours) // per_step if per_step else 0)


def off_schedule(rules: DistrictRules, year: SchoolYear, teachers) -> list[OffSchedule]:
    """Every teacher with an actual salary that differs from the schedule's (largest difference first).

    `teachers` are RosterTeacher-like objects with `actual_salary`; the schedule amount of each distinct
    placement is worked out once."""
    found: list[OffSchedule] = []
    paid: dict[tuple, Decimal | None] = {}
    for t in teachers:
        if t.actual_salary is None:
            continue
        growth = held_growth_steps(rules, t.micro_credentials, t.credit_hours, t.growth_steps)
        key = (t.step, t.lane, growth, t.fte)
        if key not in paid:
            try:
                paid[key] = lines_round(rules, cell_amount(rules, year, t.step, t.lane, growth).amount * t.fte)
            except RuleInputError:
                paid[key] = None
        schedule = paid[key]
        if schedule is not None and schedule != t.actual_salary:
            found.append(OffSchedule(t.employee_id, t.step, t.lane, t.fte, growth, schedule, t.actual_salary,
                                     t.actual_salary - schedule))
    return sorted(found, key=lambda o: (-abs(o.difference), o.employee_id))
