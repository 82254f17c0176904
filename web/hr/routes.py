"""HR's desk: the queue, one request with the engine's explanation, decisions, bulk approval,
a teacher's history, and the payroll export."""

from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.hr.workflow import LABELS, Action, IllegalTransition, State, allowed_actions
from models import EarnedCredential, Teacher
from models.hr import ChangeRequest, EvidenceFile
from services import accounts, hr
from web.access import role_required
from web.downloads import attachment
from web.estimating import districts
from web.extensions import db
from web.hr import bp
from web.hr.common import (
    now,
    request_status,
    request_words,
    rules_for,
    send_evidence,
    template_words,
    today,
    verification_of,
)
from web.hr.forms import DecisionForm
from web.labels import school_year_names
from web.limits import MAX_DATABASE_ID, database_ids
from web.scoping import own_or_404, staff_districts, staff_rules

PAGE_SIZES = (25, 50, 100)
MAX_OLDER_THAN_DAYS = 36_500  # a hundred years; more is not a filter but an overflow
PAYROLL_DATES = (date(1900, 1, 1), date(2199, 12, 31))
ACTION_LABELS = {Action.approve: "Approve", Action.pre_approve: "Pre-approve", Action.deny: "Deny",
                 Action.return_: "Return for evidence", Action.reverse: "Reverse (recover pay)"}


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _cursor_arg() -> str | None:
    """The queue's page cursor "<submitted_at>|<id>" as the queue made it, or 400 for anything else."""
    cursor = request.args.get("cursor") or None
    if cursor is None:
        return None
    stamp, _, last_id = cursor.partition("|")
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or not (last_id.isascii() and last_id.isdigit()) \
            or int(last_id) > MAX_DATABASE_ID:
        abort(400, description="That page link is not valid; start from the first page.")
    return cursor


@bp.context_processor
def _words():
    return template_words()


@bp.route("/")
@role_required("hr")
def index():
    """The queue: submitted requests, filtered by district, school, status, window and age, oldest first by default."""
    filters = {key: request.args.get(key, "").strip() or None for key in ("district", "school", "status", "window")}
    if filters["status"] and filters["status"] not in {s.value for s in hr.QUEUE_STATES}:
        filters["status"] = None
    older = _int_arg("older_than_days")
    if older is not None and older > MAX_OLDER_THAN_DAYS:
        abort(400, description=f"Older than at most {MAX_OLDER_THAN_DAYS:,} days.")
    sort = request.args.get("sort", "oldest") if request.args.get("sort") in hr.SORTS else "oldest"
    size = _int_arg("page_size") if _int_arg("page_size") in PAGE_SIZES else PAGE_SIZES[1]
    cursor = _cursor_arg()
    try:
        page = hr.queue(session=db.session, older_than_days=older, sort=sort, cursor=cursor, page_size=size,
                        now=now(), district_ids=staff_districts(), **filters)
    except ValueError:
        abort(400, description="That page link is not valid; start from the first page.")
    query = {k: v for k, v in {**filters, "older_than_days": older, "sort": sort, "page_size": size}.items() if v}
    return render_template("hr/index.html", page=page, filters=filters, older=older, sort=sort, size=size,
                           query=query, choices=hr.queue_choices(session=db.session, district_ids=staff_districts()),
                           page_sizes=PAGE_SIZES, states=hr.QUEUE_STATES, labels=LABELS, today=now(),
                           first_page=cursor is None, rules=districts(), window_names=_window_names())


def _window_names() -> dict[str, str]:
    """Each submission window's name by its id (districts that share an id and a name say it once)."""
    names: dict[str, list[str]] = {}
    for rules in staff_rules().values():
        for window in rules.submission_windows:
            if window.name not in names.setdefault(window.id, []):
                names[window.id].append(window.name)
    return {window_id: " / ".join(found) for window_id, found in names.items()}


@bp.route("/bulk-approve", methods=["POST"])
@role_required("hr")
def bulk_approve():
    """Approve every chosen request that passes every rule; report the ones skipped and why."""
    ids = database_ids(request.form.getlist("request_id"), limit=max(PAGE_SIZES))
    versions = {i: int(v) for i in ids if (v := request.form.get(f"version-{i}", "")).isascii() and v.isdigit()
                and int(v) <= MAX_DATABASE_ID}
    if not ids:
        flash("Choose the requests to approve.", "error")
        return redirect(url_for("hr.index"))
    result = hr.bulk_approve(session=db.session, rules_by_district=districts(), request_ids=ids, versions=versions,
                             actor=current_user, today=today(), district_ids=staff_districts())
    said = _said(result.approved + [request_id for request_id, _ in result.skipped])
    if result.approved:
        flash(f"Approved {len(result.approved)} request(s): " + ", ".join(_named(i, said) for i in result.approved), "success")
    for request_id, why in result.skipped:
        named = f" ({said[request_id]})" if request_id in said else ""
        flash(f"#{request_id} not approved{named}: {why}", "error")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/hr/") else url_for("hr.index"))


def _named(request_id: int, said: dict[int, str]) -> str:
    """A request in a message: its number, and what it is when the officer may know."""
    return f"#{request_id} ({said[request_id]})" if request_id in said else f"#{request_id}"


def _said(request_ids: list[int]) -> dict[int, str]:
    """Each request as HR reads it in a message: the teacher's name and what they asked for."""
    said = {}
    for request_id in request_ids:
        row = db.session.get(ChangeRequest, request_id)
        if row is None or row.district_id not in staff_districts():
            continue  # another district's request is not named
        teacher = db.session.get(Teacher, row.teacher_id)
        if teacher is not None:
            said[request_id] = f"{teacher.name}, {request_words(row, districts().get(row.district_id)).lower()}"
    return said


