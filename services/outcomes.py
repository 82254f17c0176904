"""A district's own history for judging its micro-credential policy: each teacher's placements (school year, pay band,
years of service) and the micro-credentials granted to them by school year, read in two queries."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from engine.budget.outcomes import History, outcomes
from engine.rules import DistrictRules
from models.teachers import CredentialKind, CredentialStatus, EarnedCredential, Placement, Teacher


def district_history(*, session: Session, district_id: str) -> list[History]:
    """Every teacher of a district with a placement, their placements and granted micro-credentials by year."""
    placements = session.execute(
        select(Teacher.id, Teacher.school, Teacher.hire_date, Placement.school_year, Placement.band,
               Placement.years_of_service, Placement.step)
        .join(Placement, Placement.teacher_id == Teacher.id).where(Teacher.district_id == district_id))
    found: dict[int, History] = {}
    for teacher_id, school, hired, school_year, band, years, step in placements:
        history = found.setdefault(teacher_id, History(teacher_id, school or "", {}))
        if years is None:   # as the teacher engine counts them: HR's years, else since the hire date, else the step
            years = max(0, int(school_year[:4]) - hired.year - ((7, 1) < (hired.month, hired.day))) if hired else step
        history.placements[school_year] = (band, years)
    granted = session.execute(
        select(EarnedCredential.teacher_id, EarnedCredential.school_year, func.sum(EarnedCredential.amount))
        .join(Teacher, Teacher.id == EarnedCredential.teacher_id)
        .where(Teacher.district_id == district_id, EarnedCredential.kind == CredentialKind.micro_credential,
               EarnedCredential.status == CredentialStatus.granted, EarnedCredential.school_year.is_not(None))
        .group_by(EarnedCredential.teacher_id, EarnedCredential.school_year))
    by_teacher: dict[int, dict[str, int]] = defaultdict(dict)
    for teacher_id, school_year, amount in granted:
        by_teacher[teacher_id][school_year] = int(Decimal(str(amount)))
    for teacher_id, counts in by_teacher.items():
        if teacher_id in found:
            found[teacher_id].granted = counts
    return [found[k] for k in sorted(found)]


def policy_outcomes(*, session: Session, rules: DistrictRules, program_cost: Decimal = Decimal(0)) -> dict:
    """The district's policy judged by its results (see engine.budget.outcomes)."""
    return outcomes(rules, district_history(session=session, district_id=rules.id), program_cost)
