"""Forms of the applications domain: the application itself, its review, a withdrawal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from certification.applications import schemes
from certification.applications.services import MIN_SCOPE_LENGTH
from certification.submissions.forms import SentOnce


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplicationForm(SentOnce, FlaskForm):
    scheme = SelectField(_l("Scheme and edition"), validators=[DataRequired()])
    scope = TextAreaField(
        _l("Scope of certification"),
        validators=[
            DataRequired(message=_l("Describe the activities, products and services to certify.")),
            Length(
                min=MIN_SCOPE_LENGTH,
                max=5000,
                message=lazy_ngettext(
                    "Describe the scope in %(min)d to %(num)d character.",
                    "Describe the scope in %(min)d to %(num)d characters.",
                    5000,
                    min=MIN_SCOPE_LENGTH,
                ),
            ),
        ],
    )
    sites = CheckboxesField(_l("Sites to certify"), coerce=int)
    documents = MultipleFileField(_l("Complaints-handling system documents"))
    confirm = BooleanField(
        _l("I confirm that the information given here is correct."),
        validators=[DataRequired(message=_l("Please confirm that the information is correct."))],
    )

    def for_organisation(self, organisation) -> ApplicationForm:
        """Offer the schemes and this organisation's sites (the head office is always in)."""
        self.scheme.choices = [SelectChoice(value, label) for value, label in schemes.choices()]
        self.sites.choices = [SelectChoice(site.id, site.name) for site in organisation.sites]
        return self


class ReviewForm(FlaskForm):
    competence_confirmed = BooleanField(
        _l("Competence for the sector confirmed: we can cover this scope and sector.")
    )
    outcome = RadioField(
        _l("Outcome"),
        choices=[
            SelectChoice("approve", _l("Approve the application")),
            SelectChoice("reject", _l("Reject it")),
        ],
        validators=[InputRequired(message=_l("Choose an outcome."))],
    )
    notes = TextAreaField(_l("Review notes"), validators=[Length(max=5000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for withdrawing"),
        validators=[
            DataRequired(message=_l("Give a reason for withdrawing the application.")),
            Length(max=2000),
        ],
    )
