"""Forms of the complaints domain: filing one (public, portal, staff), each handling step, the
complainant's reply and rating."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from certification.accounts.forms import LOCALE_CHOICES, email_address
from certification.applications.forms import CheckboxesField
from certification.complaints.models import About, Category, Channel, Closure, Severity, Urgency
from certification.complaints.services import STAFF_CHANNELS

LONG = 10000


def _choices(enum, values=None):
    return [SelectChoice(v.value, v.label) for v in (values or enum)]


class FilingForm(FlaskForm):
    """What a complainant tells us (the public form; staff add how and when it came)."""

    submission_key = HiddenField()
    complainant_name = StringField(
        _l("Your name"), [DataRequired(_l("Give your name.")), Length(max=200)]
    )
    email = EmailField(_l("E-mail"), [Optional(), email_address, Length(max=254)])
    phone = StringField(_l("Telephone"), [Optional(), Length(max=50)])
    language = SelectField(_l("Language for our answers"), choices=LOCALE_CHOICES, default="en")
    about = RadioField(_l("Your complaint is about"), default=About.BODY.value)
    named_organisation = StringField(
        _l("The certified organisation (name or certificate number)"), [Length(max=300)]
    )
    category = SelectField(_l("What it concerns"), default=Category.OTHER.value)
    subject = StringField(
        _l("In a few words"),
        [DataRequired(_l("Say in a few words what it is about.")), Length(max=200)],
    )
    description = TextAreaField(
        _l("What happened"), [DataRequired(_l("Describe what happened.")), Length(max=LONG)]
    )
    attachments = MultipleFileField(_l("Documents or photos (optional)"))
    identity_shared = BooleanField(
        _l("You may show my name to the organisation or people concerned.")
    )

    def with_choices(self) -> FilingForm:
        # Labels are lazy; choices built per request follow the reader's language.
        self.about.choices = _choices(About)
        self.category.choices = _choices(Category)
        return self


class StaffFilingForm(FilingForm):
    """A complaint received by phone, e-mail, letter or in person, recorded by staff."""

    complainant_name = StringField(
        _l("Complainant's name"),
        [DataRequired(_l("Give the complainant's name.")), Length(max=200)],
    )
    channel = SelectField(_l("Received by"))
    received_on = DateField(_l("Received on"), [InputRequired(_l("Give the day it arrived."))])
    identity_shared = BooleanField(_l("The complainant agrees that their name may be shown."))

    def with_choices(self) -> StaffFilingForm:
        super().with_choices()
        self.channel.choices = _choices(Channel, STAFF_CHANNELS)
        return self


class ClientFilingForm(FlaskForm):
    """A client user complains about the body's work from the portal."""

    submission_key = HiddenField()
    category = SelectField(_l("What it concerns"), default=Category.AUDIT_CONDUCT.value)
    subject = StringField(
        _l("In a few words"),
        [DataRequired(_l("Say in a few words what it is about.")), Length(max=200)],
    )
    description = TextAreaField(
        _l("What happened"), [DataRequired(_l("Describe what happened.")), Length(max=LONG)]
    )
    attachments = MultipleFileField(_l("Documents or photos (optional)"))
    identity_shared = BooleanField(_l("You may show my name to the people concerned."))

    def with_choices(self) -> ClientFilingForm:
        self.category.choices = _choices(Category)
        return self


# -- handling steps -----------------------------------------------------------------------------


class AcknowledgeForm(FlaskForm):
    message = TextAreaField(
        _l("Acknowledgement to the complainant"),
        [DataRequired(_l("Write the acknowledgement the complainant reads.")), Length(max=LONG)],
    )


