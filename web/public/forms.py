"""The public estimator's form (read from the query string: an estimate changes nothing)."""

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional


class EstimateForm(FlaskForm):
    """District, school year, placement and what the teacher holds."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    district = SelectField("District", validators=[InputRequired()])
    school_year = SelectField("School year", validators=[InputRequired()], validate_choice=False)
    step = IntegerField("Step", validators=[InputRequired(), NumberRange(min=0, max=60)],
                        render_kw={"inputmode": "numeric"})
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