def _request_or_404(request_id: int) -> ChangeRequest:
    """A request of one of the reviewer's districts, or 404 (another district's is not revealed)."""
    return own_or_404(db.session.get(ChangeRequest, request_id))


@bp.route("/requests/<int:request_id>")
@role_required("hr")
def detail(request_id: int):
    """One request beside the engine's explanation, its evidence with badge checks, and its audit log."""
    row = _request_or_404(request_id)
    if row.status == State.draft:
        abort(404)  # a draft is the teacher's until it is submitted
    rules = rules_for(row.district_id)
    outcome = hr.assess_request(session=db.session, rules=rules, change_request=row, today=today())
    actions = allowed_actions(row.status, requires_pre_approval=rules.counting.requires_pre_approval, actor_role="hr")
    form = DecisionForm(version=row.version)
    retro = None
    if row.retro_explanation:
        import json

        retro = json.loads(row.retro_explanation)
    log = hr.audit_log(session=db.session, request_id=row.id)
    reviews = hr.reviews(session=db.session, request_id=row.id)
    return render_template(
        "hr/request.html", row=row, rules=rules, outcome=outcome, actions=actions, action_labels=ACTION_LABELS,
        form=form, teacher=db.session.get(Teacher, row.teacher_id),
        credentials=hr.request_credentials(session=db.session, request_id=row.id), retro=retro,
        evidence=[(e, verification_of(e)) for e in hr.evidence_files(session=db.session, request_id=row.id)],
        log=log, reviews=reviews, reviewers_needed=rules.review.needed(row.kind),
        names=accounts.names(session=db.session, user_ids=[e.actor_id for e in log] + [r.reviewer_id for r in reviews]),
        year_names=school_year_names(rules, today()))


@bp.route("/requests/<int:request_id>/decide", methods=["POST"])
@role_required("hr")
def decide(request_id: int):
    """Approve, pre-approve, deny, return or reverse, against the version HR was shown."""
    row = _request_or_404(request_id)
    form = DecisionForm()
    action = request.form.get("action", "")
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        abort(400, description="The decision form was incomplete.")
    try:
        decision = hr.transition(session=db.session, rules=rules_for(row.district_id), request_id=row.id,
                                 expected_version=int(form.version.data), action=action, actor=current_user,
                                 reason=form.reason.data, today=today(), now=now())
    except hr.StaleRequest:
        db.session.rollback()
        flash("This request changed since you opened it (another HR user acted on it). "
              "Here it is as it stands now; nothing was changed by you.", "error")
    except (IllegalTransition, hr.NotAllowed) as error:
        db.session.rollback()
        flash(f"Not done: {error}.", "error")
    else:
        done = decision.change_request
        message = f"Request #{done.id} is now {request_status(done).lower()}."
        if decision.notes:
            message += " " + " ".join(decision.notes) + "."
        if decision.retro is not None:
            message += f" Retroactive amount: {decision.retro.amount} ({decision.retro.kind})."
        flash(message, "success")
    return redirect(url_for("hr.detail", request_id=row.id))


@bp.route("/evidence/<int:evidence_id>")
@role_required("hr")
def evidence_file(evidence_id: int):
    """Download an evidence file of a request or of a ledger item, in one of the reviewer's districts."""
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None:
        abort(404)
    if evidence.request_id is not None:
        if _request_or_404(evidence.request_id).status == State.draft:
            abort(404)  # a draft's files are the teacher's until the request is submitted
    else:  # evidence behind an item of the teacher's credit ledger
        credit = db.session.get(EarnedCredential, evidence.credential_id) if evidence.credential_id else None
        own_or_404(db.session.get(Teacher, credit.teacher_id) if credit else None)
    return send_evidence(evidence)


def _period() -> tuple[date, date, str | None]:
    try:
        end = date.fromisoformat(request.args["end"]) if request.args.get("end") else today()
        start = date.fromisoformat(request.args["start"]) if request.args.get("start") else None
    except ValueError:
        abort(400, description="Dates are YYYY-MM-DD.")
    if not all(PAYROLL_DATES[0] <= day <= PAYROLL_DATES[1] for day in (start or end, end)):
        abort(400, description=f"Dates are from {PAYROLL_DATES[0].year} to {PAYROLL_DATES[1].year}.")
    start = start or end - timedelta(days=30)
    if start > end:
        abort(400, description="The period starts after it ends.")
    district = request.args.get("district") or None
    # A typo must not export an empty payroll file; another reviewer's district is answered as one that does not exist.
    if district is not None and district not in staff_districts():
        abort(400, description=f"No district {district!r}; your districts are {', '.join(staff_districts()) or 'none'}.")
    return start, end, district


@bp.route("/payroll")
@role_required("hr")
def payroll():
    """Approved changes and reversals in a period, ready for payroll."""
    start, end, district = _period()
    rows = hr.payroll_rows(session=db.session, start=start, end=end, district=district, district_ids=staff_districts())
    return render_template("hr/payroll.html", rows=rows, start=start, end=end, district=district,
                           districts=staff_districts(), columns=hr.PAYROLL_COLUMNS)


@bp.route("/payroll.csv", defaults={"fmt": "csv"}, endpoint="payroll_csv")
@bp.route("/payroll.xlsx", defaults={"fmt": "xlsx"})
@role_required("hr")
def payroll_export(fmt: str):
    """The payroll export as CSV or XLSX."""
    start, end, district = _period()
    rows = hr.payroll_rows(session=db.session, start=start, end=end, district=district, district_ids=staff_districts())
    name = f"lanewise-payroll-{start}-{end}.{fmt}"
    body = hr.payroll_csv(rows) if fmt == "csv" else hr.payroll_xlsx(rows)
    return attachment(body, name, **{"Cache-Control": "private, no-store"})
