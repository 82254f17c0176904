"""The public estimator's form (read from the query string: an estimate changes nothing)."""

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp


class EstimateForm(FlaskForm):
    """District, school year, placement and what the teacher holds."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    district = SelectField("District", validators=[InputRequired()])
    school_year = SelectField("School year", validators=[InputRequired()], validate_choice=False)
    step = StringField("Step", validators=[InputRequired(), Length(max=24), Regexp(
        r"^[A-Za-z0-9 .&+()-]+$", message="A step number, or its label on the schedule (B, 1 & 2, L.5 (10)).")],
        description="A number, or the step's label on the schedule")
    lane = StringField("Lane", validators=[InputRequired()], render_kw={"list": "lanes", "autocomplete": "off"})
    micro_credentials = IntegerField("Micro-credentials this year", default=0,
                                     validators=[Optional(), NumberRange(min=0, max=60)],
                                     render_kw={"inputmode": "numeric"})
    credits = DecimalField("Graduate credit hours this year", default=0, places=None,
                           validators=[Optional(), NumberRange(min=0, max=200)], render_kw={"inputmode": "decimal"})
    years = IntegerField("Years to show", default=10, validators=[Optional(), NumberRange(min=1, max=40)],
                         render_kw={"inputmode": "numeric"})
    submit = SubmitField("Estimate")


class ScheduleForm(FlaskForm):
    """Which district's schedule and school year to show."""

    class Meta:
        csrf = False

    district = SelectField("District", validators=[InputRequired()])
    school_year = SelectField("School year", validators=[InputRequired()], validate_choice=False)
    submit = SubmitField("Show")


DEGREE_CHOICES = [SelectChoice("bachelor", "Bachelor's"), SelectChoice("master", "Master's"),
                  SelectChoice("specialist", "Specialist"), SelectChoice("doctorate", "Doctorate"),
                  SelectChoice("none", "No degree")]


class CompareForm(FlaskForm):
    """A career path to run through every district, and optionally a district to rank (a GET form)."""

    class Meta:
        csrf = False

    degree = SelectField("Degree at hire", choices=DEGREE_CHOICES, default="bachelor")
    years = IntegerField("Years of career", default=30, validators=[Optional(), NumberRange(min=1, max=40)],
                         render_kw={"inputmode": "numeric"})
    credits_per_year = DecimalField("Graduate credit hours a year", default=0, places=None,
                                    validators=[Optional(), NumberRange(min=0, max=30)], render_kw={"inputmode": "decimal"})
    credit_years = IntegerField("for how many years", default=0, validators=[Optional(), NumberRange(min=0, max=40)],
                                render_kw={"inputmode": "numeric"})
    micro_credentials_per_year = IntegerField("Micro-credentials a year", default=0,
                                              validators=[Optional(), NumberRange(min=0, max=20)],
                                              render_kw={"inputmode": "numeric"})
    micro_credential_years = IntegerField("for how many years", default=0,
                                          validators=[Optional(), NumberRange(min=0, max=40)],
                                          render_kw={"inputmode": "numeric"})
    district = SelectField("Rank this district", validators=[Optional()], validate_choice=False)
    submit = SubmitField("Compare")
