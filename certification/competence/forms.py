"""Forms of the competence records: training, a witnessed audit, the yearly evaluation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from certification.competence import services
from certification.competence.models import Outcome
from certification.submissions.forms import SentOnce


def _outcomes():
    return [(o.value, o.label) for o in Outcome]


class TrainingForm(SentOnce, FlaskForm):
    course = StringField(_l("Course"), validators=[InputRequired(), Length(max=200)])
    provider = StringField(_l("Provider"), validators=[InputRequired(), Length(max=200)])
    completed_on = DateField(
        _l("Completed on"), validators=[InputRequired(message=_l("Enter the date."))]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def details(self) -> services.TrainingDetails:
        return services.TrainingDetails(
            self.course.data, self.provider.data, self.completed_on.data, self.notes.data or ""
        )


class WitnessForm(SentOnce, FlaskForm):
    witness_name = StringField(_l("Witnessed by"), validators=[InputRequired(), Length(max=200)])
    witnessed_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))])
    audit_reference = StringField(
        _l("Audit (client and audit type)"), validators=[InputRequired(), Length(max=300)]
    )
    outcome = SelectField(_l("Outcome"), choices=_outcomes)
    notes = TextAreaField(_l("Witness's notes"), validators=[Optional(), Length(max=2000)])

    def details(self) -> services.WitnessDetails:
        return services.WitnessDetails(
            self.witness_name.data,
            self.witnessed_on.data,
            self.audit_reference.data,
            self.outcome.data,
            self.notes.data or "",
        )


class EvaluationForm(FlaskForm):
    """No one-time token: the one-evaluation-a-year rule already refuses a second sending."""

    evaluated_on = DateField(
        _l("Evaluated on"), validators=[InputRequired(message=_l("Enter the date."))]
    )
    evaluator_id = SelectField(_l("Evaluator"), coerce=int)
    outcome = SelectField(_l("Outcome"), choices=_outcomes)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def for_people(self, people, default_id: int) -> EvaluationForm:
        self.evaluator_id.choices = [(p.id, p.name) for p in people]
        if self.evaluator_id.data is None:
            self.evaluator_id.data = default_id
        return self

    def details(self) -> services.EvaluationDetails:
        return services.EvaluationDetails(
            self.evaluated_on.data, self.outcome.data, self.notes.data or "", self.evaluator_id.data
        )


class EditEvaluationForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=_outcomes)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
