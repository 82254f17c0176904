"""The teacher's side of the workflow: file a request, see what the rules would give, add evidence, follow it."""

import secrets
import time
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engine.hr.assess import assess
from engine.pay.windows import open_windows
from engine.hr.workflow import IllegalTransition, State, allowed_actions
from models import EarnedCredential
from models.hr import ChangeRequest, EvidenceFile
from services import accounts, hr, teachers
from web.access import role_required
from web.extensions import db
from web.hr import requests_bp as bp
from web.hr.common import (
    evidence_root,
    now,
    rules_for,
    send_evidence,
    template_words,
    today,
    verification_of,
)
from web.hr.forms import CreditForm, EvidenceForm, RequestForm
from web.estimating import districts
from web.labels import label, school_year_names
from web.templating import long_date, quantity

EVIDENCE_LIMIT = hr.MAX_EVIDENCE_BYTES + 64 * 1024  # the file plus the form around it


@bp.url_value_preprocessor
def _allow_evidence_uploads(endpoint, values):
    # The app caps request bodies at 2 MB; evidence files may be 10 MB. A URL value preprocessor runs before
    # every before_request hook, so before CSRF protection reads the form (a before_request hook ran too late).
    if request.method == "POST":
        request.max_content_length = EVIDENCE_LIMIT


def _me():
    teacher = teachers.teacher_for_user(session=db.session, user_id=current_user.id)
    if teacher is None:
        abort(404, description="Your account is not linked to a teacher on the roster; ask HR.")
    return teacher


def _mine(request_id: int) -> ChangeRequest:
    """The signed-in teacher's request, or 404 (another teacher's request is not revealed)."""
    row = db.session.get(ChangeRequest, request_id)
    if row is None or row.teacher_id != _me().id:
        abort(404)
    return row


@bp.context_processor
def _words():
    return template_words()


@bp.route("/")
@role_required("teacher")
def index():
    """The teacher's requests, with their status and the reason for each decision."""
    teacher = _me()
    rows = hr.requests_of_teacher(session=db.session, teacher_id=teacher.id)
    return render_template("requests/index.html", rows=rows, rules=districts().get(teacher.district_id))


def _form_choices(form: RequestForm, teacher, rules):
    placement = hr.current_placement(session=db.session, teacher_id=teacher.id)
    window_said = _kind_choices(form, rules)
    own = [c for c in teachers.credentials(session=db.session, teacher_id=teacher.id) if c.used_amount < c.amount
           and c.status != "denied"]
    form.credentials.choices = [SelectChoice(c.id, f"{c.title or label(c.kind)} — {quantity(c.amount - c.used_amount)} "
                                                   f"{label(c.kind).lower()} ({c.status}"
                                                   f"{', earned ' + long_date(c.earned_on) if c.earned_on else ''})")
                                for c in own]
    if not form.is_submitted():
        # What the request rests on, unless the teacher says otherwise: the credit still awaiting HR's decision.
        form.credentials.data = [c.id for c in hr.open_credit(session=db.session, teacher_id=teacher.id)]
    return placement, window_said


def _kind_choices(form: RequestForm, rules) -> str:
    """Set the choices that follow the kind of request: lanes by name, roles by name, and each open window with
    the date it makes a change effective and the school year that is; give what the chosen window means."""
    names = school_year_names(rules, today())
    form.target_lane.choices = [SelectChoice("", "The lane my credit earns")] + [
        SelectChoice(lane.id, lane.label) for lane in rules.lanes]
    form.role.choices = [SelectChoice("", "Choose a role")] + [SelectChoice(r.id, r.name) for r in rules.roles]

    def year(w) -> str:
        return w.school_year.label + (f", {names[w.school_year.label]}" if w.school_year.label in names else "")

    windows = open_windows(rules, today())
    form.window.choices = [SelectChoice("", "The next deadline")] + [
        SelectChoice(w.window.id, f"{w.window.name}: file by {long_date(w.deadline)}, effective {long_date(w.effective)} "
                                  f"({year(w)})") for w in windows]
    chosen = next((w for w in windows if w.window.id == form.window.data), windows[0] if windows else None)
    if chosen is None:
        return f"{rules.district.name} has no submission window open now."
    share = "" if chosen.window.share_of_year == 1 else f", paying the new rate for {chosen.window.share_of_year} of the year"
    return (f"{'The next deadline' if not form.window.data else chosen.window.name}: file by {long_date(chosen.deadline)}; "
            f"a change takes effect {long_date(chosen.effective)} ({year(chosen)}){share}.")


def _fields_for_kind(form: RequestForm) -> tuple[str | None, str | None]:
    """The target lane and role the chosen kind reads (a lane change has no role, a role request no lane)."""
    kind = form.kind.data
    return (form.target_lane.data or None) if kind == "lane_change" else None, \
        (form.role.data or None) if kind == "role" else None


