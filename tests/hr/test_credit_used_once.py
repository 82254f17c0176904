"""Credit counts once: two requests resting on the same transcript can never both be approved."""
import threading
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from engine.hr.workflow import IllegalTransition
from models.hr import ChangeRequest, CredentialUse
from services import hr
from services.hr import decisions
from tests.conftest import POSTGRESQL_ONLY


def _twin_requests(session, filing):
    user, teacher, first = filing()
    [credit] = hr.request_credentials(session=session, request_id=first.id)
    _, _, second = filing(credential_ids=[credit.id], user=user, teacher=teacher)
    return credit, first, second


def test_the_second_request_on_used_credit_is_refused(session, filing, make_user, cedar):
    credit, first, second = _twin_requests(session, filing)
    officer = make_user("hr")
    hr.transition(session=session, rules=cedar, request_id=first.id, expected_version=first.version,
                  action="approve", actor=officer, today=date(2026, 10, 15))
    assert session.exec(select(CredentialUse.request_id).where(CredentialUse.credential_id == credit.id)).one() == first.id
    session.refresh(second)
    # The transcript already moved the teacher to BA+15; without it the second request earns nothing more.
    with pytest.raises(IllegalTransition, match="does not meet the district's rules"):
        hr.transition(session=session, rules=cedar, request_id=second.id, expected_version=second.version,
                      action="approve", actor=officer, today=date(2026, 10, 15))
    session.refresh(second)
    assert second.status == "submitted"
    facts = hr.request_facts(session=session, rules=cedar, change_request=second, today=date(2026, 10, 15))
    [used] = [c for c in facts.record.credits if c.id == credit.id]
    assert used.used == used.amount == 15


def test_reversing_an_approval_frees_its_credit(session, filing, make_user, cedar):
    credit, first, second = _twin_requests(session, filing)
    officer = make_user("hr")
    decision = hr.transition(session=session, rules=cedar, request_id=first.id, expected_version=first.version,
                             action="approve", actor=officer, today=date(2026, 10, 15))
    hr.transition(session=session, rules=cedar, request_id=first.id, expected_version=decision.change_request.version,
                  action="reverse", actor=officer, reason="Transcript withdrawn", today=date(2026, 10, 20))
    assert session.exec(select(CredentialUse).where(CredentialUse.credential_id == credit.id)).first() is None
    session.refresh(second)
    approved = hr.transition(session=session, rules=cedar, request_id=second.id, expected_version=second.version,
                             action="approve", actor=officer, today=date(2026, 10, 20))
    assert approved.change_request.status == "approved"


@POSTGRESQL_ONLY
def test_two_approvals_of_the_same_credit_at_once_one_wins(app, session, filing, make_user, cedar, monkeypatch):
    credit, first, second = _twin_requests(session, filing)
    officers = [make_user("hr"), make_user("hr")]
    engine = app.extensions["lanewise_engine"]
    barrier = threading.Barrier(2, timeout=20)
    real_apply = decisions.apply

    def apply_together(*args, **kwargs):
        barrier.wait()  # both have judged their request against the rules before either writes
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(decisions, "apply", apply_together)  # where transition() calls it
    outcomes = {}

    def approve(index, request):
        with Session(engine, expire_on_commit=False) as own:
            own.execute(text("select 1"))
            try:
                hr.transition(session=own, rules=cedar, request_id=request.id, expected_version=request.version,
                              action="approve", actor=officers[index], today=date(2026, 10, 15))
                outcomes[index] = "ok"
            except hr.StaleRequest as error:
                outcomes[index] = f"stale: {error}"

    threads = [threading.Thread(target=approve, args=(0, first)), threading.Thread(target=approve, args=(1, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(v.split(":")[0] for v in outcomes.values()) == ["ok", "stale"], outcomes
    with Session(engine) as check:
        statuses = sorted(check.get(ChangeRequest, r.id).status for r in (first, second))
        assert statuses == ["approved", "submitted"]
        assert len(check.exec(select(CredentialUse).where(CredentialUse.credential_id == credit.id)).all()) == 1
