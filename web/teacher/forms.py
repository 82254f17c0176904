"""The what-if planner's form: micro-credentials and credit per school year, and a role to aim for."""

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SubmitField,
)
from wtforms.validators import NumberRange, Optional

PLAN_YEARS = 5  # school years the planner shows; a plan of more is cut to them


class PlanYearForm(Form):
    """What the teacher plans to earn in one school year (a sub-form: the outer form carries CSRF)."""

    school_year = HiddenField()
    micro_credentials = IntegerField("Micro-credentials", default=0,
                                     validators=[Optional(), NumberRange(min=0, max=100)],
                                     render_kw={"inputmode": "numeric"})
    credits = DecimalField("Credit hours", default=0, places=None,
                           validators=[Optional(), NumberRange(min=0, max=200)], render_kw={"inputmode": "decimal"})


class WhatIfForm(FlaskForm):
    """A plan over the coming school years."""

    plan = FieldList(FormField(PlanYearForm), min_entries=1, max_entries=PLAN_YEARS)
    role = SelectField("Aim for a role", validate_choice=True)
    years = IntegerField("Years to show", default=10, validators=[Optional(), NumberRange(min=1, max=40)],
                         render_kw={"inputmode": "numeric"})
    submit = SubmitField("Compare")
