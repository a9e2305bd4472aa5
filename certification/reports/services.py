"""The audit report: the client's figures, the scores, the recommendation and its submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.activity.notes import log_note
from certification.activity.services import lock, record, refused_again, transition
from certification.audits.models import Answer
from certification.extensions import db
from certification.findings.models import Finding
from certification.i18n import formatting
from certification.i18n.languages import LANGUAGES
from certification.models_base import utcnow
from certification.programme.models import Audit
from certification.reports import scoring
from certification.reports.assessment import Assessment, assessment_problem
from certification.reports.evidence import conforming_evidence
from certification.reports.models import AuditFigures, AuditReport, Recommendation
from certification.templating import format_day
from certification.workflow import Action, AuditState, TransitionError, next_state

# The team works on the report (and records the figures) while the audit is theirs.
EDITABLE = (AuditState.IN_PROGRESS.value, AuditState.RETURNED.value)


class ReportError(ValueError):
    """A refused report action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None, unanswered: list[str] | None = None):
        super().__init__(message)
        self.message, self.field = message, field
        self.unanswered = unanswered or []


@dataclass(frozen=True)
class TrendPoint:
    audit: Audit
    figures: AuditFigures

    @property
    def closed_percent(self) -> float | None:
        """Share of the complaints received that were closed in the period."""
        received = self.figures.complaints_received
        return None if not received else 100.0 * self.figures.complaints_closed / received


@dataclass
class ReportData:
    """Everything the report page and the PDF show about one audit."""

    audit: Audit
    checklist: object | None
    scores: scoring.Scores | None
    findings: list[Finding]
    figures: AuditFigures | None
    trend: list[TrendPoint]  # this cycle's audits with figures, in programme order
    report: AuditReport | None
    computed: Recommendation
    unanswered: list[str] = field(default_factory=list)
    plan: object | None = None  # the audit plan followed (17021-1 9.2.3, 9.4.8)
    previous_findings: list[Finding] = field(default_factory=list)  # earlier audits' findings
    # finding id -> its photos made ready for the PDF (findings.photos.pdf_photos), set by the view
    photos: dict = field(default_factory=dict)

    @cached_property
    def conforming(self) -> list:
        """Conforming answers with their evidence (reports.evidence), read when first shown."""
        return conforming_evidence(self.audit, self.checklist)

    @property
    def recommendation(self) -> Recommendation:
        """The lead's final word once given, else what the findings say."""
        if self.report is not None and self.report.recommendation:
            return Recommendation(self.report.recommendation)
        return self.computed

    @property
    def band_label(self) -> dict | None:
        band = self.scores.band if self.scores else None
        return band.label if band is not None else None

    @property
    def rating_note(self) -> str | None:
        """Why a scored audit has no rating, or why its rating gives no certificate."""
        scores = self.scores
        if scores is None or self.checklist is None or not self.checklist.scored:
            return None
        if scores.rating_withheld:
            return _(
                "No rating: %(share)s of the questions were answered other than not "
                "applicable; this scheme rates an audit from %(least)s.",
                share=formatting.percent(scores.applicable_percent, 0),
                least=formatting.percent(self.checklist.min_answered_percent, 0),
            )
        if scores.band is not None and not scores.certifiable:
            return _("Below the lowest star band: no certificate can be granted on this rating.")
        return None


# -- reading -----------------------------------------------------------------------------------


def checklist_of(audit: Audit):
    """The checklist the audit used (kept with the audit), else its scheme's current one."""
    from certification.audits.services import checklist_of as recorded_checklist_of
    from certification.checklists import loader

    recorded = recorded_checklist_of(audit)
    if recorded is not None:
        return recorded
    try:
        return loader.checklist_for(audit.cycle.scheme, audit.cycle.edition)
    except (loader.UnknownChecklistError, loader.ChecklistError):
        return None


def answers_of(audit: Audit) -> dict[str, tuple]:
    rows = db.session.execute(
        select(Answer.question_id, Answer.grade, Answer.points).where(Answer.audit_id == audit.id)
    )
    return {question_id: (grade, points) for question_id, grade, points in rows}


def findings_of(audit: Audit) -> list[Finding]:
    return list(
        db.session.scalars(
            select(Finding)
            .where(Finding.audit_id == audit.id)
            .options(selectinload(Finding.actions))
            .order_by(Finding.number)
        )
    )


