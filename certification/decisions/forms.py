"""Forms of the decisions domain: the committee's decision on a file or on a certificate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from certification.decisions.models import Outcome
from certification.decisions.services import ON_CERTIFICATE
from certification.i18n.languages import LANGUAGES


class DecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Decision"), choices=[], validators=[InputRequired(_l("Choose an outcome."))]
    )
    reasons = TextAreaField(
        _l("Reasons for the decision"),
        [InputRequired(_l("Give the reasons for the decision.")), Length(max=10000)],
    )
    scope = TextAreaField(_l("Scope (as certified after this decision)"), [Length(max=10000)])
    # The certificate is bilingual: English and this language (the service checks the choice;
    # not sent: the client's preferred language).
    certificate_language = SelectField(
        _l("Language of the certificate beside English"), choices=[], validate_choice=False
    )
    co_member_id = SelectField(_l("Second committee member (optional)"), coerce=int, default=0)
    co_member_agrees = RadioField(
        _l("Their vote"),
        choices=[SelectChoice("yes", _l("Agrees")), SelectChoice("no", _l("Disagrees"))],
        default="yes",
    )
    co_member_reasons = TextAreaField(_l("Their reasons"), [Length(max=10000)])
    # The certificate the file showed ("0": none): a decision taken on another is refused.
    certificate_seen = HiddenField(validators=[Length(max=20)])

    def with_choices(self, outcomes, members) -> DecisionForm:
        # Labels are lazy; choices built at class time would freeze the first request's language.
        self.outcome.choices = [SelectChoice(o.value, o.label) for o in outcomes]
        self.certificate_language.choices = [
            SelectChoice("en", _l("None (English only)")),
            *(SelectChoice(code, name) for code, name in LANGUAGES.items() if code != "en"),
        ]
        self.co_member_id.choices = [SelectChoice(0, _l("Nobody"))] + [
            SelectChoice(m.id, m.name) for m in members
        ]
        return self

    def other_members(self) -> list[tuple[int, bool, str]]:
        if not self.co_member_id.data:
            return []
        agrees = self.co_member_agrees.data != "no"
        return [(self.co_member_id.data, agrees, self.co_member_reasons.data or "")]


OFFERED_BY_STATE = {
    "active": (Outcome.SUSPEND.value, Outcome.WITHDRAW.value),
    "suspended": (Outcome.RESTORE.value, Outcome.WITHDRAW.value),
}


class CertificateDecisionForm(FlaskForm):
    """Suspension, restoration or withdrawal without an audit: at the client's request, because
    an audit was not held by its due date, or once a suspension's cause is resolved (17021-1
    9.6.2, 9.6.5)."""

    outcome = RadioField(
        _l("Decision"), choices=[], validators=[InputRequired(_l("Choose an outcome."))]
    )
    reasons = TextAreaField(
        _l("Reasons (the client's request, or the audit not held in time)"),
        [InputRequired(_l("Give the reasons for the decision.")), Length(max=10000)],
    )
    limit = DateField(
        _l("Suspended until (empty: the longest the policy allows)"), validators=[Optional()]
    )
    # Where the decision was taken from ("certificate": its page; else the organisation's page).
    back = HiddenField(validators=[Length(max=20)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [SelectChoice(o.value, Outcome(o).label) for o in ON_CERTIFICATE]

    def choices_for(self, state: str, unavailable=()) -> list[SelectChoice]:
        """The outcomes the certificate's present state allows (an expired one comes back only
        from a recertification file: 17021-1 9.6.3.2.5), less those a rule refuses now
        (`unavailable`: services.unavailable_on_certificate; the page shows why)."""
        offered = OFFERED_BY_STATE.get(state, ())
        return [
            choice
            for choice in self.outcome.choices
            if choice.value in offered and choice.value not in unavailable
        ]
