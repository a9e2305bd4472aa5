"""Forms of the certificate page: its public visibility (the committee's decisions on it are
decisions.forms.CertificateDecisionForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

REASON = dict(
    validators=[
        DataRequired(message=_l("Give the reason; it is kept with the certificate.")),
        Length(max=2000),
    ]
)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), **REASON)


class ConfidentialityForm(ReasonForm):
    # What the page offered ("1": make confidential, "0": make public): a second click of the
    # same button finds it done instead of switching it back.
    make_confidential = HiddenField()

    def wanted(self) -> bool | None:
        return {"1": True, "0": False}.get(self.make_confidential.data or "")
