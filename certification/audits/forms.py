"""Forms of the audits domain: one answer of the checklist (form post or JSON from checklist.js)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from certification.audits.models import GRADE_LABELS, Grade
from certification.audits.services import MAX_EVIDENCE
from certification.forms_kit import IntegerField


class AnswerForm(FlaskForm):
    """Grade, points and evidence of one question, and the version the page was showing."""

    grade = RadioField(
        _l("Grade"),
        choices=[SelectChoice("", _l("Not graded yet"))]
        + [SelectChoice(g.value, GRADE_LABELS[g]) for g in Grade],
        default="",
        validate_choice=True,
    )
    points = IntegerField(_l("Maturity points"), validators=[Optional(), NumberRange(0, 4)])
    evidence = TextAreaField(_l("Evidence"), validators=[Length(max=MAX_EVIDENCE)])
    version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])

    @classmethod
    def from_json(cls, data) -> AnswerForm:
        """The same checks for checklist.js's JSON body: null becomes an empty field."""
        data = data if isinstance(data, dict) else {}
        fields = ("grade", "points", "evidence", "version")
        values = {k: "" if data.get(k) is None else str(data[k]) for k in fields if k in data}
        return cls(formdata=MultiDict(values))

    def values(self) -> dict:
        return {
            "grade": self.grade.data or None,
            "points": self.points.data,
            "evidence": self.evidence.data or "",
            "expected_version": self.version.data,
        }
