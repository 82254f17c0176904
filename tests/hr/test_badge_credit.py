"""A verified micro-credential becomes credit by the district's catalog, and the teacher's estimate moves with it."""
from datetime import date
from decimal import Decimal

from nacl.signing import SigningKey

from credentials import CatalogEntry, TrustedIssuer
from models import CredentialKind, CredentialStatus, EarnedCredentialCreate
from services import hr, teachers
from tests.credentials.test_issue import (
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


def test_verified_badge_adds_the_hour_that_reaches_the_next_lane(app, session, client, make_user, make_teacher, login_as,
                                                                   cedar, evidence_root):
    key = SigningKey.generate()
    rules = _trusting(app, cedar, key)
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley", step=5, lane="BA")
    user._teacher = teacher
    teachers.add_credential(session=session, status=CredentialStatus.granted, credential=EarnedCredentialCreate(
        teacher_id=teacher.id, kind=CredentialKind.graduate_credit, title="Reading courses", amount=Decimal(13),
        school_year="2026-27"))
    login_as("teacher", user=user)
    before = client.get("/teacher/").get_data(as_text=True)
    # 13 course hours + the fixture's granted micro-credential (1 hour) = 14, one short of BA+15: BA, step 5
    assert "$53,790.00" in before

    request = hr.create_request(session=session, teacher=teacher, actor=user, kind="lane_change", credential_ids=[])
    badge = sign_jwt(vc2_jwt_payload(credential(validFrom="2026-09-15T00:00:00Z")), key).encode()
    hr.add_evidence(session=session, change_request=request, actor=user, filename="reading.jwt", data=badge,
                    instance_path=evidence_root, rules=rules)
    [recorded] = [c for c in hr.request_credentials(session=session, request_id=request.id)]
    assert (recorded.kind, recorded.amount, recorded.status) == ("micro_credential", Decimal("1.00"), "granted")
    assert (recorded.achievement_id, recorded.school_year, recorded.earned_on) == (ACHIEVEMENT, "2026-27", date(2026, 9, 15))

    after = client.get("/teacher/").get_data(as_text=True)
    # 14 hours + the badge's micro-credential hour = 15: BA+15, step 5 = 56190.00
    assert "$56,190.00" in after

    # The same badge again is not counted twice.
    hr.add_evidence(session=session, change_request=request, actor=user, filename="reading.jwt", data=badge,
                    instance_path=evidence_root, rules=rules)
    assert len(hr.request_credentials(session=session, request_id=request.id)) == 1


def test_an_untrusted_badge_adds_no_credit(app, session, make_user, make_teacher, cedar, evidence_root):
    key = SigningKey.generate()
    user = make_user("teacher")
    teacher = make_teacher(user=user, district_id="cedar-valley", step=5, lane="BA")
    request = hr.create_request(session=session, teacher=teacher, actor=user, kind="lane_change", credential_ids=[])
    badge = sign_jwt(vc2_jwt_payload(credential(validFrom="2026-09-15T00:00:00Z")), key).encode()
    evidence = hr.add_evidence(session=session, change_request=request, actor=user, filename="reading.jwt", data=badge,
                               instance_path=evidence_root, rules=cedar)
    assert evidence.verification and '"trusted": false' in evidence.verification
    assert hr.request_credentials(session=session, request_id=request.id) == []