def figures_trend(audit: Audit) -> list[TrendPoint]:
    """The figures recorded at each audit of the cycle, in programme order."""
    rows = db.session.execute(
        select(Audit, AuditFigures)
        .join(AuditFigures, AuditFigures.audit_id == Audit.id)
        .where(Audit.cycle_id == audit.cycle_id)
        .order_by(Audit.sequence, Audit.id)
    )
    return [TrendPoint(owner, figures) for owner, figures in rows]


def report_of(audit: Audit) -> AuditReport | None:
    return db.session.scalar(select(AuditReport).where(AuditReport.audit_id == audit.id))


def report_data(audit: Audit) -> ReportData:
    checklist = checklist_of(audit)
    answers = answers_of(audit) if checklist is not None else {}
    findings = findings_of(audit)
    trend = figures_trend(audit)
    report = report_of(audit)
    return ReportData(
        audit=audit,
        checklist=checklist,
        scores=scoring.score(checklist, answers) if checklist is not None else None,
        findings=findings,
        figures=next((p.figures for p in trend if p.audit.id == audit.id), None),
        trend=trend,
        report=report,
        computed=scoring.recommend(findings),
        unanswered=scoring.unanswered(checklist, answers) if checklist is not None else [],
        plan=_plan_followed(audit, report),
        previous_findings=previous_findings(audit),
    )


def _plan_followed(audit: Audit, report: AuditReport | None):
    """The plan version fixed at submission, else the one in force now."""
    from certification.plans.services import plan_in_force

    if report is not None and report.plan is not None:
        return report.plan
    return plan_in_force(audit)


def previous_findings(audit: Audit) -> list[Finding]:
    """Findings of the organisation's earlier audits (17021-1 9.4.8: their status is reported
    at surveillance and recertification)."""
    if audit.start_date is None:
        return []
    earlier = select(Audit.id).where(
        Audit.organisation_id == audit.organisation_id,
        Audit.id != audit.id,
        Audit.start_date < audit.start_date,
    )
    return list(
        db.session.scalars(
            select(Finding)
            .where(Finding.audit_id.in_(earlier))
            .options(selectinload(Finding.audit))
            .order_by(Finding.audit_id, Finding.number)
        )
    )


# -- the client's ISO 10002 figures ------------------------------------------------------------


@dataclass
class FiguresInput:
    period_start: date | None
    period_end: date | None
    complaints_received: int | None
    complaints_closed: int | None
    median_days_to_close: Decimal | float | None
    satisfaction_percent: Decimal | float | None


def check_figures(values: FiguresInput) -> None:
    """ISO 10002 8.1-8.4 figures as the client reports them; each bad value is named."""
    received, closed = values.complaints_received, values.complaints_closed
    if received is None or received < 0:
        raise ReportError(_("Give the number of complaints received (0 or more)."), "received")
    if closed is None or closed < 0:
        raise ReportError(_("Give the number of complaints closed (0 or more)."), "closed")
    if closed > received:
        raise ReportError(
            _(
                "More complaints closed (%(closed)s) than received (%(received)s).",
                closed=closed,
                received=received,
            ),
            "closed",
        )
    median = values.median_days_to_close
    if median is not None and median < 0:
        raise ReportError(_("The median days to close cannot be negative."), "median")
    percent = values.satisfaction_percent
    if percent is not None and not 0 <= percent <= 100:
        raise ReportError(_("Satisfaction is a percentage from 0 to 100."), "satisfaction")
    start, end = values.period_start, values.period_end
    if start and end and end < start:
        raise ReportError(_("The period cannot end before it starts."), "period_end")


def record_figures(actor, audit: Audit, values: FiguresInput) -> AuditFigures:
    """Keep the client's complaints figures for this audit (one set per audit, replaced)."""
    if audit.state not in EDITABLE:
        raise ReportError(
            _(
                "Figures are recorded while the audit is in progress; it is %(state)s.",
                state=audit.state_enum.label,
            )
        )
    check_figures(values)
    figures = db.session.scalar(select(AuditFigures).where(AuditFigures.audit_id == audit.id))
    if figures is None:
        figures = AuditFigures(audit_id=audit.id)
        db.session.add(figures)
    figures.period_start, figures.period_end = values.period_start, values.period_end
    figures.complaints_received = values.complaints_received
    figures.complaints_closed = values.complaints_closed
    figures.median_days_to_close = values.median_days_to_close
    figures.satisfaction_percent = values.satisfaction_percent
    db.session.flush()
    record(
        actor,
        audit,
        "figures_recorded",
        note=log_note(
            "figures", received=values.complaints_received, closed=values.complaints_closed
        ),
    )
    db.session.flush()
    return figures


# -- submitting the report ---------------------------------------------------------------------


