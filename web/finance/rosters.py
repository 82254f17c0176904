"""Rosters in the finance area: upload a CSV or XLSX file (larger than the app's usual request limit), map its
columns to the roster's fields and import it, and read a roster by lane."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.budget.roster import (
    FIELDS,
    REQUIRED,
    RosterError,
    guess_mapping,
    read_table,
)
from services import roster as rosters
from services.roster_records import roster_from_records
from web.access import role_required
from web.clock import today
from web.estimating import districts
from web.extensions import db
from web.finance import bp
from web.scoping import staff_districts, staff_rules

UPLOAD_LIMIT = 64 * 1024 * 1024  # a 100,000-teacher roster is about 8 MB of CSV
FIELD_LABELS = {
    "employee_id": "Employee id", "school": "School", "step": "Step", "lane": "Lane", "fte": "FTE",
    "hire_date": "Hire date", "degree": "Degree", "band": "Pay band", "micro_credentials": "Micro-credentials held",
    "credit_hours": "Credit hours beyond the degree", "subjects": "Subjects (stipends)",
    "certifications": "Certifications", "certified": "Certified", "years_of_service": "Years of service (as HR keeps them)",
    "growth_steps": "Growth steps held", "role": "Role held", "micro_credentials_this_year": "Micro-credentials earned this year",
    "actual_salary": "Actual salary", "unit": "Bargaining unit", "funding": "Funding source",
    "new_lane": "New lane part-way through the year", "new_lane_share": "Share of the year in the new lane",
}


@bp.url_value_preprocessor
def larger_uploads(endpoint, values):
    # Roster files are larger than the app's default request limit; only the upload takes more. A URL value
    # preprocessor runs before every before_request hook, so before CSRF protection reads the form.
    if endpoint == "finance.upload_roster":
        request.max_content_length = UPLOAD_LIMIT


def _uploads() -> Path:
    folder = Path(current_app.config.get("FINANCE_UPLOAD_DIR") or Path(current_app.instance_path) / "finance-uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _by_name(own: dict) -> list:
    """The officer's districts' rules, by district name, as the district choices list them."""
    return sorted(own.values(), key=lambda rules: rules.district.name)


def _stashed(token: str) -> Path:
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        abort(404)
    matches = list(_uploads().glob(f"{token}.*"))
    if not matches:
        abort(404, "That upload has expired; please upload the file again.")
    return matches[0]


@bp.route("/rosters/new", methods=["GET", "POST"])
@role_required("finance")
def upload_roster():
    """Upload a CSV or XLSX roster for one of the officer's districts; the next page maps its columns. A problem is
    shown at its field."""
    errors: dict[str, list[str]] = {}
    own = staff_rules()
    if request.method == "POST":
        upload = request.files.get("file")
        district_id = request.form.get("district_id", "")
        if district_id not in own:
            errors["district_id"] = ["Choose a district."]
        if upload is None or not upload.filename:
            errors["file"] = ["Choose a roster file (CSV or XLSX)."]
        elif not upload.filename.lower().endswith((".csv", ".xlsx", ".xlsm")):
            errors["file"] = [f"“{upload.filename}” is not a .csv or .xlsx file; choose the roster again."]
        if not errors:
            for stale in _uploads().iterdir():  # uploads never matched are dropped after a day
                if stale.stat().st_mtime < time.time() - 86_400:
                    stale.unlink(missing_ok=True)
            token = secrets.token_urlsafe(12)
            suffix = Path(upload.filename).suffix.lower()
            try:
                upload.save(_uploads() / f"{token}{suffix}")
            finally:
                upload.close()  # large uploads are spooled to a temporary file
            # A roster is named apart from the others: given a name, or its district, file and day.
            name = (request.form.get("name") or "").strip() or \
                f"{own[district_id].district.name}: {Path(upload.filename).name}, {time.strftime('%Y-%m-%d')}"
            return redirect(url_for("finance.map_roster", token=token, district_id=district_id, name=name))
        if upload is not None:
            upload.close()
    return render_template("finance/upload.html", districts=_by_name(own), errors=errors,
                           chosen=request.values.get("district_id", ""), name=request.form.get("name", "")), \
        (422 if errors else 200)


@bp.route("/rosters/from-hr", methods=["GET", "POST"])
@role_required("finance")
def roster_from_hr():
    """Take the roster from the records HR keeps for one of the officer's districts, as of today."""
    if request.method == "GET":
        return render_template("finance/from_hr.html", districts=_by_name(staff_rules()),
                               chosen=request.args.get("district_id", ""))
    rules = staff_rules().get(request.form.get("district_id", "")) or abort(404)
    name = (request.form.get("name") or "").strip() or f"{rules.district.name}: HR's records, {today().isoformat()}"
    taken = roster_from_records(session=db.session, rules=rules, name=name, today=today(), created_by=current_user.id)
    left = "; ".join(f"{who}: {why}" for who, why in taken.left_out[:20])
    more = f" and {len(taken.left_out) - 20} more" if len(taken.left_out) > 20 else ""
    if taken.record is None:
        flash(f"HR keeps no teacher of {rules.district.name} placed this school year" + (f" ({left}{more})." if left else "."),
              "error")
        return redirect(url_for("finance.roster_from_hr", district_id=rules.id))
    note = f" Left out: {left}{more}." if left else ""
    flash(f"Took {taken.record.teacher_count} teachers from HR's records into roster “{taken.record.name}”.{note}",
          "success")
    return redirect(url_for("finance.roster", roster_id=taken.record.id))


