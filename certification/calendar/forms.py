"""Forms of the calendar domain."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length


class LeaveForm(FlaskForm):
    start = DateField(_l("First day"), validators=[InputRequired(_l("Give the first day."))])
    end = DateField(_l("Last day"), validators=[InputRequired(_l("Give the last day."))])
    note = StringField(_l("Note (optional, e.g. leave, training)"), validators=[Length(max=500)])
