"""Forms of appeals: the client's appeal, the panel's appointment and the panel's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from certification.applications.forms import CheckboxesField

LONG = 10000


class AppealForm(FlaskForm):
    grounds = TextAreaField(
        _l("Why you appeal the decision"),
        [DataRequired(_l("Give the reasons for your appeal.")), Length(max=LONG)],
    )
    attachments = MultipleFileField(_l("Supporting documents (optional)"))


class PanelForm(FlaskForm):
    members = CheckboxesField(_l("Members of the appeal panel"), coerce=int)

    def with_choices(self, people) -> PanelForm:
        self.members.choices = [
            SelectChoice(p.id, f"{p.name} ({p.role_enum.label})") for p in people
        ]
        return self


class StayForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the decision is suspended meanwhile"),
        [
            DataRequired(_l("Say why the decision is suspended during the appeal.")),
            Length(max=LONG),
        ],
    )


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(
        _l("The panel's decision"),
        choices=[],
        validators=[InputRequired(_l("Choose the panel's decision."))],
    )
    reasons = TextAreaField(
        _l("The panel's reasons"), [DataRequired(_l("Give the panel's reasons.")), Length(max=LONG)]
    )
    answer = TextAreaField(
        _l("The answer in writing to the client"),
        [DataRequired(_l("Write the answer the client receives.")), Length(max=LONG)],
    )
    band = StringField(_l("Rating band the panel found (rating appeals)"), [Length(max=100)])

    def with_choices(self) -> AppealDecisionForm:
        self.outcome.choices = [
            SelectChoice("upheld", _l("Upheld: the decision is reversed or decided again")),
            SelectChoice("rejected", _l("Rejected: the decision stands")),
        ]
        return self


class WithdrawAppealForm(FlaskForm):
    """Nothing to fill in: the client confirms by the button."""