def _place_refusal(form: RequestForm, message: str) -> None:
    """Put a refusal from saving at the field it is about."""
    text = message.lower()
    if "ledger" in text:
        form.credentials.errors = [f"Choose among your own credentials: {message}."]
    elif "date earned" in text:
        form.credit_earned_on.errors = [message]
    elif "amount" in text or "whole" in text:
        form.credit_amount.errors = [message]
    else:
        form.form_errors.append(f"Not saved: {message}.")


def _new_credits(form) -> list[hr.NewCredit]:
    if form.credit_kind.data and form.credit_amount.data:
        return [hr.NewCredit(form.credit_kind.data, Decimal(form.credit_amount.data), form.credit_title.data or "",
                             form.credit_earned_on.data)]
    return []


def _read_upload(field) -> tuple[str, bytes] | None:
    upload = field.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    try:
        return upload.filename, upload.read()
    finally:
        upload.close()  # files over 500 KB are spooled to a temporary file


@bp.route("/new", methods=["GET", "POST"])
@role_required("teacher")
def new():
    """File a request: see what the rules would give and from which date before saving it."""
    teacher = _me()
    rules = rules_for(teacher.district_id)
    form = RequestForm()
    placement, window_said = _form_choices(form, teacher, rules)
    year_names = school_year_names(rules, today())
    if placement is None:
        return render_template("requests/new.html", form=form, placement=None, outcome=None)
    outcome = fresh = None
    target_lane, role = _fields_for_kind(form)
    valid = form.validate_on_submit()  # before the role check: validating resets every field's errors
    if form.kind.data == "role" and form.is_submitted() and not role:
        form.role.errors = ["Choose the role you ask for."]
        valid = False
    if valid:
        fresh = _read_upload(form.evidence)
        if fresh:
            try:
                hr.check_evidence(*fresh)
            except hr.EvidenceRefused as error:
                form.evidence.errors = [str(error)]
                fresh = None
        upload = fresh or _kept_upload(form)
        facts = hr.preview_facts(session=db.session, rules=rules, teacher=teacher, kind=form.kind.data, today=today(),
                                 target_lane=target_lane, role=role, window_id=form.window.data,
                                 credential_ids=form.credentials.data or [], new_credits=_new_credits(form),
                                 evidence_files=1 if upload else 0)
        outcome = assess(rules, facts)
        if request.form.get("do") == "save" and not form.evidence.errors:
            try:
                row = hr.create_request(session=db.session, rules=rules, teacher=teacher, actor=current_user,
                                        kind=form.kind.data, today=today(), target_lane=target_lane,
                                        role=role, window_id=form.window.data, note=form.note.data or "",
                                        credential_ids=form.credentials.data or [], new_credits=_new_credits(form))
            except hr.NotAllowed as error:  # another teacher's or a missing credential, a bad date: save nothing
                db.session.rollback()
                _place_refusal(form, str(error))
                if fresh:
                    _keep_upload(form, fresh)  # the file chosen stays chosen while the teacher fixes the field
                return render_template("requests/new.html", form=form, placement=placement, outcome=outcome,
                                       rules=rules, year_names=year_names, window_said=window_said), 400
            if upload:
                hr.add_evidence(session=db.session, change_request=row, actor=current_user, filename=upload[0],
                                data=upload[1], instance_path=_instance(), rules=rules, today=today())
            _forget_upload(form)
            flash("Draft saved. Check what the rules say, then submit it to HR.", "success")
            return redirect(url_for("requests.detail", request_id=row.id))
    if fresh and request.form.get("do") != "save":
        _forget_upload(form)
        _keep_upload(form, fresh)
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template("requests/new.html", form=form, placement=placement, outcome=outcome, rules=rules,
                           year_names=year_names, window_said=window_said), status


@bp.route("/new/fields")
@role_required("teacher")
def new_fields():
    """The fields that follow the kind of request (swapped in place by htmx): a lane for a lane change, a role for a
    role request, and the windows with their effective dates; values kept."""
    teacher = _me()
    rules = rules_for(teacher.district_id)
    form = RequestForm(formdata=request.args, meta={"csrf": False})
    window_said = _kind_choices(form, rules)
    if form.kind.data not in {choice.value for choice in form.kind.choices}:
        form.kind.data = form.kind.choices[0].value
    return render_template("requests/_kind_fields.html", form=form, rules=rules, window_said=window_said)


def _instance() -> str:
    return evidence_root()


def _kept_path(token: str):
    """Where a previewed upload waits for the teacher to save the request (only this user's, only a hex token)."""
    if not token or len(token) != 40 or any(ch not in "0123456789abcdef" for ch in token):
        return None
    return hr.evidence_folder(_instance()) / f"pending-{current_user.id}-{token}"


def _keep_upload(form, upload: tuple[str, bytes]) -> None:
    """Keep a previewed evidence file so that saving the request does not ask for it again."""
    folder = hr.evidence_folder(_instance())
    stale = time.time() - 86400
    for old in folder.glob("pending-*"):
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(20)
    path = _kept_path(token)
    path.write_bytes(upload[1])
    form.kept_evidence.data = token
    form.kept_name.data = upload[0]


