"""Found walking the Dysart journey: credit earned after a request's window closed must not count toward it when HR
approves late (it would pay back to the window's effective date). Dysart, filed 2027-04-15 with 10 micro-credentials
(window: by 2027-05-22, effective 2027-07-01); 5 more earned 2027-09-01 and granted; approved 2027-10-01: only the 10
earned by the deadline count, short of a phase of 15, so the approval is refused and nothing is paid back.
"""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.hr.workflow import IllegalTransition
from models import CredentialKind, CredentialStatus, EarnedCredentialCreate, PlacementCreate, TeacherCreate
from services import hr, teachers
from tests.conftest import BACKENDS

@pytest.mark.parametrize("database_url", [BACKENDS[0]], indirect=True)
def test_credit_earned_after_the_deadline_does_not_count_toward_that_window(session, make_user, districts):
    dysart = districts["dysart"]
    user, reviewer = make_user("teacher"), make_user("hr")
    teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
        district_id="dysart", employee_id="D-9", name="Late Credit", hire_date=date(2020, 7, 1), user_id=user.id))
    teachers.set_placement(session=session, placement=PlacementCreate(
        teacher_id=teacher.id, school_year="2026-27", step=6, lane="BA", fte=Decimal(1)))

    def granted(amount: int, earned: date, school_year: str) -> int:
        return teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
            teacher_id=teacher.id, kind=CredentialKind.micro_credential, title=f"{amount} earned {earned}",
            amount=Decimal(amount), earned_on=earned, school_year=school_year)).id

    on_time = granted(10, date(2027, 3, 1), "2026-27")
    request = hr.create_request(session=session, rules=dysart, teacher=teacher, actor=user, kind="growth_step",
                                today=date(2027, 4, 15), credential_ids=[on_time])
    hr.transition(session=session, rules=dysart, request_id=request.id, expected_version=1, action="submit",
                  actor=user, now=datetime(2027, 4, 15, 12, tzinfo=UTC))
    granted(5, date(2027, 9, 1), "2027-28")  # after the 2027-05-22 deadline and the 2027-07-01 effective date

    session.refresh(request)
    with pytest.raises(IllegalTransition, match="granted micro-credential"):
        hr.transition(session=session, rules=dysart, request_id=request.id, expected_version=request.version,
                      action="approve", actor=reviewer, now=datetime(2027, 10, 1, 12, tzinfo=UTC))
