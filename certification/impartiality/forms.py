"""Forms of the impartiality records."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from certification.impartiality.models import LEVELS, SOURCES, THREATS

LONG = 10000


class RiskForm(FlaskForm):
    threat = SelectField(_l("Threat"))
    source_kind = SelectField(_l("Where it comes from"))
    organisation_id = SelectField(_l("Client"), coerce=int, default=0)
    person_id = SelectField(_l("Person"), coerce=int, default=0)
    relation = StringField(_l("Relation"), [Length(max=300)])
    description = TextAreaField(
        _l("The threat"), [DataRequired(_l("Describe the threat.")), Length(max=LONG)]
    )
    level = SelectField(_l("Level"), default="medium")
    action_taken = TextAreaField(_l("Action taken"), [Length(max=LONG)])
    review_on = DateField(_l("Next review"), [Optional()])
    reviewed = BooleanField(_l("Reviewed today"))
    closed = BooleanField(_l("The threat no longer exists: close the entry"))

    def with_choices(self, organisations, people) -> RiskForm:
        self.threat.choices = [SelectChoice(k, v) for k, v in THREATS.items()]
        self.source_kind.choices = [SelectChoice(k, v) for k, v in SOURCES.items()]
        self.level.choices = [SelectChoice(k, v) for k, v in LEVELS.items()]
        self.organisation_id.choices = [SelectChoice(0, _l("None"))] + [
            SelectChoice(o.id, o.display_name) for o in organisations
        ]
        self.person_id.choices = [SelectChoice(0, _l("None"))] + [
            SelectChoice(p.id, p.name) for p in people
        ]
        return self


class CommitteeReviewForm(FlaskForm):
    held_on = DateField(
        _l("Day of the meeting"), [InputRequired(_l("Give the day of the meeting."))]
    )
    members = TextAreaField(
        _l("Members present"), [DataRequired(_l("Name the members present.")), Length(max=LONG)]
    )
    conclusions = TextAreaField(
        _l("Conclusions"),
        [DataRequired(_l("Write the committee's conclusions.")), Length(max=LONG)],
    )
    minutes = FileField(_l("Minutes (PDF, DOCX or ODT)"))


class DeclarationForm(FlaskForm):
    interests = TextAreaField(
        _l("Relations with clients I declare (none if empty)"), [Length(max=LONG)]
    )
    agree = BooleanField(
        _l("I have read the declaration and sign it."),
        [DataRequired(_l("Tick the box to sign the declaration."))],
    )


class PaperDeclarationForm(FlaskForm):
    person_id = SelectField(_l("Person"), coerce=int)
    interests = TextAreaField(_l("Relations declared on the paper"), [Length(max=LONG)])
