"""Forms of the programme domain: scheduling an audit with its team, cancelling one."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from certification.programme.models import TeamRole

EXTRA_ROWS = 2  # empty member rows offered after the current team
MIN_ROWS = 3


class MemberForm(Form):
    """One team seat besides the lead; a row left on "nobody" is ignored."""

    user_id = SelectField(_l("Team member"), coerce=int, default=0)
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(TeamRole.AUDITOR.value, _l("Auditor")),
            SelectChoice(TeamRole.EXPERT.value, _l("Technical expert")),
        ],
        default=TeamRole.AUDITOR.value,
    )
    override_reason = TextAreaField(_l("Reason to assign this person anyway"), [Length(max=2000)])


class ScheduleForm(FlaskForm):
    start = DateField(_l("First day"), validators=[Optional()])
    end = DateField(_l("Last day"), validators=[Optional()])
    lead_id = SelectField(_l("Lead auditor"), coerce=int, default=0)
    lead_override = TextAreaField(_l("Reason to assign the lead anyway"), [Length(max=2000)])
    members = FieldList(FormField(MemberForm), min_entries=MIN_ROWS)
    late_reason = TextAreaField(
        _l("Justified exception: why the audit is held after its due date"), [Length(max=2000)]
    )

    @staticmethod
    def initial(audit, asked=None) -> dict:
        """What the form shows first: the audit's current dates and team, with room to add;
        the days asked for (?start=&end=, "Show who is free") replace the audit's dates."""
        lead = next((m for m in audit.team if m.role == TeamRole.LEAD), None)
        members = [
            {"user_id": m.user_id, "role": m.role, "override_reason": m.override_reason}
            for m in audit.team
            if m.role != TeamRole.LEAD
        ]
        asked = asked or {}
        return {
            "late_reason": audit.late_justification,
            "start": _day(asked.get("start")) or audit.start_date,
            "end": _day(asked.get("end")) or audit.end_date,
            "lead_id": lead.user_id if lead else 0,
            "lead_override": lead.override_reason if lead else "",
            "members": members + [{} for _ in range(EXTRA_ROWS)],
        }

    def validate(self, extra_validators=None) -> bool:
        """Each person takes one seat: the lead is not listed again, nor a member twice."""
        valid = super().validate(extra_validators)
        seen = {self.lead_id.data} if self.lead_id.data else set()
        for row in self._rows():
            user_id = row.form.user_id.data
            if user_id == self.lead_id.data:
                row.form.user_id.errors = [
                    *row.form.user_id.errors,
                    _l("This person is already the lead auditor; list them once."),
                ]
                valid = False
            elif user_id in seen:
                row.form.user_id.errors = [
                    *row.form.user_id.errors,
                    _l("This person is already on the team; list them once."),
                ]
                valid = False
            seen.add(user_id)
        if not valid:
            self.members.errors = [row.errors for row in self.members]
        return valid

    def with_people(self, people) -> ScheduleForm:
        """Offer the active auditors in the lead and member selects."""
        choices = [SelectChoice(0, "—")] + [SelectChoice(p.id, p.name) for p in people]
        self.lead_id.choices = choices
        for row in self.members:
            row.form.user_id.choices = choices
        return self

    def team(self) -> list[tuple[int, str]]:
        return [(row.form.user_id.data, row.form.role.data) for row in self._rows()]

    def overrides(self) -> dict[int, str]:
        given = {row.form.user_id.data: row.form.override_reason.data for row in self._rows()}
        if self.lead_id.data:
            given[self.lead_id.data] = self.lead_override.data
        return {user_id: reason or "" for user_id, reason in given.items()}

    def reason_field(self, user_id: int):
        """The override field of this person's row (where a refusal about them is shown)."""
        if user_id == self.lead_id.data:
            return self.lead_override
        return next(
            (row.form.override_reason for row in self._rows() if row.form.user_id.data == user_id),
            None,
        )

    def _rows(self):
        return [row for row in self.members if row.form.user_id.data]


class PersonnelForm(FlaskForm):
    """The effective personnel the client declares at renewal (IAF MD 5)."""

    personnel = IntegerField(
        _l("Effective personnel declared for renewal"),
        [
            InputRequired(_l("Give the effective personnel as a whole number.")),
            NumberRange(min=1, max=10_000_000),
        ],
    )


class RepeatForm(FlaskForm):
    """Another stage 1 or stage 2 for the cycle, with the reason kept in its history."""

    reason = TextAreaField(_l("Why this stage is conducted again"), [Length(max=2000)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason for cancelling"), [Length(max=2000)])


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