@bp.route("/rosters/map/<token>", methods=["GET", "POST"])
@role_required("finance")
def map_roster(token: str):
    """Match the file's columns to the roster's fields, then check every row and import (all or nothing)."""
    path = _stashed(token)
    district_id = request.values.get("district_id", "")
    rules = staff_rules().get(district_id) or abort(404)
    name = request.values.get("name") or path.stem
    content = path.read_bytes()
    try:
        headers, rows = read_table(content, path.name)
    except Exception as exc:  # a file that is not CSV/XLSX at all
        flash(f"The file could not be read: {exc}", "error")
        return redirect(url_for("finance.upload_roster"))
    mapping = guess_mapping(headers)
    errors, unmapped = [], []
    if request.method == "POST":
        mapping = {field: request.form.get(f"map_{field}", "") for field in FIELDS if request.form.get(f"map_{field}")}
        try:
            record = rosters.import_roster(session=db.session, rules=rules, name=name, content=content, filename=path.name,
                                           today=today(), mapping=mapping, created_by=current_user.id)
        except RosterError as exc:
            errors, unmapped = exc.errors, exc.unmapped
            status = 422
            return render_template("finance/map.html", token=token, district_id=district_id, name=name, headers=headers,
                                   mapping=mapping, fields=FIELDS, labels=FIELD_LABELS, required=REQUIRED, rows=len(rows),
                                   errors=errors, unmapped=unmapped, rules=rules, failed=exc), status
        path.unlink(missing_ok=True)
        flash(f"Imported {record.teacher_count} teachers into roster “{record.name}”.", "success")
        return redirect(url_for("finance.roster", roster_id=record.id))
    return render_template("finance/map.html", token=token, district_id=district_id, name=name, headers=headers,
                           mapping=mapping, fields=FIELDS, labels=FIELD_LABELS, required=REQUIRED, rows=len(rows),
                           errors=errors, unmapped=unmapped, rules=rules, failed=None)


@bp.route("/rosters/<int:roster_id>")
@role_required("finance")
def roster(roster_id: int):
    """A roster's teachers by lane, and a way to build a scenario on it."""
    record = rosters.get_roster(session=db.session, roster_id=roster_id, district_ids=staff_districts()) or abort(404)
    rules = districts().get(record.district_id)
    lane_names = {lane.id: lane.label for lane in rules.lanes} if rules else {}
    off_count, off = rosters.off_schedule(session=db.session, rules=rules, roster_id=roster_id) if rules else (0, [])
    return render_template("finance/roster.html", roster=record, lanes=rosters.roster_summary(session=db.session, roster_id=roster_id),
                           rules=rules, lane_names=lane_names, off_count=off_count, off=off)
