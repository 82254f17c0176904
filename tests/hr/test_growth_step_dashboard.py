"""A Dysart growth step HR approves shows on the teacher's pages from the year it takes effect."""
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from models import CredentialKind, CredentialStatus, EarnedCredentialCreate
from services import hr, teachers


def test_dashboard_pays_the_growth_step_from_next_july(app, session, client, make_user, make_teacher, login_as, districts):
    dysart = districts["dysart"]
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="dysart", step=5, lane="BA")
    user._teacher = teacher
    ids = [teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
        teacher_id=teacher.id, kind=CredentialKind.micro_credential, title=f"Dysart U MC {n}", amount=Decimal(1),
        school_year="2026-27")).id for n in range(15)]
    request = hr.create_request(session=session, rules=dysart, teacher=teacher, actor=user, kind="growth_step",
                                today=date(2026, 11, 25), credential_ids=ids)
    hr.transition(session=session, rules=dysart, request_id=request.id, expected_version=1, action="submit",
                  actor=user, now=datetime(2026, 11, 25, tzinfo=UTC))
    for reviewer in (make_user("hr"), make_user("hr")):  # Dysart's committee: two reviewers
        session.refresh(request)
        hr.transition(session=session, rules=dysart, request_id=request.id, expected_version=request.version,
                      action="approve", actor=reviewer, today=date(2026, 12, 1), now=datetime(2026, 12, 1, tzinfo=UTC))

    login_as("teacher", user=user)
    app.config["LANEWISE_TODAY"] = "2026-12-01"
    page = client.get("/teacher/").get_data(as_text=True)
    # Today the teacher is still paid 2026-27, step 5, no growth step: 58451.33. The timeline shows 2027-28,
    # step 6: 59620.36 x 1.02 (COLA, assumed) x (1 + 4% x 1) = 63245.28
    assert re.search(r'data-testid="pay-now">\$58,451.33<', page)
    assert re.search(r"2027-28.*?\$63,245.28", page, re.S)
    app.config["LANEWISE_TODAY"] = "2027-07-01"
    page = client.get("/teacher/").get_data(as_text=True)
    assert re.search(r'data-testid="pay-now">\$63,245.28<', page)
    assert re.search(r'data-testid="growth-steps">1<', page)
