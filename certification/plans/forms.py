"""Forms of the audit plan: the draft's texts, added people and timetable; the client's answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from certification.i18n.languages import LANGUAGES
from certification.plans.models import PLAN_ROLES
from certification.plans.services import EXTRA_ROLES, LineInput, PlanInput

EXTRA_LINES = 3
EXTRA_SEATS = 2


class SeatForm(Form):
    name = StringField(_l("Name"), [Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, PLAN_ROLES[r]) for r in EXTRA_ROLES])


class LineForm(Form):
    day = DateField(_l("Day"), validators=[Optional()])
    starts = StringField(_l("Starts at"), [Length(max=5)])
    ends = StringField(_l("Ends at"), [Length(max=5)])
    activity = StringField(_l("Process or clause audited"), [Length(max=2000)])
    clauses = StringField(_l("Clauses"), [Length(max=100)])
    auditors = StringField(_l("Auditors"), [Length(max=300)])
    auditor_hours = DecimalField(
        _l("Auditor-hours"), [Optional(), NumberRange(min=0, max=9999)], places=2
    )


class PlanForm(FlaskForm):
    objectives = TextAreaField(_l("Audit objectives"), [Length(max=5000)])
    scope = TextAreaField(_l("Audit scope"), [Length(max=5000)])
    criteria = TextAreaField(_l("Audit criteria: standard and edition"), [Length(max=2000)])
    client_documents = TextAreaField(
        _l("Audit criteria: the organisation's own documents"), [Length(max=5000)]
    )
    representative = StringField(_l("The client's representative"), [Length(max=200)])
    language = SelectField(
        _l("Language of the audit"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
    )
    confidentiality = TextAreaField(_l("Confidentiality"), [Length(max=5000)])
    seats = FieldList(FormField(SeatForm), min_entries=1)
    lines = FieldList(FormField(LineForm), min_entries=1)

    @staticmethod
    def initial(plan) -> dict:
        extras = [{"name": s.name, "role": s.role} for s in plan.team if s.role in EXTRA_ROLES]
        lines = [
            {
                "day": a.day,
                "starts": a.starts,
                "ends": a.ends,
                "activity": a.activity,
                "clauses": a.clauses,
                "auditors": a.auditors,
                "auditor_hours": a.auditor_hours,
            }
            for a in plan.activities
        ]
        return {
            "objectives": plan.objectives,
            "scope": plan.scope,
            "criteria": plan.criteria,
            "client_documents": plan.client_documents,
            "representative": plan.representative,
            "language": plan.language,
            "confidentiality": plan.confidentiality,
            "seats": extras + [{} for _ in range(EXTRA_SEATS)],
            "lines": lines + [{} for _ in range(EXTRA_LINES)],
        }

    def values(self) -> PlanInput:
        return PlanInput(
            objectives=self.objectives.data or "",
            scope=self.scope.data or "",
            criteria=self.criteria.data or "",
            client_documents=self.client_documents.data or "",
            representative=self.representative.data or "",
            language=self.language.data or "",
            confidentiality=self.confidentiality.data or "",
            extra_seats=[(row.form.name.data, row.form.role.data) for row in self.seats],
            lines=[
                LineInput(
                    day=row.form.day.data,
                    starts=(row.form.starts.data or "").strip(),
                    ends=(row.form.ends.data or "").strip(),
                    activity=row.form.activity.data or "",
                    clauses=row.form.clauses.data or "",
                    auditors=row.form.auditors.data or "",
                    auditor_hours=row.form.auditor_hours.data,
                )
                for row in self.lines
            ],
        )


class ChangeRequestForm(FlaskForm):
    comment = TextAreaField(_l("What should change"), [Length(max=5000)])
