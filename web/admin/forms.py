"""Forms of the admin area: finding, creating and changing accounts."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from models import Role

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


class ConfirmForm(FlaskForm):
    """Only the CSRF token: deactivate, reactivate and reset-password carry the account in the URL."""

    submit = SubmitField("Confirm")
