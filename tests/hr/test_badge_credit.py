"""A verified micro-credential becomes credit by the district's catalog, and the teacher's estimate moves with it."""
import re
from datetime import date
from decimal import Decimal

from nacl.signing import SigningKey

from credentials import CatalogEntry, TrustedIssuer
from models import CredentialKind, CredentialStatus, EarnedCredentialCreate
from services import hr, teachers
from tests.credentials.test_issue import (
    EARNER,
    ISSUER,
    credential,
    multikey,
    sign_jwt,
    vc2_jwt_payload,
)

ACHIEVEMENT = "https://pd.example-district.org/achievements/reading-k3"


def _trusting(app, cedar, key):
    """Cedar Valley's rules, trusting a fresh issuer key whose reading badge is one micro-credential = one hour."""
    rules = cedar.model_copy(update={
        "trusted_issuers": [TrustedIssuer(id=ISSUER, name="Example District PD", keys=[multikey(key)])],
        "credential_catalog": [CatalogEntry(achievement_id=ACHIEVEMENT, micro_credentials=1, credit_hours=Decimal(1),
                                            cpe_hours=Decimal(15))]})
    loaded = app.extensions.setdefault("lanewise_rules", {})
    from web.estimating import districts

    with app.app_context():
        current = dict(districts())
    current["cedar-valley"] = rules
    loaded[app.config["DISTRICT_RULES"]] = current
    return rules


def _teacher_with_thirteen_hours(session, make_user, make_teacher, did=EARNER):
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley", step=5, lane="BA")
    teacher.did = did
    session.add(teacher)
    session.commit()
    user._teacher = teacher
    teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
        teacher_id=teacher.id, kind=CredentialKind.graduate_credit, title="Reading courses", amount=Decimal(13),
        school_year="2026-27"))
    return user, teacher


def test_a_verified_badge_informs_hr_and_the_approval_grants_it(app, session, client, make_user, make_teacher,
                                                                  login_as, cedar, evidence_root):
    key = SigningKey.generate()
    rules = _trusting(app, cedar, key)
    hr_user = make_user("hr")
    user, teacher = _teacher_with_thirteen_hours(session, make_user, make_teacher)
    app.config["LANEWISE_TODAY"] = "2026-09-20"
    login_as("teacher", user=user)
    # 13 course hours + the fixture's granted micro-credential (1 hour) = 14, one short of BA+15: BA, step 5
    assert "$53,790.00" in client.get("/teacher/").get_data(as_text=True)

    request = hr.create_request(session=session, rules=rules, teacher=teacher, actor=user, kind="lane_change",
                                today=date(2026, 9, 20))
    badge = sign_jwt(vc2_jwt_payload(credential(validFrom="2026-09-15T00:00:00Z")), key).encode()
    hr.add_evidence(session=session, change_request=request, actor=user, filename="reading.jwt", data=badge,
                    instance_path=evidence_root, rules=rules, today=date(2026, 9, 20))
    [recorded] = [c for c in hr.request_credentials(session=session, request_id=request.id) if c.achievement_id]
    # Verification informs HR: the badge is on the ledger as submitted, made out to this teacher's DID.
    assert (recorded.kind, recorded.amount, recorded.status) == ("micro_credential", Decimal("1.00"), "submitted")
    assert (recorded.school_year, recorded.earned_on) == ("2026-27", date(2026, 9, 15))
    assert "$53,790.00" in client.get("/teacher/").get_data(as_text=True)

    hr.transition(session=session, rules=rules, request_id=request.id, expected_version=request.version,
                  action="submit", actor=user, today=date(2026, 9, 20))
    session.refresh(request)
    decision = hr.transition(session=session, rules=rules, request_id=request.id, expected_version=request.version,
                             action="approve", actor=hr_user, today=date(2026, 9, 20))
    session.refresh(recorded)
    assert recorded.status == "granted" and recorded.decided_by == hr_user.id
    # Retroactive to July 1 (by October 1): 14 + 1 = 15 hours earn BA+15, step 5 = 56,190.00 for the whole year.
    assert (decision.change_request.new_lane, decision.change_request.new_annual) == ("BA+15", Decimal("56190.00"))
    page = client.get("/teacher/").get_data(as_text=True)
    assert "$56,190.00" in page, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[:3000]

    # The same badge again is not credited twice, to anyone.
    again = hr.create_request(session=session, rules=rules, teacher=teacher, actor=user, kind="lane_change",
                              today=date(2026, 9, 20))
    hr.add_evidence(session=session, change_request=again, actor=user, filename="reading.jwt", data=badge,
                    instance_path=evidence_root, rules=rules, today=date(2026, 9, 20))
    assert [c for c in hr.request_credentials(session=session, request_id=again.id) if c.achievement_id] == []


