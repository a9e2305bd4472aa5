"""Forms of the reports domain: the client's complaints figures and submitting the report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from certification.forms_kit import DecimalField, IntegerField
from certification.i18n.languages import LANGUAGES
from certification.reports.assessment import Assessment
from certification.reports.models import Readiness, Recommendation, ScopeVerdict
from certification.reports.services import FiguresInput


class FiguresForm(FlaskForm):
    period_start = DateField(_l("Period from"), validators=[Optional()])
    period_end = DateField(_l("Period to"), validators=[Optional()])
    received = IntegerField(
        _l("Complaints received in the period"), [InputRequired(), NumberRange(min=0)]
    )
    closed = IntegerField(
        _l("Complaints closed in the period"), [InputRequired(), NumberRange(min=0)]
    )
    median = DecimalField(
        _l("Median days to close"), [Optional(), NumberRange(min=0, max=99999)], places=1
    )
    satisfaction = DecimalField(
        _l("Satisfaction with complaints handling (%)"),
        [Optional(), NumberRange(min=0, max=100)],
        places=1,
    )

    @staticmethod
    def initial(figures) -> dict:
        if figures is None:
            return {}
        return {
            "period_start": figures.period_start,
            "period_end": figures.period_end,
            "received": figures.complaints_received,
            "closed": figures.complaints_closed,
            "median": figures.median_days_to_close,
            "satisfaction": figures.satisfaction_percent,
        }

    def values(self) -> FiguresInput:
        return FiguresInput(
            period_start=self.period_start.data,
            period_end=self.period_end.data,
            complaints_received=self.received.data,
            complaints_closed=self.closed.data,
            median_days_to_close=self.median.data,
            satisfaction_percent=self.satisfaction.data,
        )


class SubmitReportForm(FlaskForm):
    recommendation = RadioField(
        _l("Recommendation"),
        choices=[],
        validators=[InputRequired()],
    )
    override_reason = TextAreaField(
        _l("Reason for recommending otherwise than the findings suggest"), [Length(max=4000)]
    )
    summary = TextAreaField(_l("Summary of the audit"), [Length(max=20000)])
    # ISO/IEC 17021-1 9.4.8: the lead auditor's statements besides the findings.
    plan_deviations = TextAreaField(
        _l("Deviations from the audit plan"),
        [Length(max=8000)],
        description=_l("What was done otherwise than planned, and why. Leave empty if none."),
    )
    unresolved_issues = TextAreaField(
        _l("Significant unresolved issues"),
        [Length(max=8000)],
        description=_l(
            "Opinions on findings or conclusions that still diverge between the audit team and "
            "the client. Leave empty if none."
        ),
    )
    scope_verdict = RadioField(
        _l("Scope of certification"),
        choices=[],
        default=ScopeVerdict.APPROPRIATE.value,
        validators=[
            InputRequired(
                _l("ISO/IEC 17021-1 9.4.8: say whether the scope of certification is appropriate.")
            )
        ],
    )
    scope_comment = TextAreaField(
        _l("Why the scope is not appropriate, and how it should change"), [Length(max=4000)]
    )
    # The service checks the choice (validate_choice off: a bad code gets its message there).
    language = SelectField(
        _l("Language of the report"),
        choices=[],
        validate_choice=False,
        description=_l(
            "Headings, labels and quoted questions of the report PDF are in this language; "
            "what the team wrote stays as written."
        ),
    )
    marks_use = TextAreaField(
        _l("Use of the certificate and marks"),
        [Length(max=8000)],
        description=_l(
            "How the client refers to its certification and uses the body's marks (website, "
            "documents, premises), and any misuse found."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels are lazy; choices built at class time would freeze the first request's language.
        self.recommendation.choices = [(r.value, r.label) for r in Recommendation]
        self.scope_verdict.choices = [(v.value, v.label) for v in ScopeVerdict]
        self.language.choices = list(LANGUAGES.items())

    @staticmethod
    def initial(report, preferred_language: str = "") -> dict:
        """The statements already given (a report returned by the committee keeps them); the
        language defaults to the client's preferred one."""
        if report is None:
            return {"language": preferred_language}
        return {
            "language": report.language or preferred_language,
            "summary": report.summary,
            "override_reason": report.override_reason,
            "plan_deviations": report.plan_deviations,
            "unresolved_issues": report.unresolved_issues,
            "scope_verdict": report.scope_verdict or ScopeVerdict.APPROPRIATE.value,
            "scope_comment": report.scope_comment,
            "marks_use": report.marks_use,
        }

    def assessment(self) -> Assessment:
        return Assessment(
            plan_deviations=self.plan_deviations.data or "",
            unresolved_issues=self.unresolved_issues.data or "",
            scope_verdict=self.scope_verdict.data or "",
            scope_comment=self.scope_comment.data or "",
            marks_use=self.marks_use.data or "",
        )


class Stage1ConclusionForm(FlaskForm):
    """ISO/IEC 17021-1 9.3.1: the lead auditor's conclusion on readiness closes stage 1."""

    readiness = RadioField(_l("Conclusion"), choices=[], validators=[InputRequired()])
    summary = TextAreaField(
        _l("Reasons for the conclusion"),
        [InputRequired(_l("Give the reasons for the conclusion.")), Length(max=20000)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.readiness.choices = [(r.value, r.label) for r in Readiness]
