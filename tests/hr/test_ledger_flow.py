"""The ledger and a request, as found walking the journeys: credit filed with its evidence on the ledger is not asked
for again on a request, and every record line is dated by the app's clock (LANEWISE_TODAY), not the machine's."""
from datetime import date
from decimal import Decimal

from services import hr, ledger
from tests.hr.conftest import PDF

ON = date(2026, 9, 15)


def test_evidence_filed_on_the_ledger_counts_for_the_request(session, make_user, make_teacher, cedar, evidence_root):
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley")
    [credit], _ = hr.record_credit_with_evidence(
        session=session, rules=cedar, teacher=teacher, actor=user, today=ON, instance_path=evidence_root,
        filename="transcript.pdf", data=PDF, kind="graduate_credit", amount=Decimal(15), title="Reading courses",
        earned_on=date(2026, 6, 1))
    facts = hr.preview_facts(session=session, rules=cedar, teacher=teacher, kind="lane_change", today=ON,
                             credential_ids=[credit.id])
    assert facts.evidence_files == 1
    request = hr.create_request(session=session, rules=cedar, teacher=teacher, actor=user, kind="lane_change",
                                today=ON, credential_ids=[credit.id])
    outcome = hr.assess_request(session=session, rules=cedar, change_request=request, today=ON)
    assert not any("attach evidence" in m for m in outcome.missing)
    # 15 hours earned June 1, filed by October 1: BA+15 from July 1, 51,300.00 (step 1)
    assert outcome.passes and (outcome.new_lane, outcome.new_annual) == ("BA+15", Decimal("51300.00"))


def test_record_lines_are_dated_by_the_apps_clock(session, make_user, make_teacher, cedar, evidence_root):
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley")
    request = hr.create_request(session=session, rules=cedar, teacher=teacher, actor=user, kind="lane_change",
                                today=ON, new_credits=[hr.NewCredit("graduate_credit", Decimal(15), "Courses",
                                                                    date(2026, 6, 1))])
    evidence = hr.add_evidence(session=session, change_request=request, actor=user, filename="t.pdf", data=PDF,
                               instance_path=evidence_root, rules=cedar, today=ON)
    assert request.created_at.date() == ON
    assert [e.at.date() for e in hr.audit_log(session=session, request_id=request.id)] == [ON]
    assert evidence.uploaded_at.date() == ON
    assert {e.at.date() for e in ledger.credit_history(session=session, teacher_id=teacher.id)
            if e.action == "recorded" and e.amount == 15} == {ON}
