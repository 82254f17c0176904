"""The workflow in the database: filing, approval with retroactive pay, the version check, the audit log."""
import io
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from engine.hr.workflow import IllegalTransition
from engine.teacher.state import rate_on
from models import CredentialStatus
from models.hr import ChangeRequest, RequestAudit
from services import hr, ledger
from services.hr import decisions
from tests.conftest import POSTGRESQL_ONLY
from tests.hr.conftest import OCT_15, PDF, SEPT_15


def approve(session, rules, request, user, today=date(2026, 10, 15), now=OCT_15):
    session.refresh(request)
    return hr.transition(session=session, rules=rules, request_id=request.id, expected_version=request.version,
                         action="approve", actor=user, today=today, now=now)


def test_approval_moves_the_lane_from_the_effective_date_with_retroactive_pay(session, filing, make_user, cedar):
    user, teacher, request = filing()
    officer = make_user("hr")
    decision = approve(session, cedar, request, officer)
    request = decision.change_request
    assert request.status == "approved"
    assert (request.old_lane, request.new_lane, request.effective_date) == ("BA", "BA+15", date(2026, 7, 1))
    assert (request.old_annual, request.new_annual) == (Decimal("48900.00"), Decimal("51300.00"))
    # (51,300 - 48,900) x 106/365 days July 1 -> October 15: see retro_cases/full_year_retroactive.yaml
    assert request.retro_amount == Decimal("696.99")
    # The teacher's state, as every page reads it, moves from the effective date.
    record = ledger.teacher_record(session=session, rules=cedar, teacher=teacher)
    assert rate_on(cedar, record, date(2026, 10, 15)).position.lane == "BA+15"
    assert rate_on(cedar, record, date(2026, 10, 15)).total == Decimal("51300.00")
    credential = hr.request_credentials(session=session, request_id=request.id)[0]
    assert credential.status == CredentialStatus.granted
    log = hr.audit_log(session=session, request_id=request.id)
    assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in log] == [
        ("create", None, "draft", user.id), ("submit", "draft", "submitted", user.id),
        ("approve", "submitted", "approved", officer.id)]


def test_a_stale_version_is_refused(session, filing, make_user, cedar):
    _, _, request = filing()
    officer = make_user("hr")
    version = request.version
    approve(session, cedar, request, officer)
    with pytest.raises(hr.StaleRequest):
        hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=version,
                      action="deny", actor=officer, reason="late")


def test_teacher_cannot_approve_or_act_on_anothers_request(session, filing, make_user, cedar):
    owner, _, request = filing()
    with pytest.raises(IllegalTransition, match="only HR"):
        approve(session, cedar, request, owner)
    stranger, _, _ = filing(submit=False)
    with pytest.raises(hr.NotAllowed):
        hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=request.version,
                      action="withdraw", actor=stranger)
    session.refresh(request)
    assert request.status == "submitted"


def test_credit_is_used_once(session, filing, make_user, cedar):
    user, teacher, first = filing()
    officer = make_user("hr")
    approve(session, cedar, first, officer)
    credential_id = hr.request_credentials(session=session, request_id=first.id)[0].id
    _, _, second = filing(credential_ids=[credential_id], user=user, teacher=teacher)
    with pytest.raises(IllegalTransition, match="does not meet"):
        approve(session, cedar, second, officer)
    outcome = hr.assess_request(session=session, rules=cedar, change_request=second, today=date(2026, 10, 15))
    assert any("already used by an approved request" in why for _, why in outcome.refused)
    assert hr.request_credentials(session=session, request_id=first.id)[0].used_amount == Decimal(15)


def test_return_needs_a_reason_and_the_teacher_can_resubmit(session, filing, make_user, cedar, evidence_root):
    user, _, request = filing(evidence=False)
    officer = make_user("hr")
    with pytest.raises(IllegalTransition, match="reason is required"):
        hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=request.version,
                      action="return", actor=officer)
    hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=request.version,
                  action="return", actor=officer, reason="Please attach the transcript")
    session.refresh(request)
    assert (request.status, request.reason) == ("returned", "Please attach the transcript")
    hr.add_evidence(session=session, change_request=request, actor=user, filename="t.pdf", data=PDF,
                    instance_path=evidence_root, rules=None)
    hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=request.version,
                  action="submit", actor=user, now=OCT_15)
    session.refresh(request)
    # The window is judged by the first submission: still the retroactive October 1 window.
    assert request.first_submitted_at.date() == SEPT_15.date()
    decision = approve(session, cedar, request, officer)
    assert decision.change_request.effective_date == date(2026, 7, 1)


