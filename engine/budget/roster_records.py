"""A budget roster row from the record HR keeps of a teacher, so finance projects the teachers HR pays, as their own
timelines pay them: the placement at the start of the school year (through every change approved by then), the
years of service, growth steps, micro-credentials held and earned that year, the role held, and a lane change
approved part-way through the year with the share of the year it pays. Only what HR approved counts: nothing is
assumed filed. Pure: no Flask, no database."""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_DOWN, Decimal

from engine.budget.roster import RosterTeacher
from engine.money import CENT, ZERO
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.progress import pools
from engine.teacher.record import MICRO_CREDENTIAL, TeacherRecord
from engine.teacher.state import Walk, walk


def roster_teacher(rules: DistrictRules, record: TeacherRecord, year: SchoolYear, *, employee_id: str,
                   school: str = "") -> RosterTeacher:
    """The teacher as a roster of `year` holds them. Raises RuleInputError where their placement cannot be paid."""
    during = [c for c in record.changes if c.new_lane and year.start < c.effective < year.end]
    at_start = replace(record, changes=tuple(c for c in record.changes if c not in during))
    start = walk(rules, at_start, Walk(year, 1, assume_filing=False))[0]
    placed = start.placement
    held = [c for c in sorted(record.changes, key=lambda c: c.effective) if c.role and c.effective < year.end]
    change = during[-1] if during else None   # a roster holds one change a year: the last one approved
    return RosterTeacher(
        employee_id=employee_id, step=placed.step, lane=placed.lane, fte=placed.fte, school=school,
        hire_date=record.hire_date, degree=placed.degree, band=placed.band,
        micro_credentials=placed.micro_credentials_total, credit_hours=course_credit(rules, record, year),
        subjects=record.subjects, certifications=record.certifications, certified=record.certified,
        years_of_service=placed.service_years(), growth_steps=placed.growth_steps,
        role=held[-1].role if held else None, micro_credentials_this_year=start.micro_credentials_earned,
        new_lane=change.new_lane if change else None, new_lane_share=change.share_of_year if change else None)


def course_credit(rules: DistrictRules, record: TeacherRecord, year: SchoolYear) -> Decimal:
    """Course credit beyond the degree counted through a school year, in semester hours, used or not (the lane shows
    what was used): graduate credit, PD and CPE hours converted by the district's rules, micro-credentials apart."""
    items = [replace(c, used=ZERO) for c in record.credits
             if c.kind != MICRO_CREDENTIAL and c.school_year and c.school_year <= year.label]
    hours = pools(rules, items, year.start).hour_count if items else ZERO
    return min(hours, Decimal("999.99")).quantize(CENT, rounding=ROUND_DOWN)   # as a roster file holds it