def test_a_badge_made_out_to_someone_else_is_never_granted_by_itself(app, session, make_user, make_teacher, cedar,
                                                                      evidence_root):
    key = SigningKey.generate()
    rules = _trusting(app, cedar, key).model_copy(update={
        "review": cedar.review.model_copy(update={"verified_badges_grant": True})})
    _, mine = _teacher_with_thirteen_hours(session, make_user, make_teacher)
    other_user, other = _teacher_with_thirteen_hours(session, make_user, make_teacher, did="did:example:someone-else")
    badge = sign_jwt(vc2_jwt_payload(credential(validFrom="2026-09-15T00:00:00Z")), key).encode()
    request = hr.create_request(session=session, rules=rules, teacher=other, actor=other_user, kind="lane_change",
                                today=date(2026, 9, 20))
    evidence = hr.add_evidence(session=session, change_request=request, actor=other_user, filename="reading.jwt",
                               data=badge, instance_path=evidence_root, rules=rules, today=date(2026, 9, 20))
    [recorded] = [c for c in hr.request_credentials(session=session, request_id=request.id) if c.achievement_id]
    assert recorded.status == "submitted"
    assert "not shown to be made out to this teacher" in evidence.verification
    # The rightful earner, whose DID it names, cannot be credited with it a second time.
    mine_request = hr.create_request(session=session, rules=rules, teacher=mine, actor=other_user, kind="lane_change",
                                     today=date(2026, 9, 20))
    hr.add_evidence(session=session, change_request=mine_request, actor=other_user, filename="reading.jwt", data=badge,
                    instance_path=evidence_root, rules=rules, today=date(2026, 9, 20))
    assert [c for c in hr.request_credentials(session=session, request_id=mine_request.id) if c.achievement_id] == []


def test_where_the_rules_say_so_a_verified_badge_to_the_teacher_is_granted(app, session, make_user, make_teacher,
                                                                            cedar, evidence_root):
    key = SigningKey.generate()
    rules = _trusting(app, cedar, key).model_copy(update={
        "review": cedar.review.model_copy(update={"verified_badges_grant": True})})
    user, teacher = _teacher_with_thirteen_hours(session, make_user, make_teacher)
    badge = sign_jwt(vc2_jwt_payload(credential(validFrom="2026-09-15T00:00:00Z")), key).encode()
    request = hr.create_request(session=session, rules=rules, teacher=teacher, actor=user, kind="lane_change",
                                today=date(2026, 9, 20))
    hr.add_evidence(session=session, change_request=request, actor=user, filename="reading.jwt", data=badge,
                    instance_path=evidence_root, rules=rules, today=date(2026, 9, 20))
    [recorded] = [c for c in hr.request_credentials(session=session, request_id=request.id) if c.achievement_id]
    assert recorded.status == "granted"


def test_an_untrusted_badge_adds_no_credit(app, session, make_user, make_teacher, cedar, evidence_root):
    key = SigningKey.generate()
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley", step=5, lane="BA")
    request = hr.create_request(session=session, rules=cedar, teacher=teacher, actor=user, kind="lane_change",
                                today=date(2026, 9, 20))
    badge = sign_jwt(vc2_jwt_payload(credential(validFrom="2026-09-15T00:00:00Z")), key).encode()
    evidence = hr.add_evidence(session=session, change_request=request, actor=user, filename="reading.jwt", data=badge,
                               instance_path=evidence_root, rules=cedar, today=date(2026, 9, 20))
    assert evidence.verification and '"trusted": false' in evidence.verification
    assert [c for c in hr.request_credentials(session=session, request_id=request.id) if c.achievement_id] == []
