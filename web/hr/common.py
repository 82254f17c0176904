"""What HR's and the teacher's request pages share: the clock, the rules, evidence responses, badge results."""

import json

from flask import abort, current_app, send_file

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
