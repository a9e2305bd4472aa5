"""Forms of the notifications domain."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from certification.accounts.forms import email_address


class RecipientForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), email_address])
    name = StringField(_l("Name (optional)"), validators=[Length(max=200)])
