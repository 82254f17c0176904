"""The teacher's credit ledger page: every item with its status, the school year it counts for, who decided it
and how much approvals used; and recording new credit with its evidence for HR to grant."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from services import hr, ledger
from web.estimating import districts
from web.extensions import db
from web.hr.common import evidence_root, today
from web.hr.forms import CREDIT_CHOICES
from web.labels import label, school_year_names


class LedgerForm(FlaskForm):
    """New credit: a badge file on its own, or a certificate or transcript with the credit it shows."""

    evidence = FileField("Evidence file: a badge (PNG, SVG, JSON or JWT), certificate or transcript (PDF, PNG, JPEG); "
                         "at most 10 MB")
    kind = SelectField("Kind of credit (not needed for a badge the district knows)", choices=CREDIT_CHOICES,
                       validate_choice=True)
    amount = DecimalField("Amount (micro-credentials, hours or points)", places=None,
                          validators=[Optional(), NumberRange(min=0, max=500)])
    title = StringField("Title (micro-credential, course or workshop)", validators=[Optional(), Length(max=200)])
    earned_on = DateField("Earned on", validators=[Optional()])


def credits_page(teacher, request):
    """Show the ledger; on POST record the credit the uploaded evidence shows."""
    rules = districts().get(teacher.district_id)
    form = LedgerForm()
    if rules is not None and form.validate_on_submit():
        upload = form.evidence.data
        if upload is None or not getattr(upload, "filename", ""):
            form.evidence.errors = ["Choose the evidence file."]
        else:
            try:
                rows, _ = hr.record_credit_with_evidence(
                    session=db.session, rules=rules, teacher=teacher, actor=current_user, today=today(),
                    instance_path=evidence_root(), filename=upload.filename, data=upload.read(),
                    kind=form.kind.data or None, amount=form.amount.data, title=form.title.data or "",
                    earned_on=form.earned_on.data)
            except hr.EvidenceRefused as error:
                form.evidence.errors = [str(error)]
            else:
                flash(", ".join(f"{r.title or label(r.kind)}: {r.status}" for r in rows) + ". HR reviews it.", "success")
                return redirect(url_for("teacher.credits"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("teacher/credits.html", teacher=teacher, form=form, rules=rules,
                           year_names=school_year_names(rules, today()) if rules else {},
                           items=ledger.ledger(session=db.session, teacher_id=teacher.id),
                           evidence=hr.credit_evidence(session=db.session, teacher_id=teacher.id)), status