class AssessForm(FlaskForm):
    category = SelectField(_l("Category"))
    severity = RadioField(_l("Severity"))
    urgency = RadioField(_l("Urgency"), default=Urgency.NORMAL.value)
    organisation_id = SelectField(_l("Certified organisation concerned"), coerce=int, default=0)
    audit_id = SelectField(_l("Audit concerned"), coerce=int, default=0)
    involved = CheckboxesField(_l("People of the body involved in the matter"), coerce=int)
    involved_note = StringField(_l("How they are involved"), [Length(max=500)])
    notes = TextAreaField(_l("Initial assessment"), [Length(max=LONG)])

    def with_choices(self, organisations, audits, staff) -> AssessForm:
        self.category.choices = _choices(Category)
        self.severity.choices = _choices(Severity)
        self.urgency.choices = _choices(Urgency)
        self.organisation_id.choices = [SelectChoice(0, _l("None"))] + [
            SelectChoice(o.id, o.display_name) for o in organisations
        ]
        self.audit_id.choices = [SelectChoice(0, _l("None"))] + [
            SelectChoice(a.id, f"{a.organisation.display_name}: {a.kind_enum.label}")
            for a in audits
        ]
        self.involved.choices = [SelectChoice(p.id, p.name) for p in staff]
        return self


class DismissForm(FlaskForm):
    answer = TextAreaField(
        _l("Why this is not a complaint (the person reads this)"),
        [
            DataRequired(_l("Tell the person why this is not handled as a complaint.")),
            Length(max=LONG),
        ],
    )


class AssignForm(FlaskForm):
    investigator_id = SelectField(_l("Investigator"), coerce=int)

    def with_choices(self, people) -> AssignForm:
        self.investigator_id.choices = [SelectChoice(p.id, p.name) for p in people]
        return self


class ProposeForm(FlaskForm):
    findings = TextAreaField(
        _l("What the investigation found"),
        [DataRequired(_l("Write what the investigation found.")), Length(max=LONG)],
    )
    response = TextAreaField(
        _l("The answer proposed to the complainant"),
        [DataRequired(_l("Write the answer you propose.")), Length(max=LONG)],
    )


class ApproveForm(FlaskForm):
    note = TextAreaField(_l("Review note"), [Length(max=LONG)])


class SendBackForm(FlaskForm):
    note = TextAreaField(
        _l("What the investigation still needs"),
        [DataRequired(_l("Say what the investigation still needs.")), Length(max=LONG)],
    )


class RespondForm(FlaskForm):
    """Send the approved answer: nothing to fill in."""


class RecordReplyForm(FlaskForm):
    accepted = RadioField(
        _l("The complainant's reply"),
        choices=[],
        validators=[InputRequired(_l("Choose the complainant's reply."))],
    )
    comment = TextAreaField(_l("What they said"), [Length(max=LONG)])

    def with_choices(self) -> RecordReplyForm:
        self.accepted.choices = [
            SelectChoice("yes", _l("Accepts the outcome")),
            SelectChoice("no", _l("Does not accept the outcome")),
        ]
        return self


class CloseForm(FlaskForm):
    closure = RadioField(_l("How it ended"), validators=[InputRequired(_l("Choose how it ended."))])
    note = TextAreaField(
        _l("Closing note"), [DataRequired(_l("Write down how it ended.")), Length(max=LONG)]
    )

    def with_choices(self, closures) -> CloseForm:
        self.closure.choices = _choices(Closure, closures)
        return self


# -- the complainant, through the private link; the certified client ---------------------------


class ReplyForm(RecordReplyForm):
    accepted = RadioField(
        _l("Do you accept this outcome?"),
        choices=[],
        validators=[InputRequired(_l("Say whether you accept the outcome."))],
    )
    comment = TextAreaField(_l("Your comments"), [Length(max=LONG)])

    def with_choices(self) -> ReplyForm:
        self.accepted.choices = [
            SelectChoice("yes", _l("Yes, I accept it")),
            SelectChoice("no", _l("No, I do not accept it")),
        ]
        return self


class RateForm(FlaskForm):
    score = RadioField(
        _l("How satisfied are you with the way we handled your complaint?"),
        coerce=int,
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(_l("Anything you would like to tell us"), [Length(max=LONG)])

    def with_choices(self) -> RateForm:
        self.score.choices = [
            SelectChoice(5, _l("5 · very satisfied")),
            SelectChoice(4, _l("4 · satisfied")),
            SelectChoice(3, _l("3 · neither")),
            SelectChoice(2, _l("2 · dissatisfied")),
            SelectChoice(1, _l("1 · very dissatisfied")),
        ]
        return self


class ClientResponseForm(FlaskForm):
    text = TextAreaField(
        _l("Your organisation's answer to this complaint"),
        [DataRequired(_l("Write your organisation's answer.")), Length(max=LONG)],
    )
