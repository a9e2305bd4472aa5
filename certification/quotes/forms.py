"""Forms of the quotes domain: preparing a quote, answering it, withdrawing it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from certification.forms_kit import DecimalField
from certification.settings import services as settings
from certification.submissions.forms import SentOnce


class QuoteForm(SentOnce, FlaskForm):
    adjust_percent = DecimalField(
        _l("Adjustment of the table time (%)"),
        default=0,
        places=1,
        validators=[
            InputRequired(message=_l("Give the adjustment in percent; 0 for none.")),
            NumberRange(
                min=-100, max=500, message=_l("Give a percentage between %(min)s and %(max)s.")
            ),
        ],
    )
    site_reduction_percent = DecimalField(
        _l("Further reduction of each sampled site's time (%)"),
        default=0,
        places=1,
        validators=[
            Optional(),
            NumberRange(
                min=0, max=50, message=_l("Give a percentage between %(min)s and %(max)s.")
            ),
        ],
    )
    justification = TextAreaField(_l("Justification of the adjustment"), [Length(max=5000)])
    currency = SelectField(_l("Currency"))
    notes = TextAreaField(_l("Notes for the client"), [Length(max=5000)])

    def for_organisation(self, organisation) -> QuoteForm:
        """Offer the currencies that have a day rate; the client's own is preselected."""
        self.currency.choices = [(c, c) for c in settings.currencies()]
        if self.currency.data is None:
            self.currency.data = organisation.currency
        return self


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note"), [Length(max=2000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason for withdrawing"), [Length(max=2000)])