def test_reversal_recovers_the_overpayment_and_restores_the_lane(session, filing, make_user, cedar):
    _, teacher, request = filing()
    officer = make_user("hr")
    approve(session, cedar, request, officer)
    session.refresh(request)
    decision = hr.transition(session=session, rules=cedar, request_id=request.id, expected_version=request.version,
                             action="reverse", actor=officer, reason="Transcript never arrived",
                             today=date(2027, 1, 1))
    # -2,400.00 x 184/365 days July 1 -> January 1: see retro_cases/provisional_move_reversed.yaml
    assert decision.change_request.recovered_amount == Decimal("-1209.86")
    assert decision.change_request.status == "denied"
    record = ledger.teacher_record(session=session, rules=cedar, teacher=teacher)
    assert rate_on(cedar, record, date(2027, 1, 1)).position.lane == "BA"
    assert hr.request_credentials(session=session, request_id=request.id)[0].used_amount == 0


def test_the_audit_log_refuses_update_and_delete_in_the_database(session, filing):
    _, _, request = filing()
    for statement in (update(RequestAudit).values(reason="rewritten"), delete(RequestAudit)):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(statement)
            session.commit()
        session.rollback()
    assert len(hr.audit_log(session=session, request_id=request.id)) == 2


@pytest.mark.parametrize("name,data,why", [
    ("t.exe", b"MZ...", "accepted files"),
    ("t.pdf", b"<html>", "not PDF"),
    ("t.png", b"%PDF-1.4", "not PNG"),
    ("t.json", b"{not json", "not JSON"),
    ("t.pdf", b"", "empty"),
    ("t.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "limit is 10 MB"),
])
def test_evidence_limits(name, data, why):
    with pytest.raises(hr.EvidenceRefused, match=why):
        hr.check_evidence(name, data)


def test_evidence_is_stored_outside_the_web_root_under_a_random_name(session, filing, evidence_root):
    _, _, request = filing()
    [evidence] = hr.evidence_files(session=session, request_id=request.id)
    path = hr.evidence_path(evidence, evidence_root)
    assert path.read_bytes() == PDF
    assert path.parent == evidence_root / "evidence" and "transcript" not in path.name and len(path.name) == 40


def test_badge_evidence_is_verified_offline(session, filing, evidence_root, cedar):
    user, _, request = filing()
    record = hr.add_evidence(session=session, change_request=request, actor=user, filename="badge.json",
                             data=b'{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}',
                             instance_path=evidence_root, rules=cedar)
    import json

    result = json.loads(record.verification)
    assert result["readable"] and result["credentials"][0]["valid"] is False
    assert any(check["passed"] is False for check in result["credentials"][0]["checks"])


def test_queue_filters_sorts_and_pages(session, filing, make_user):
    made = [filing()[2] for _ in range(5)]
    first = hr.queue(session=session, page_size=2)
    assert first.total == 5 and len(first.rows) == 2
    seen = [r.id for r, _ in first.rows]
    cursor = first.next_cursor
    while cursor:
        page = hr.queue(session=session, page_size=2, cursor=cursor)
        seen += [r.id for r, _ in page.rows]
        cursor = page.next_cursor
    assert seen == sorted(r.id for r in made)
    newest = hr.queue(session=session, sort="newest", page_size=10)
    assert [r.id for r, _ in newest.rows] == sorted(seen, reverse=True)
    assert hr.queue(session=session, district="dysart").total == 0
    assert hr.queue(session=session, status="approved").total == 0
    assert hr.queue(session=session, older_than_days=30, now=datetime(2026, 10, 1, tzinfo=UTC)).total == 0
    assert hr.queue(session=session, older_than_days=10, now=datetime(2026, 10, 1, tzinfo=UTC)).total == 5


def test_bulk_approve_approves_only_requests_that_pass(session, filing, make_user, cedar):
    _, _, good = filing()
    _, _, short = filing(hours="9")
    officer = make_user("hr")
    result = hr.bulk_approve(session=session, rules_by_district={"cedar-valley": cedar},
                             request_ids=[good.id, short.id], versions={}, actor=officer, today=date(2026, 10, 15))
    assert result.approved == [good.id]
    assert result.skipped[0][0] == short.id and "BA+15 needs 15" in result.skipped[0][1]


def test_payroll_export_is_exact(session, filing, make_user, cedar):
    _, teacher, request = filing()
    approve(session, cedar, request, make_user("hr"))
    rows = hr.payroll_rows(session=session, start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert len(rows) == 1
    text_csv = hr.payroll_csv(rows)
    assert f"{teacher.employee_id},{teacher.name},cedar-valley,{request.id},lane_change,2026-10-15,2026-07-01,1,BA,1,BA+15" in text_csv
    assert text_csv.strip().endswith(",51300.00,696.99")
    sheet = load_workbook(io.BytesIO(hr.payroll_xlsx(rows))).active
    header = [c.value for c in sheet[1]]
    retro = sheet.cell(row=2, column=header.index("retroactive_amount") + 1)
    salary = sheet.cell(row=2, column=header.index("new_annual_salary") + 1)
    assert isinstance(retro.value, (int, float)) and f"{retro.value:.2f}" == "696.99" and retro.number_format == "0.00"
    assert f"{salary.value:.2f}" == "51300.00"
    assert hr.payroll_rows(session=session, start=date(2026, 11, 1), end=date(2026, 11, 30)) == []


@POSTGRESQL_ONLY
def test_two_hr_users_approving_at_once_exactly_one_wins(app, filing, make_user, cedar, monkeypatch):
    _, _, request = filing()
    officers = [make_user("hr"), make_user("hr")]
    engine = app.extensions["lanewise_engine"]
    barrier = threading.Barrier(2, timeout=20)
    real_apply = decisions.apply

    def apply_together(*args, **kwargs):
        barrier.wait()  # both have read version 1 before either writes
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(decisions, "apply", apply_together)  # where transition() calls it
    outcomes = {}

    def act(index, action, reason):
        with Session(engine, expire_on_commit=False) as own:
            own.execute(text("select 1"))
            try:
                hr.transition(session=own, rules=cedar, request_id=request.id, expected_version=request.version,
                              action=action, actor=officers[index], reason=reason, today=date(2026, 10, 15))
                outcomes[index] = "ok"
            except hr.StaleRequest as error:
                outcomes[index] = f"stale: {error}"

    threads = [threading.Thread(target=act, args=(0, "approve", None)),
               threading.Thread(target=act, args=(1, "deny", "Not enough credit"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(v.split(":")[0] for v in outcomes.values()) == ["ok", "stale"], outcomes
    with Session(engine) as check:
        row = check.get(ChangeRequest, request.id)
        assert row.version == request.version + 1
        moves = [e.action for e in hr.audit_log(session=check, request_id=request.id)]
        assert moves.count("approve") + moves.count("deny") == 1


def test_pre_approval_district_pre_approves_before_approving(session, filing, make_user, cedar):
    rules = cedar.model_copy(update={"counting": cedar.counting.model_copy(update={"requires_pre_approval": True})})
    _, _, request = filing()
    officer = make_user("hr")
    with pytest.raises(IllegalTransition, match="requires pre-approval"):
        approve(session, rules, request, officer)
    session.refresh(request)
    hr.transition(session=session, rules=rules, request_id=request.id, expected_version=request.version,
                  action="pre_approve", actor=officer, today=date(2026, 9, 20))
    decision = approve(session, rules, request, officer)
    assert decision.change_request.status == "approved"
    assert [e.to_status for e in hr.audit_log(session=session, request_id=request.id)][-2:] == ["pre_approved", "approved"]


def test_dysart_growth_step_from_fifteen_granted_micro_credentials(session, make_user, make_teacher, districts):
    from models import CredentialKind, EarnedCredentialCreate
    from services import teachers

    dysart = districts["dysart"]
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="dysart")
    ids = [teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
        teacher_id=teacher.id, kind=CredentialKind.micro_credential, title=f"Dysart U MC {n}", amount=Decimal(1),
        school_year="2026-27")).id for n in range(15)]
    request = hr.create_request(session=session, rules=dysart, teacher=teacher, actor=user, kind="growth_step",
                                today=date(2026, 11, 25), credential_ids=ids)
    hr.transition(session=session, rules=dysart, request_id=request.id, expected_version=1, action="submit",
                  actor=user, now=datetime(2026, 11, 25, tzinfo=UTC))
    # Dysart's growth steps go to a committee: the first HR approval is a review, the second approves.
    first_reviewer, second_reviewer = make_user("hr"), make_user("hr")
    review = approve(session, dysart, request, first_reviewer, today=date(2026, 12, 1),
                     now=datetime(2026, 12, 1, tzinfo=UTC))
    assert review.change_request.status == "submitted" and "approval 1 of 2" in review.notes[0]
    with pytest.raises(hr.NotAllowed, match="already approved"):
        approve(session, dysart, request, first_reviewer, today=date(2026, 12, 1), now=datetime(2026, 12, 1, tzinfo=UTC))
    decision = approve(session, dysart, request, second_reviewer, today=date(2026, 12, 2),
                       now=datetime(2026, 12, 2, tzinfo=UTC))
    row = decision.change_request
    # Filed by May 22, effective next July 1 (2027-28): nothing is owed yet.
    assert (row.status, row.new_growth_steps, row.effective_date, row.retro_amount) == (
        "approved", 1, date(2027, 7, 1), Decimal("0.00"))
    assert [e.action for e in hr.audit_log(session=session, request_id=request.id)][-2:] == ["review", "approve"]
    record = ledger.teacher_record(session=session, rules=dysart, teacher=teacher)
    assert rate_on(dysart, record, date(2027, 7, 1)).position.growth_steps == 1
    assert rate_on(dysart, record, date(2027, 6, 30)).position.growth_steps == 0


def test_signed_badge_from_a_trusted_issuer_verifies_and_maps_to_the_catalog(cedar):
    from decimal import Decimal as D

    from nacl.signing import SigningKey

    from credentials import CatalogEntry, TrustedIssuer
    from tests.credentials.test_issue import (
        ISSUER,
        credential,
        multikey,
        sign_jwt,
        vc2_jwt_payload,
    )

    key = SigningKey.generate()
    rules = cedar.model_copy(update={
        "trusted_issuers": [TrustedIssuer(id=ISSUER, name="Example District PD", keys=[multikey(key)])],
        "credential_catalog": [CatalogEntry(achievement_id="https://pd.example-district.org/achievements/reading-k3",
                                            credit_hours=D("1.5"), cpe_hours=D("15"))]})
    token = sign_jwt(vc2_jwt_payload(credential()), key).encode()
    hr.check_evidence("reading.jwt", token)
    result = hr.verify_badge(token, "reading.jwt", rules)
    [badge] = result["credentials"]
    assert badge["valid"] and badge["trusted"]
    assert {c["name"]: c["passed"] for c in badge["checks"]}["signature"] is True
    assert badge["catalog"]["credit_hours"] == "1.5"
    untrusted = hr.verify_badge(token, "reading.jwt", cedar)["credentials"][0]
    assert untrusted["trusted"] is False and untrusted["catalog"] is None


def test_approval_a_year_late_owes_each_school_year_apart(session, filing, make_user, cedar):
    _, _, request = filing()
    decision = approve(session, cedar, request, make_user("hr"), today=date(2027, 8, 1),
                       now=datetime(2027, 8, 1, tzinfo=UTC))
    lines = decision.retro.lines
    assert [line.school_year for line in lines] == ["2026-27", "2027-28"]
    # 2026-27 whole year at step 1: 51,300.00 - 48,900.00
    assert lines[0].amount == Decimal("2400.00")
    # 2027-28 (no schedule adopted yet: 3% COLA), step 2: 54,098.69 - 51,626.69 = 2,472.00,
    # for July 1 -> August 1, 2027: 2,472.00 x 31/366 = 76,632 / 366 = 209.377... -> 209.38
    assert lines[1].amount == Decimal("209.38") and "31/366 days" in lines[1].explanation
    assert decision.change_request.retro_amount == lines[0].amount + lines[1].amount