def _kept_upload(form) -> tuple[str, bytes] | None:
    path = _kept_path(form.kept_evidence.data or "")
    if path is None or not path.is_file():
        return None
    return (form.kept_name.data or "evidence"), path.read_bytes()


def _forget_upload(form) -> None:
    path = _kept_path(form.kept_evidence.data or "")
    if path is not None:
        path.unlink(missing_ok=True)


@bp.route("/<int:request_id>")
@role_required("teacher")
def detail(request_id: int):
    """One request: what the rules say, its evidence (with badge checks), its status and history."""
    row = _mine(request_id)
    rules = rules_for(row.district_id)
    outcome = hr.assess_request(session=db.session, rules=rules, change_request=row, today=today())
    actions = allowed_actions(row.status, requires_pre_approval=rules.counting.requires_pre_approval,
                              actor_role="teacher")
    log = hr.audit_log(session=db.session, request_id=row.id)
    return render_template(
        "requests/detail.html", row=row, rules=rules, outcome=outcome, actions=actions,
        year_names=school_year_names(rules, today()),
        credentials=hr.request_credentials(session=db.session, request_id=row.id),
        evidence=[(e, verification_of(e)) for e in hr.evidence_files(session=db.session, request_id=row.id)],
        log=log, names=accounts.names(session=db.session, user_ids=[e.actor_id for e in log]),
        form=EvidenceForm(), credit_form=CreditForm(),
        can_add_evidence=row.status in (State.draft, State.returned, State.submitted))


@bp.route("/<int:request_id>/credits", methods=["POST"])
@role_required("teacher")
def add_credit(request_id: int):
    """Declare more credit on a draft or returned request (it is recorded as submitted, for HR to grant)."""
    row = _mine(request_id)
    form = CreditForm()
    if row.status not in (State.draft, State.returned):
        flash("Credit can be added only to a draft or a request returned to you.", "error")
    elif not form.validate_on_submit():
        flash("Give the kind and amount of the credit.", "error")
    else:
        try:
            hr.attach_credentials(session=db.session, rules=rules_for(row.district_id), change_request=row,
                                  actor=current_user, today=today(), new_credits=_new_credits(form))
        except hr.NotAllowed as error:
            db.session.rollback()
            flash(f"Not added: {error}.", "error")
        else:
            flash("Credit added.", "success")
    return redirect(url_for("requests.detail", request_id=row.id))


@bp.route("/<int:request_id>/evidence", methods=["POST"])
@role_required("teacher")
def add_evidence(request_id: int):
    """Add an evidence file; a badge is verified at once and its checks shown on the request."""
    row = _mine(request_id)
    form = EvidenceForm()
    upload = _read_upload(form.evidence) if form.validate_on_submit() else None
    if upload is None:
        flash("Choose a file to upload.", "error")
        return redirect(url_for("requests.detail", request_id=row.id))
    try:
        hr.add_evidence(session=db.session, change_request=row, actor=current_user, filename=upload[0], data=upload[1],
                        instance_path=_instance(), rules=rules_for(row.district_id), today=today())
    except hr.EvidenceRefused as error:
        flash(f"The file was not accepted: {error}.", "error")
    else:
        flash(f"Evidence {upload[0]} added.", "success")
    return redirect(url_for("requests.detail", request_id=row.id))


@bp.route("/<int:request_id>/submit", methods=["POST"], defaults={"action": "submit"}, endpoint="submit")
@bp.route("/<int:request_id>/withdraw", methods=["POST"], defaults={"action": "withdraw"})
@role_required("teacher")
def act(request_id: int, action: str):
    """Submit (or resubmit) a request to HR, or withdraw it."""
    row = _mine(request_id)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        abort(400, description="The form did not say which version of the request it was made on.")
    try:
        hr.transition(session=db.session, rules=rules_for(row.district_id), request_id=row.id,
                      expected_version=version, action=action, actor=current_user, reason=request.form.get("reason"),
                      today=today(), now=now())
    except hr.StaleRequest as error:
        flash(str(error), "error")
    except (IllegalTransition, hr.NotAllowed) as error:
        flash(f"Not done: {error}.", "error")
    else:
        flash("Submitted to HR." if action == "submit" else "Request withdrawn.", "success")
    return redirect(url_for("requests.detail", request_id=row.id))


@bp.route("/evidence/<int:evidence_id>")
@role_required("teacher")
def evidence_file(evidence_id: int):
    """Download one of the teacher's own evidence files."""
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None:
        abort(404)
    if evidence.request_id is not None:
        _mine(evidence.request_id)
    else:
        credit = db.session.get(EarnedCredential, evidence.credential_id)
        if credit is None or credit.teacher_id != _me().id:
            abort(404)
    return send_evidence(evidence)
