"""Forms of the certificate page: suspending (reason and limit), restoring, withdrawing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

REASON = dict(
    validators=[
        DataRequired(message=_l("Give the reason; it is kept with the certificate.")),
        Length(max=2000),
    ]
)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), **REASON)


class SuspendForm(ReasonForm):
    limit = DateField(
        _l("Suspended until (empty: the longest the policy allows)"), validators=[Optional()]
    )
