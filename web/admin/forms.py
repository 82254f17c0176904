"""Forms of the admin area: finding, creating and changing accounts; importing a published salary grid."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from engine.rules.values import DEGREES
from models import Role
from web.public.forms import MultiCheckboxField

ROLE_CHOICES = [SelectChoice(role.value, "HR" if role == Role.hr else role.value.title()) for role in Role]
USERNAME_RULE = Regexp(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$",
                       message="Use letters, digits and . _ @ - only, starting with a letter or digit.")


class UserFilterForm(FlaskForm):
    """Which accounts to list: a role and part of the account name or the person's name (a GET form)."""

    class Meta:
        csrf = False  # it only reads

    role = SelectField("Role", choices=[SelectChoice("", "All roles"), *ROLE_CHOICES], validators=[Optional()])
    q = StringField("Name contains", validators=[Optional(), Length(max=80)])


class NewUserForm(FlaskForm):
    """A new account: name, role, password (or a generated one), and for a teacher their roster record."""

    username = StringField("Account name", validators=[InputRequired(), Length(max=80), USERNAME_RULE],
                           render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
    display_name = StringField("Person's name", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.teacher.value)
    password = PasswordField("Password", validators=[Optional(), Length(min=8, max=200)],
                             description="At least 8 characters. Leave empty to generate one, shown once.",
                             render_kw={"autocomplete": "new-password"})
    district = SelectField("Roster district", choices=[], validate_choice=False)
    employee_id = StringField("Employee id", validators=[Optional(), Length(max=64)],
                              description="Teachers only: links the account to their roster record.")
    districts = MultiCheckboxField("Districts they work for", choices=[], validators=[Optional()])
    submit = SubmitField("Create account")


class RoleForm(FlaskForm):
    """Another role for an account."""

    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


class LinkTeacherForm(FlaskForm):
    """The roster record (district and employee id) a teacher account belongs to."""

    district = SelectField("Roster district", choices=[], validate_choice=False, validators=[InputRequired()])
    employee_id = StringField("Employee id", validators=[InputRequired(), Length(max=64)])
    submit = SubmitField("Link roster record")


class DistrictsForm(FlaskForm):
    """The districts an HR or finance account works for: all its pages, queries and exports show (none: nothing)."""

    districts = MultiCheckboxField("Districts they work for", choices=[], validators=[Optional()])
    submit = SubmitField("Save districts")


class ConfirmForm(FlaskForm):
    """Only the CSRF token: deactivate, reactivate and reset-password carry the account in the URL."""

    submit = SubmitField("Confirm")


class GridLaneForm(Form):
    """One lane of an uploaded grid: the degree and credit it asks (blank: as read from its name)."""

    label = HiddenField()
    degree = SelectField("Degree", choices=[SelectChoice("", "as read")] + [SelectChoice(d, d) for d in DEGREES],
                         validators=[Optional()])
    credits = IntegerField("Credits", validators=[Optional(), NumberRange(min=0, max=300)])


class GridForm(FlaskForm):
    """A published grid to import, what it is, and the corrections to what Lanewise read from it."""

    grid = FileField("Salary grid (CSV or XLSX)", description="The first column holds the steps, the header row the lanes.")
    grid_json = HiddenField()
    district = SelectField("District", choices=[], validate_choice=False,
                           description="Add the schedule to a district, or make a new one.")
    new_id = StringField("New district's id", validators=[Optional(), Length(max=40),
                                                         Regexp(r"^[a-z0-9][a-z0-9_-]*$", message="Use a-z, 0-9, - and _.")])
    new_name = StringField("New district's name", validators=[Optional(), Length(max=120)])
    new_state = StringField("State (two letters)", validators=[Optional(), Regexp(r"^[A-Za-z]{2}$",
                                                                                   message="Two letters, e.g. MN.")])
    source_title = StringField("Where the grid is published", validators=[Optional(), Length(max=200)])
    source_url = StringField("Its address", validators=[Optional(), Length(max=300)])
    effective = DateField("Takes effect on", validators=[InputRequired()])
    index = BooleanField("The cells are index multipliers")
    base = DecimalField("Base (the amount at index 1.0000)", places=None, validators=[Optional(), NumberRange(min=1)])
    rounding = SelectField("Amounts with more than two decimals", validators=[Optional()], choices=[
        SelectChoice("", "refuse them"), *[SelectChoice(m, f"round {m.replace('_', ' ')}") for m in
                                           ("half_up", "half_even", "down", "up")]])
    skipped_steps = SelectField("Skipped step numbers mean", validators=[Optional()], choices=[
        SelectChoice("", "as guessed"), SelectChoice("longevity", "longevity: stay on a step until the next number"),
        SelectChoice("next_row", "one row a year")])
    blank_cells = SelectField("A blank cell below a lane's amounts", validators=[Optional()], choices=[
        SelectChoice("", "as guessed"), SelectChoice("carry", "is paid as the amount above it"),
        SelectChoice("none", "is no cell: teachers never sit on it")])
    lanes = FieldList(FormField(GridLaneForm), max_entries=80)
    skip_rows = SelectMultipleField("Leave out these rows", choices=[], validate_choice=False)
    read = SubmitField("Read the grid")
    save = SubmitField("Save the schedule")
    download = SubmitField("Download the rule file")
