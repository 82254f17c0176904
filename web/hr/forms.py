"""Forms of the request pages: filing a request, adding evidence, and HR's decision."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from web.limits import DateWithin

KIND_CHOICES = [SelectChoice("lane_change", "Lane change"), SelectChoice("growth_step", "Growth step"),
                SelectChoice("role", "Role")]
CREDIT_CHOICES = [SelectChoice("", "(none)"), SelectChoice("graduate_credit", "Graduate credit (semester hours)"),
                  SelectChoice("pd_hours", "Professional development hours"), SelectChoice("cpe_hours", "CPE hours"),
                  SelectChoice("workshop_points", "Workshop points"),
                  SelectChoice("micro_credential", "Micro-credentials (count)")]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequestForm(FlaskForm):
    """A lane-change, growth-step or role request, the credentials it rests on, and a first evidence file."""

    kind = SelectField("What are you asking for?", choices=KIND_CHOICES, default="lane_change", validators=[DataRequired()])
    target_lane = SelectField("Lane you ask for", choices=[], validate_choice=False,
                              description="Leave on 'the lane my credit earns' to let the rules decide.")
    role = SelectField("Role", choices=[], validate_choice=False)
    window = SelectField("Submission window", choices=[], validate_choice=False)
    credentials = MultiCheckboxField("Credentials you already hold", coerce=int, choices=[], validate_choice=False)
    credit_kind = SelectField("Add credit: kind", choices=CREDIT_CHOICES, validate_choice=True)
    credit_amount = DecimalField("Amount (hours or count)", places=None, validators=[Optional(), NumberRange(min=0, max=500)])
    credit_title = StringField("Title (course, workshop, micro-credential)", validators=[Optional(), Length(max=200)])
    credit_earned_on = DateField("Earned on", validators=[Optional(), DateWithin()])
    note = TextAreaField("Note to HR", validators=[Optional(), Length(max=2000)])
    evidence = FileField("Evidence file (PDF, PNG, JPEG, SVG, JSON or JWT; at most 10 MB)")
    # A file chosen before "See what it would give" is kept until the request is saved.
    kept_evidence = HiddenField()
    kept_name = HiddenField()


class CreditForm(FlaskForm):
    """More credit for a draft or returned request."""

    credit_kind = SelectField("Kind", choices=CREDIT_CHOICES[1:], validate_choice=True)
    credit_amount = DecimalField("Amount (hours or count)", places=None,
                                 validators=[DataRequired(), NumberRange(min=0, max=500)])
    credit_title = StringField("Title (course, workshop, micro-credential)", validators=[Optional(), Length(max=200)])
    credit_earned_on = DateField("Earned on", validators=[Optional(), DateWithin()])


class EvidenceForm(FlaskForm):
    """One more evidence file."""

    evidence = FileField("Evidence file (PDF, PNG, JPEG, SVG, JSON or JWT; at most 10 MB)")


class DecisionForm(FlaskForm):
    """HR's decision on one request, made against the version HR saw."""

    version = HiddenField()
    reason = TextAreaField("Reason (required to deny, return or reverse)", validators=[Optional(), Length(max=2000)])


DEGREE_CHOICES = [SelectChoice("", "(the lane's degree)"), SelectChoice("bachelor", "Bachelor's"),
                  SelectChoice("master", "Master's"), SelectChoice("specialist", "Specialist"),
                  SelectChoice("doctorate", "Doctorate")]


class ProfileForm(FlaskForm):
    """What HR keeps about a teacher beyond the placement."""

    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    school = StringField("School", validators=[Optional(), Length(max=160)])
    hire_date = DateField("Hire date", validators=[Optional()])
    email = StringField("Email (badges are checked against it)", validators=[Optional(), Length(max=254)])
    did = StringField("DID (badges are checked against it)", validators=[Optional(), Length(max=500)])
    subjects = StringField("Subjects taught (separated by ;)", validators=[Optional(), Length(max=500)])
    certifications = StringField("Certifications (separated by ;)", validators=[Optional(), Length(max=500)])
    certified = SelectField("Certified", choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")])
    reason = StringField("Why (kept in the record)", validators=[Optional(), Length(max=300)])


class PlacementForm(FlaskForm):
    """HR's placement of a teacher for one school year."""

    school_year = SelectField("School year", choices=[], validate_choice=True)
    step = IntegerField("Step", validators=[DataRequired(), NumberRange(min=0, max=60)])
    lane = SelectField("Lane", choices=[], validate_choice=True)
    fte = DecimalField("FTE", places=2, default=1, validators=[DataRequired(), NumberRange(min=0.01, max=1)])
    degree = SelectField("Degree", choices=DEGREE_CHOICES, validate_choice=True)
    band = StringField("Pay band", validators=[Optional(), Length(max=40)])
    years_of_service = IntegerField("Years of service", validators=[Optional(), NumberRange(min=0, max=60)])
    reason = StringField("Why (kept in the record)", validators=[Optional(), Length(max=300)])


class HireForm(ProfileForm, PlacementForm):
    """A new hire: the profile and the first placement."""

    district = SelectField("District", choices=[], validate_choice=True)
    employee_id = StringField("Employee id", validators=[DataRequired(), Length(max=64)])


class RatingForm(FlaskForm):
    """An evaluation rating for a school year."""

    rating_year = SelectField("School year", choices=[], validate_choice=True)
    rating = SelectField("Rating", choices=[], validate_choice=True)


class CreditDecisionForm(FlaskForm):
    """HR's decision on one ledger item."""

    reason = StringField("Reason (required to deny)", validators=[Optional(), Length(max=2000)])


class LinkForm(FlaskForm):
    """Link a teacher account to this roster record."""

    username = StringField("Teacher account (username)", validators=[DataRequired(), Length(max=80)])