def submit_report(
    actor,
    audit: Audit,
    *,
    recommendation: Recommendation | str,
    override_reason: str,
    summary: str,
    today: date,
    assessment: Assessment | None = None,
    language: str | None = None,
) -> AuditReport:
    """The lead confirms or overrides the computed recommendation and hands the report to the
    committee (17021-1 9.4.8: the auditor recommends, the committee decides). `language` is the
    report's one language (None: the one chosen before, else the client's preferred one).

    Every check runs before anything changes, so a refusal leaves the audit as it was.
    """
    lock(audit)  # a second click waits, then finds the report submitted
    if audit.kind == "stage1":
        raise ReportError(
            _(
                "ISO/IEC 17021-1 9.3.1: stage 1 ends with the lead auditor's conclusion on "
                "readiness for stage 2, not in the committee's queue; record the conclusion."
            )
        )
    data = check_report_ready(audit, Action.SUBMIT, today)
    final = _recommendation(recommendation)
    reason = (override_reason or "").strip()
    if final != data.computed and not reason:
        raise ReportError(
            _("Give the reason for recommending otherwise than the findings suggest."),
            "override_reason",
        )
    stated = (assessment or Assessment()).cleaned(audit.kind)
    problem = assessment_problem(audit.kind, stated)
    if problem is not None:
        raise ReportError(problem[1], problem[0])
    if language and language not in LANGUAGES:
        raise ReportError(_("Choose one of the languages offered for the report."), "language")
    report = data.report or AuditReport(audit_id=audit.id)
    if language:
        report.language = language
    report.summary = (summary or "").strip()
    _keep_assessment(report, stated)
    report.computed_recommendation = data.computed.value
    report.recommendation = final.value
    report.override_reason = reason if final != data.computed else ""
    percent = data.scores.percent
    report.overall_percent = None if percent is None else round(percent, 1)
    report.band = _band_text(data.scores.band)
    report.submitted_by_id, report.submitted_at = actor.id, utcnow()
    report.plan_id = _followed_plan_id(audit)
    db.session.add(report)
    db.session.flush()
    said = _submit_note(final, data.computed, reason, today)
    transition(actor, audit, Action.SUBMIT, note=said)
    return report


def _keep_assessment(report: AuditReport, stated: Assessment) -> None:
    report.plan_deviations = stated.plan_deviations
    report.unresolved_issues = stated.unresolved_issues
    report.scope_verdict, report.scope_comment = stated.scope_verdict, stated.scope_comment
    report.marks_use = stated.marks_use


def _followed_plan_id(audit: Audit) -> int | None:
    """The plan version the client last received: the one this audit followed."""
    from certification.plans.services import plan_in_force

    plan = plan_in_force(audit)
    return plan.id if plan is not None else None


def check_report_ready(audit: Audit, action: Action, today: date) -> ReportData:
    """What submitting and concluding share: the state allows it, the audit has begun, and every
    question is answered. Returns the report data."""
    try:
        next_state(audit.state_enum, action)
    except TransitionError as error:
        if refused_again(error):
            raise
        raise ReportError(
            _(
                "The report cannot be submitted now: the audit is %(state)s.",
                state=audit.state_enum.label,
            )
        ) from None
    if audit.start_date is None or today < audit.start_date:
        # 17021-1 9.4.8: the report records an audit that took place.
        raise ReportError(
            _(
                "ISO/IEC 17021-1 9.4.8: the report cannot be submitted before the audit's first "
                "day (%(date)s).",
                date=format_day(audit.start_date),
            )
        )
    data = report_data(audit)
    if data.checklist is None:
        raise ReportError(_("This audit has no checklist, so there is nothing to report on."))
    if data.unanswered:
        raise ReportError(
            ngettext(
                "%(num)d question of the checklist is still unanswered.",
                "%(num)d questions of the checklist are still unanswered.",
                len(data.unanswered),
            ),
            unanswered=data.unanswered,
        )
    return data


def _recommendation(value) -> Recommendation:
    try:
        return Recommendation(value)
    except ValueError:
        raise ReportError(_("Choose a recommendation."), "recommendation") from None


def _band_text(band) -> str:
    """The band as stored with the report (English, the certificate translates it later)."""
    if band is None:
        return ""
    label = band.label
    if isinstance(label, dict):
        return str(label.get("en") or next(iter(label.values()), ""))[:100]
    return str(label)[:100]


def _submit_note(final: Recommendation, computed: Recommendation, reason: str, today) -> dict:
    overrides = (
        [log_note("overrides", computed=computed, reason=reason)] if final != computed else []
    )
    return log_note("submitted", *overrides, recommendation=final, date=today)
