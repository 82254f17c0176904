"""One signed credential is credited to one teacher, once, held by the database: eight uploads of the same badge
at the same moment leave one ledger item (issue 10, item 3)."""
import threading
from datetime import date

from nacl.signing import SigningKey
from sqlalchemy import text
from sqlmodel import Session, select

from models import EarnedCredential, Teacher, User
from services import hr
from tests.conftest import POSTGRESQL_ONLY
from tests.credentials.test_issue import credential, sign_jwt, vc2_jwt_payload
from tests.hr.test_badge_credit import _teacher_with_thirteen_hours, _trusting


@POSTGRESQL_ONLY
def test_eight_uploads_of_one_badge_at_once_give_one_ledger_item(app, session, make_user, make_teacher, cedar,
                                                                  evidence_root):
    key = SigningKey.generate()
    rules = _trusting(app, cedar, key)
    user, teacher = _teacher_with_thirteen_hours(session, make_user, make_teacher)
    requests = [hr.create_request(session=session, rules=rules, teacher=teacher, actor=user, kind="lane_change",
                                  today=date(2026, 9, 20)) for _ in range(8)]
    badge = sign_jwt(vc2_jwt_payload(credential(validFrom="2026-09-15T00:00:00Z")), key).encode()
    engine = app.extensions["lanewise_engine"]
    barrier = threading.Barrier(8, timeout=30)
    errors = []

    def upload(request_id: int):
        with Session(engine, expire_on_commit=False) as own:
            own.execute(text("select 1"))
            change_request = own.get(type(requests[0]), request_id)
            actor = own.get(User, user.id)
            barrier.wait()
            try:
                hr.add_evidence(session=own, change_request=change_request, actor=actor, filename="reading.jwt",
                                data=badge, instance_path=evidence_root, rules=rules, today=date(2026, 9, 20))
            except Exception as error:  # noqa: BLE001 (any failure is the test's finding)
                errors.append(repr(error))

    threads = [threading.Thread(target=upload, args=(r.id,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Session(engine) as check:
        rows = check.exec(select(EarnedCredential).where(EarnedCredential.credential_key.is_not(None))).all()
        assert len(rows) == 1 and rows[0].teacher_id == check.get(Teacher, teacher.id).id
        assert rows[0].status == "submitted"  # the rule file does not let a badge grant by itself
