"""The lane-change request workflow as a state machine: states, the legal moves, and one function that applies them.

Written once and used by the service, the pages and the tests. It knows no database:
`apply` takes where a request stands and what someone asks for, and gives the
audit record of the move or refuses it with a clear error.

    draft --submit--> submitted --approve--> approved --reverse--> denied
                          |  \\--pre_approve--> pre_approved --approve--> approved
                          |--deny--> denied        (pre_approved may be denied or returned too)
                          |--return--> returned --submit--> submitted
    draft, submitted, pre_approved, returned --withdraw--> withdrawn

Where the district requires pre-approval (`counting.requires_pre_approval`), a
submitted request must be pre-approved before it is approved; elsewhere
pre-approval does not exist. Denials, returns and reversals need a reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class State(StrEnum):
    """Where a request stands."""

    draft = "draft"
    submitted = "submitted"
    pre_approved = "pre_approved"
    approved = "approved"
    denied = "denied"
    returned = "returned"
    withdrawn = "withdrawn"


class Action(StrEnum):
    """What someone asks to do with a request."""

    submit = "submit"
    pre_approve = "pre_approve"
    approve = "approve"
    deny = "deny"
    return_ = "return"
    withdraw = "withdraw"
    reverse = "reverse"


# Who may ask for each action: the teacher who owns the request, or HR.
ACTOR = {
    Action.submit: "teacher",
    Action.withdraw: "teacher",
    Action.pre_approve: "hr",
    Action.approve: "hr",
    Action.deny: "hr",
    Action.return_: "hr",
    Action.reverse: "hr",
}

NEEDS_REASON = frozenset({Action.deny, Action.return_, Action.reverse})

FINAL = frozenset({State.denied, State.withdrawn})

LABELS = {
    State.draft: "Draft",
    State.submitted: "Submitted",
    State.pre_approved: "Pre-approved",
    State.approved: "Approved",
    State.denied: "Denied",
    State.returned: "Returned for evidence",
    State.withdrawn: "Withdrawn",
}


class IllegalTransition(ValueError):
    """A move the workflow does not allow, with why."""


@dataclass(frozen=True)
class Transition:
    """One move of a request: the audit log's record of who, when, from, to and why."""

    action: Action
    from_state: State
    to_state: State
    actor_id: int | None
    actor_role: str
    at: datetime
    reason: str | None


def _targets(state: State, requires_pre_approval: bool) -> dict[Action, State]:
    """The legal moves out of a state, by action."""
    moves: dict[Action, State] = {}
    if state in (State.draft, State.returned):
        moves[Action.submit] = State.submitted
    if state in (State.draft, State.submitted, State.pre_approved, State.returned):
        moves[Action.withdraw] = State.withdrawn
    if state == State.submitted:
        if requires_pre_approval:
            moves[Action.pre_approve] = State.pre_approved
        else:
            moves[Action.approve] = State.approved
        moves[Action.deny] = State.denied
        moves[Action.return_] = State.returned
    if state == State.pre_approved:
        moves[Action.approve] = State.approved
        moves[Action.deny] = State.denied
        moves[Action.return_] = State.returned
    if state == State.approved:
        # A provisional move reversed (e.g. the transcript never came): pay is recovered.
        moves[Action.reverse] = State.denied
    return moves


def allowed_actions(state: State | str, *, requires_pre_approval: bool, actor_role: str | None = None) -> list[Action]:
    """The actions that may be taken from a state, optionally only those open to one role."""
    moves = _targets(State(state), requires_pre_approval)
    return [action for action in moves if actor_role is None or ACTOR[action] == actor_role]


def apply(state: State | str, action: Action | str, *, actor_role: str, actor_id: int | None, at: datetime,
          reason: str | None = None, requires_pre_approval: bool = False) -> Transition:
    """The transition for `action` from `state`, or IllegalTransition saying why it is refused."""
    try:
        state = State(state)
    except ValueError:
        raise IllegalTransition(f"unknown state {state!r}") from None
    try:
        action = Action(action)
    except ValueError:
        raise IllegalTransition(f"unknown action {action!r}") from None
    if ACTOR[action] != actor_role:
        who = "the teacher who filed it" if ACTOR[action] == "teacher" else "HR"
        raise IllegalTransition(f"only {who} may {action.value} a request")
    moves = _targets(state, requires_pre_approval)
    if action not in moves:
        if action == Action.approve and state == State.submitted and requires_pre_approval:
            raise IllegalTransition("this district requires pre-approval before approval")
        if action == Action.pre_approve and not requires_pre_approval:
            raise IllegalTransition("this district does not use pre-approval")
        allowed = ", ".join(a.value for a in moves) or "nothing: the request is closed"
        raise IllegalTransition(f"a {LABELS[state].lower()} request cannot be {_past(action)} (allowed: {allowed})")
    reason = (reason or "").strip() or None
    if action in NEEDS_REASON and reason is None:
        raise IllegalTransition(f"a reason is required to {action.value} a request")
    return Transition(action, state, moves[action], actor_id, actor_role, at, reason)


def _past(action: Action) -> str:
    return {Action.submit: "submitted", Action.pre_approve: "pre-approved", Action.approve: "approved",
            Action.deny: "denied", Action.return_: "returned", Action.withdraw: "withdrawn",
            Action.reverse: "reversed"}[action]
