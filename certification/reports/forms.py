"""Forms of the reports domain: the client's complaints figures and submitting the report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from certification.forms_kit import DecimalField, IntegerField
from certification.reports.models import Readiness, Recommendation
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels are lazy; choices built at class time would freeze the first request's language.
        self.recommendation.choices = [(r.value, r.label) for r in Recommendation]


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
