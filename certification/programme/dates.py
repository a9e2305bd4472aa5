"""The programme's dates: each audit's window from the decision and the audits already dated
(the rules are programme.rules.programme_windows), and the due badges of the dashboards."""

from __future__ import annotations

from datetime import date

from certification.extensions import db
from certification.programme import rules
from certification.programme.models import Audit, AuditKind, Cycle
from certification.settings import services as settings
from certification.workflow import AuditState


def refresh_programme_dates(cycle: Cycle) -> Cycle:
    """Recompute every audit's window from the decision date and the audits already dated."""
    # A repeated stage replaces the earlier one: the latest audit of each kind not cancelled.
    by_kind = {a.kind: a for a in cycle.audits if a.state != AuditState.CANCELLED}
    windows = rules.programme_windows(
        cycle.decision_date,
        stage1_last_day=_last_day(by_kind.get(AuditKind.STAGE1)),
        surveillance1_last_day=_last_day(by_kind.get(AuditKind.SURVEILLANCE1)),
        stage1_void_months=int(settings.get("stage1_void_months")),
        surveillance2_last_day=_last_day(by_kind.get(AuditKind.SURVEILLANCE2)),
        expires_on=cycle.expires_on,
    )
    for kind, window in windows.items():
        audit = by_kind.get(kind)
        if audit is not None:
            audit.window_start, audit.due_by = window.start, window.due_by
    db.session.flush()
    return cycle


def _last_day(audit: Audit | None) -> date | None:
    if audit is None or audit.state == AuditState.CANCELLED:
        return None
    return audit.end_date


def due_windows() -> tuple[int, ...]:
    return tuple(int(d) for d in settings.get("due_windows"))


def due_badges(audits, today: date) -> dict[int, str | None]:
    """Dashboard badge of each audit by id: "overdue", "due_30", ... or None."""
    windows = due_windows()
    return {
        a.id: rules.audit_due_status(a.state, a.due_by, a.end_date, today, windows) for a in audits
    }
