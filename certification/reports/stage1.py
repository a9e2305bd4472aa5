"""Stage 1 ends with the lead auditor's conclusion on the client's readiness for stage 2.

ISO/IEC 17021-1 9.3.1: stage 1 checks documentation and readiness; its conclusion says whether
stage 2 may go ahead. It needs no committee decision: the audit closes with the conclusion
(recorded with the report, logged), and the committee reads it inside the stage 2 file.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from certification.activity.notes import log_note
from certification.activity.services import lock, transition
from certification.extensions import db
from certification.models_base import utcnow
from certification.programme.dates import refresh_programme_dates
from certification.programme.models import Audit, TeamRole
from certification.reports.models import AuditReport, Readiness
from certification.reports.services import ReportError, check_report_ready, report_of
from certification.workflow import Action


def conclude_stage1(actor, audit: Audit, *, readiness: Readiness | str, summary: str, today: date):
    """The lead auditor concludes stage 1: ready for stage 2, or not (stage 1 to be repeated).

    Every check runs before anything changes, so a refusal leaves the audit as it was.
    """
    lock(audit)  # a second click waits, then finds stage 1 concluded
    if audit.kind != "stage1":
        raise ReportError(_("Only a stage 1 audit ends with a conclusion on readiness."))
    if not any(m.user_id == actor.id and m.role == TeamRole.LEAD for m in audit.team):
        raise ReportError(_("Only the lead auditor concludes stage 1."))
    try:
        readiness = Readiness(readiness)
    except ValueError:
        raise ReportError(_("Say whether the client is ready for stage 2."), "readiness") from None
    summary = (summary or "").strip()
    if not summary:
        raise ReportError(_("Give the reasons for the conclusion."), "summary")
    data = check_report_ready(audit, Action.CONCLUDE, today)
    report = data.report or AuditReport(audit_id=audit.id)
    report.summary = summary
    report.readiness = readiness.value
    report.computed_recommendation = report.recommendation = data.computed.value
    report.override_reason = ""
    report.submitted_by_id, report.submitted_at = actor.id, utcnow()
    db.session.add(report)
    db.session.flush()
    transition(
        actor,
        audit,
        Action.CONCLUDE,
        note=log_note("concluded", conclusion=readiness, date=today, summary=summary),
    )
    refresh_programme_dates(audit.cycle)
    return report


def readiness_of(audit: Audit | None) -> str:
    """The stage 1 conclusion recorded for this audit: "ready", "not_ready" or ""."""
    if audit is None:
        return ""
    report = report_of(audit)
    return report.readiness if report is not None else ""
