"""The request state machine as plain functions: every legal move, every illegal one refused."""
from datetime import UTC, datetime
from itertools import product

import pytest

from engine.hr.workflow import (
    ACTOR,
    Action,
    IllegalTransition,
    State,
    allowed_actions,
    apply,
)

NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)

# The whole table of legal moves: (state, action, pre-approval required) -> new state.
LEGAL = {
    (State.draft, Action.submit, False): State.submitted,
    (State.draft, Action.withdraw, False): State.withdrawn,
    (State.returned, Action.submit, False): State.submitted,
    (State.returned, Action.withdraw, False): State.withdrawn,
    (State.submitted, Action.approve, False): State.approved,
    (State.submitted, Action.deny, False): State.denied,
    (State.submitted, Action.return_, False): State.returned,
    (State.submitted, Action.withdraw, False): State.withdrawn,
    (State.approved, Action.reverse, False): State.denied,
    # A request pre-approved before the district dropped pre-approval can still be decided.
    (State.pre_approved, Action.approve, False): State.approved,
    (State.pre_approved, Action.deny, False): State.denied,
    (State.pre_approved, Action.return_, False): State.returned,
    (State.pre_approved, Action.withdraw, False): State.withdrawn,
    (State.draft, Action.submit, True): State.submitted,
    (State.draft, Action.withdraw, True): State.withdrawn,
    (State.returned, Action.submit, True): State.submitted,
    (State.returned, Action.withdraw, True): State.withdrawn,
    (State.submitted, Action.pre_approve, True): State.pre_approved,
    (State.submitted, Action.deny, True): State.denied,
    (State.submitted, Action.return_, True): State.returned,
    (State.submitted, Action.withdraw, True): State.withdrawn,
    (State.pre_approved, Action.approve, True): State.approved,
    (State.pre_approved, Action.deny, True): State.denied,
    (State.pre_approved, Action.return_, True): State.returned,
    (State.pre_approved, Action.withdraw, True): State.withdrawn,
    (State.approved, Action.reverse, True): State.denied,
}
ALL = list(product(State, Action, (False, True)))


@pytest.mark.parametrize("state,action,pre", [k for k in ALL if k in LEGAL],
                         ids=lambda v: getattr(v, "value", str(v)))
def test_legal_move_records_who_when_from_and_why(state, action, pre):
    move = apply(state, action, actor_role=ACTOR[action], actor_id=7, at=NOW, reason="needs the transcript",
                 requires_pre_approval=pre)
    assert move.to_state == LEGAL[(state, action, pre)]
    assert (move.from_state, move.actor_id, move.actor_role, move.at, move.reason) == (
        state, 7, ACTOR[action], NOW, "needs the transcript")


@pytest.mark.parametrize("state,action,pre", [k for k in ALL if k not in LEGAL],
                         ids=lambda v: getattr(v, "value", str(v)))
def test_every_illegal_move_is_refused(state, action, pre):
    with pytest.raises(IllegalTransition):
        apply(state, action, actor_role=ACTOR[action], actor_id=1, at=NOW, reason="why", requires_pre_approval=pre)


@pytest.mark.parametrize("state,action,pre", [k for k in ALL if k in LEGAL], ids=lambda v: getattr(v, "value", str(v)))
def test_the_wrong_role_is_refused_even_for_a_legal_move(state, action, pre):
    other = "hr" if ACTOR[action] == "teacher" else "teacher"
    with pytest.raises(IllegalTransition, match="only"):
        apply(state, action, actor_role=other, actor_id=1, at=NOW, reason="why", requires_pre_approval=pre)


@pytest.mark.parametrize("action,state", [(Action.deny, State.submitted), (Action.return_, State.submitted),
                                          (Action.reverse, State.approved)])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_denial_return_and_reversal_need_a_reason(action, state, reason):
    with pytest.raises(IllegalTransition, match="reason is required"):
        apply(state, action, actor_role="hr", actor_id=1, at=NOW, reason=reason)


def test_pre_approval_district_cannot_skip_to_approved():
    with pytest.raises(IllegalTransition, match="requires pre-approval"):
        apply(State.submitted, Action.approve, actor_role="hr", actor_id=1, at=NOW, requires_pre_approval=True)


def test_closed_requests_allow_nothing():
    for state in (State.denied, State.withdrawn):
        assert allowed_actions(state, requires_pre_approval=False) == []
        with pytest.raises(IllegalTransition, match="closed"):
            apply(state, Action.submit, actor_role="teacher", actor_id=1, at=NOW)


def test_allowed_actions_by_role():
    assert allowed_actions("submitted", requires_pre_approval=False, actor_role="hr") == [
        Action.approve, Action.deny, Action.return_]
    assert allowed_actions("submitted", requires_pre_approval=False, actor_role="teacher") == [Action.withdraw]


def test_unknown_state_or_action_is_refused():
    with pytest.raises(IllegalTransition, match="unknown state"):
        apply("archived", "submit", actor_role="teacher", actor_id=1, at=NOW)
    with pytest.raises(IllegalTransition, match="unknown action"):
        apply("draft", "publish", actor_role="teacher", actor_id=1, at=NOW)
