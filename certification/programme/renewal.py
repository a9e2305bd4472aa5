"""Renewal: the recertification audit time comes from the personnel the client declares then.

IAF MD 5: audit time follows the organisation as it is; at renewal the client declares its
effective personnel again, and the recertification audit time (about two thirds of the initial
time for that personnel) is computed anew, not copied from the old cycle. The next cycle's
surveillance and recertification times follow from the same declaration.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from certification.activity.notes import log_note
from certification.activity.services import record
from certification.audit_time import AuditTime, AuditTimeError, compute_audit_time
from certification.extensions import db
from certification.programme.models import Audit, AuditKind
from certification.settings import services as settings
from certification.workflow import AuditState

DECLARABLE = (AuditState.PLANNED.value, AuditState.SCHEDULED.value)
MAX_PERSONNEL = 10_000_000


class RenewalError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def renewal_time(cycle, personnel: int) -> AuditTime:
    """MD 5 time for the declared personnel, with the sites and the justified adjustment of the
    quote the cycle was contracted on."""
    quote = cycle.quote
    per_site = [int(site["personnel"]) for site in (quote.site_times or [])]
    site_personnel = None
    if len(per_site) > 1:
        # IAF MD 1: the other sites as quoted, the central function the rest of the declared.
        site_personnel = [max(1, personnel - sum(per_site[1:])), *per_site[1:]]
    return compute_audit_time(
        personnel,
        sites=max(1, int(quote.sites or 1)),
        adjust_percent=float(quote.adjustment_percent or 0),
        stage1_share=settings.stage1_share(),
        site_personnel=site_personnel,
        site_reduction_percent=float(quote.site_reduction_percent or 0),
    )


def declare_personnel(actor, audit: Audit, personnel, today: date) -> Audit:
    """Record the personnel the client declared for renewal and recompute the audit time."""
    if audit.kind != AuditKind.RECERTIFICATION:
        raise RenewalError(_("Personnel is declared for renewal on the recertification audit."))
    if audit.state not in DECLARABLE:
        raise RenewalError(
            _("This cannot be done now: the audit is %(state)s.", state=audit.state_enum.label)
        )
    if isinstance(personnel, bool) or not isinstance(personnel, int):
        raise RenewalError(_("Give the effective personnel as a whole number."), "personnel")
    if not 1 <= personnel <= MAX_PERSONNEL:
        raise RenewalError(
            _("The effective personnel is from 1 to %(max)d.", max=MAX_PERSONNEL), "personnel"
        )
    try:
        time = renewal_time(audit.cycle, personnel)
    except AuditTimeError as error:
        raise RenewalError(str(error), "personnel") from None
    before = audit.planned_days
    audit.declared_personnel = personnel
    audit.planned_days = float(time.recertification_days)
    db.session.flush()
    record(
        actor,
        audit,
        "renewal_personnel_declared",
        note=log_note(
            "personnel_declared",
            personnel=personnel,
            date=today,
            before=float(before),
            after=float(audit.planned_days),
        ),
    )
    return audit


def undeclared_refusal(audit: Audit) -> str | None:
    """A recertification audit is scheduled only once the renewal personnel is known."""
    if audit.kind != AuditKind.RECERTIFICATION or audit.declared_personnel:
        return None
    return _(
        "IAF MD 5: the recertification audit time is computed from the effective personnel the "
        "client declares at renewal; record the declared personnel first."
    )


def next_cycle_days(previous) -> dict[str, float]:
    """Planned auditor-days of the next cycle: from the personnel declared at renewal when it is
    known, else those of the cycle before."""
    days = {audit.kind: audit.planned_days for audit in previous.audits}
    declared = next(
        (
            a.declared_personnel
            for a in reversed(previous.audits)
            if a.kind == AuditKind.RECERTIFICATION and a.declared_personnel
        ),
        None,
    )
    if declared:
        time = renewal_time(previous, declared)
        days[AuditKind.SURVEILLANCE1.value] = float(time.surveillance_days)
        days[AuditKind.SURVEILLANCE2.value] = float(time.surveillance_days)
        days[AuditKind.RECERTIFICATION.value] = float(time.recertification_days)
    return days
