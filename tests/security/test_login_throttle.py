"""Item 14: sign-in throttling holds under concurrency (exactly 5 tries) and its table is pruned.

Counting failures and then inserting one let 60 concurrent wrong passwords get 6 tries: two
requests saw 4 failures at once. Each try is now counted by one conditional UPDATE on the
pair's row before the password is checked, which holds across gunicorn workers.
"""

import threading
from datetime import timedelta

from sqlmodel import Session, select

from models import LoginAttempt
from models.types import utcnow
from services import accounts
from tests.conftest import PASSWORD

CONCURRENT = 60


def test_sixty_concurrent_wrong_passwords_get_exactly_five_tries(app, make_user, monkeypatch):
    user = make_user("hr")
    checked = []
    real_check = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda *args: checked.append(1) or real_check(*args))
    engine = app.extensions["lanewise_engine"]
    start = threading.Barrier(CONCURRENT)
    outcomes, lock = [], threading.Lock()

    def try_once():
        with Session(engine) as session:
            start.wait()
            try:
                result = accounts.authenticate(session=session, username=user.username, password="wrong",
                                               remote_addr="203.0.113.9")
                outcome = "refused" if result is None else "signed in"
            except accounts.LoginThrottled:
                outcome = "throttled"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=try_once) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 5 + ["throttled"] * (CONCURRENT - 5)
    assert len(checked) == 5  # the password was checked five times, no more


def test_idle_try_counts_are_pruned(session, make_user):
    user = make_user("hr")
    for address in ("198.51.100.1", "198.51.100.2"):
        assert accounts.authenticate(session=session, username=user.username, password="wrong", remote_addr=address) is None
    assert len(session.exec(select(LoginAttempt)).all()) == 2
    # Once a window has passed with no try, the next sign-in (anyone's) deletes the stale counts.
    later = utcnow() + accounts.FAILED_LOGIN_WINDOW + timedelta(seconds=1)
    assert accounts.authenticate(session=session, username=user.username, password=PASSWORD,
                                 remote_addr="198.51.100.3", now=later) is not None
    assert session.exec(select(LoginAttempt)).all() == []
