"""Forms of transfers: the application with the other body's data, the pre-transfer review, the
committee's decision, a withdrawal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from certification.applications import schemes
from certification.applications.forms import CheckboxesField
from certification.transfers.models import LAST_AUDIT_LABELS, STATUS_LABELS
from certification.transfers.rules import mla_signatories

OTHER_BODY = "OTHER"
LONG = 10000


def _date(label):
    return DateField(label, [InputRequired(_l("Give the date."))])


class TransferForm(FlaskForm):
    issuing_body = StringField(
        _l("Certification body that issued the certificate"),
        [DataRequired(_l("Name the certification body.")), Length(max=300)],
    )
    accreditation_body = SelectField(_l("Its accreditation body"))
    accreditation_number = StringField(_l("Its accreditation number"), [Length(max=60)])
    certificate_number = StringField(
        _l("Certificate number"), [DataRequired(_l("Give the certificate number.")), Length(max=60)]
    )
    certificate_status = SelectField(_l("Status of the certificate"))
    issued_on = _date(_l("Issued on"))
    original_issued_on = _date(_l("Original certification date"))
    expires_on = _date(_l("Expires on"))
    last_audit_kind = SelectField(_l("Last audit the other body carried out"))
    last_audit_on = _date(_l("Last day of that audit"))
    open_nonconformities = TextAreaField(_l("Nonconformities still open"), [Length(max=LONG)])
    complaints = TextAreaField(
        _l("Complaints received and how they were handled"), [Length(max=LONG)]
    )
    scheme = SelectField(_l("Scheme and edition"), [DataRequired()])
    scope = TextAreaField(
        _l("Scope as certified"),
        [DataRequired(_l("Give the certified scope.")), Length(min=10, max=5000)],
    )
    sites = CheckboxesField(_l("Certified sites"), coerce=int)
    documents = MultipleFileField(_l("The certificate and the last audit reports"))

    def with_choices(self, organisation) -> TransferForm:
        self.accreditation_body.choices = [SelectChoice(b.code, b.name) for b in mla_signatories()]
        self.accreditation_body.choices.append(
            SelectChoice(OTHER_BODY, _l("Another accreditation body"))
        )
        self.certificate_status.choices = [SelectChoice(k, v) for k, v in STATUS_LABELS.items()]
        self.last_audit_kind.choices = [SelectChoice(k, v) for k, v in LAST_AUDIT_LABELS.items()]
        self.scheme.choices = [SelectChoice(value, label) for value, label in schemes.choices()]
        self.sites.choices = [SelectChoice(site.id, site.name) for site in organisation.sites]
        return self


class ReviewForm(FlaskForm):
    reports_reviewed = BooleanField(_l("The last audit reports are reviewed"))
    nonconformities_reviewed = BooleanField(_l("The open nonconformities are reviewed"))
    complaints_reviewed = BooleanField(_l("The complaints and their handling are reviewed"))
    cycle_checked = BooleanField(_l("Where the certification cycle stands is checked"))
    certified_scope = TextAreaField(
        _l("Scope on the other body's certificate"),
        [
            DataRequired(
                _l(
                    "IAF MD 2: the cycle continues with the same scope: copy the scope from the "
                    "other body's certificate."
                )
            ),
            Length(max=5000),
        ],
    )
    visited = BooleanField(_l("A visit to the client was made"))
    visited_on = DateField(_l("Day of the visit"), [Optional()])
    visit_notes = TextAreaField(_l("What the visit found"), [Length(max=LONG)])
    review_findings = TextAreaField(
        _l("Findings of the pre-transfer review"),
        [DataRequired(_l("Write what the review found.")), Length(max=LONG)],
    )
    recommended = RadioField(_l("Recommendation to the committee"), default="yes")

    def with_choices(self) -> ReviewForm:
        self.recommended.choices = [
            SelectChoice("yes", _l("Transfer the certificate")),
            SelectChoice("no", _l("Do not transfer it")),
        ]
        return self


class TransferDecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Decision"), choices=[], validators=[InputRequired(_l("Choose an outcome."))]
    )
    reasons = TextAreaField(
        _l("Reasons for the decision"),
        [DataRequired(_l("Give the reasons for the decision.")), Length(max=LONG)],
    )

    def with_choices(self) -> TransferDecisionForm:
        self.outcome.choices = [
            SelectChoice("grant", _l("Grant the transfer: issue our certificate")),
            SelectChoice("refuse", _l("Refuse the transfer")),
        ]
        return self


class WithdrawTransferForm(FlaskForm):
    reason = TextAreaField(_l("Why"), [Length(max=LONG)])
