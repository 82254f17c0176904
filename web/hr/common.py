"""What HR's and the teacher's request pages share: the clock, the rules, evidence responses, badge results."""

import json

from flask import abort, current_app, send_file

from engine.hr.assess import KIND_LABELS
from engine.hr.workflow import LABELS, State
from services import hr
from web.clock import now, today  # noqa: F401  (the app's one clock; HR's pages import it from here)
from web.estimating import districts


def evidence_root() -> str:
    """The folder evidence lives under: the instance folder unless LANEWISE_EVIDENCE_ROOT says otherwise (tests)."""
    return str(current_app.config.get("LANEWISE_EVIDENCE_ROOT") or current_app.instance_path)


def rules_for(district_id: str):
    """The district's rules, or 404."""
    rules = districts().get(district_id)
    if rules is None:
        abort(404, description=f"No rules for district {district_id!r}.")
    return rules


def status_label(status: str) -> str:
    try:
        return LABELS[State(status)]
    except ValueError:
        return status


# A reversal leaves a request "denied" in the workflow; a person reads that the approval was undone and pay recovered.
REVERSED = "Reversed (pay recovered)"
# Each move in a request's history, as a person says it.
ACTION_WORDS = {"create": "Drafted", "submit": "Submitted to HR", "pre_approve": "Pre-approved", "approve": "Approved",
                "deny": "Denied", "return": "Returned for evidence", "withdraw": "Withdrawn", "reverse": REVERSED,
                "review": "Approved by a reviewer (more needed)"}


def request_status(row) -> str:
    """Where a request stands in words: "Reversed (pay recovered)" for an approval undone, not "Denied"."""
    if row.status == State.denied and getattr(row, "recovered_amount", None) is not None:
        return REVERSED
    return status_label(row.status)


def move_label(entry) -> str:
    """One line of a request's history (an audit row or its action) in words."""
    action = getattr(entry, "action", entry)
    return ACTION_WORDS.get(action, str(action).replace("_", " ").capitalize())


def lane_name(rules, lane_id: str | None) -> str:
    """A lane's name from the district's rules ("Bachelor's" for Dysart's BA); the id if the rules have no such lane."""
    if not lane_id:
        return ""
    try:
        return rules.lane(lane_id).label if rules is not None else lane_id
    except KeyError:
        return lane_id


def role_name(rules, role_id: str | None) -> str:
    """A role's name from the district's rules ("Mentor Teacher" for mentor)."""
    if not role_id:
        return ""
    return next((role.name for role in (rules.roles if rules is not None else ()) if role.id == role_id), role_id)


def request_words(row, rules) -> str:
    """What a request asks for, in words: "Lane change to Bachelor's +15", "Growth step", "Role: Mentor Teacher"."""
    words = KIND_LABELS.get(row.kind, row.kind)
    if row.kind == "role" and row.role:
        return f"{words}: {role_name(rules, row.role)}"
    if row.target_lane:
        return f"{words} to {lane_name(rules, row.target_lane)}"
    return words


def state_label(state: str | None) -> str:
    """A workflow state in words ("" for none)."""
    return status_label(state) if state else ""


def verification_of(evidence) -> dict | None:
    """The stored Open Badge verification of an evidence file, or None for a plain document."""
    return json.loads(evidence.verification) if evidence.verification else None


def send_evidence(evidence):
    """An evidence file as a download: never rendered inline, never sniffed, sandboxed if opened."""
    path = hr.evidence_path(evidence, evidence_root())
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.original_name, max_age=0)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def template_words() -> dict:
    """The words HR's and the teacher's request pages show in place of ids and workflow states."""
    return {"request_status": request_status, "move_label": move_label, "state_label": state_label,
            "lane_name": lane_name, "role_name": role_name, "request_words": request_words,
            "status_label": status_label, "kinds": KIND_LABELS}
