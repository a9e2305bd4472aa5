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
    by_kind = _current_by_kind(cycle)
    for kind, window in programme_windows_of(cycle).items():
        audit = by_kind.get(kind)
        if audit is not None:
            audit.window_start, audit.due_by = window.start, window.due_by
    db.session.flush()
    return cycle


def programme_windows_of(
    cycle: Cycle, surveillance1_last_day: date | None = None
) -> dict[str, rules.Window]:
    """Each audit's window from the cycle as it stands, without writing anything; with
    `surveillance1_last_day`, as it would be were surveillance 1 to end on that day."""
    by_kind = _current_by_kind(cycle)
    return rules.programme_windows(
        cycle.decision_date,
        stage1_last_day=_last_day(by_kind.get(AuditKind.STAGE1)),
        surveillance1_last_day=surveillance1_last_day
        or _last_day(by_kind.get(AuditKind.SURVEILLANCE1)),
        stage1_void_months=int(settings.get("stage1_void_months")),
        surveillance2_last_day=_last_day(by_kind.get(AuditKind.SURVEILLANCE2)),
        expires_on=cycle.expires_on,
    )


def earliest_start(audit: Audit) -> date | None:
    """The first day surveillance 2 may start, from the cycle as it stands (shown to the planner
    before they pick dates); None for the other audits and for audits no longer open."""
    if audit.kind != AuditKind.SURVEILLANCE2 or audit.state not in rules.OPEN_STATES:
        return None
    return programme_windows_of(audit.cycle)["surveillance2"].start


def _current_by_kind(cycle: Cycle) -> dict[str, Audit]:
    """A repeated stage replaces the earlier one: the latest audit of each kind not cancelled."""
    return {a.kind: a for a in cycle.audits if a.state != AuditState.CANCELLED}


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
