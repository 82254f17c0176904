"""Forms of the sign-in and account pages."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length


class LoginForm(FlaskForm):
    """Account name and password."""

    username = StringField("Account name", validators=[InputRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST so other sites cannot sign you out."""

    submit = SubmitField("Sign out")


class TokenForm(FlaskForm):
    """A name for a new API token."""

    name = StringField("Token name", validators=[InputRequired(), Length(max=80)],
                       render_kw={"placeholder": "e.g. my spreadsheet"})
    submit = SubmitField("Create token")


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token; the token id is in the URL."""

    submit = SubmitField("Revoke")


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField("Current password", validators=[InputRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField("New password", validators=[InputRequired(), Length(min=8, max=200)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat new password", validators=[EqualTo("new", message="The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")
