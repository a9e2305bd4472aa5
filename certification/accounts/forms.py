"""Forms of signing in and of each user's own account."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from certification.i18n.languages import LANGUAGES


def email_address(form, field) -> None:
    """A well-formed address; the reserved .test domain passes so that demo accounts work."""
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(_l("Enter a valid email address.")) from None


class LoginForm(FlaskForm):
    # No format check on sign-in: an unknown or malformed address gets the same answer.
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


LOCALE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGES.items()]


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)


class AccountForm(FlaskForm):
    """A user's own page: the language of their pages and, optionally, a new password."""

    locale = SelectField(_l("Language of my pages"), choices=LOCALE_CHOICES)
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", message=_l("The two new passwords differ."))],
    )

    def validate_current_password(self, field) -> None:
        if self.new_password.data and not field.data:
            raise ValidationError(_l("Enter your current password to change it."))


class CodeForm(FlaskForm):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(
        _l("Code"), validators=[DataRequired(message=_l("Enter the code.")), Length(max=20)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired()])
