"""What each person's private feed holds: auditors their audits, clients their organisation's
audits and deadlines, planners (and the committee, admins) every audit and due date.

A fixed number of statements per feed; audits that ended more than a year ago are left out.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.calendar.ics import audit_event, deadline_event, new_calendar
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.findings.models import Finding
from certification.notifications.services import language, path_for
from certification.organisations.models import Organisation
from certification.programme.models import Audit, AuditTeamMember
from certification.workflow import AuditState, CertificateState, FindingState

DATED = (
    AuditState.SCHEDULED.value,
    AuditState.IN_PROGRESS.value,
    AuditState.SUBMITTED.value,
    AuditState.RETURNED.value,
    AuditState.CLOSED.value,
)
HISTORY = timedelta(days=365)


def feed_for(user, today: date) -> bytes:
    """The user's calendar, in the user's language."""
    with force_locale(language(user.locale)):
        calendar = new_calendar(_("Audits · %(name)s", name=user.name))
        audits = _audits(user, today)
        sequences = _sequences([a.id for a in audits])
        for audit in audits:
            calendar.add_component(audit_event(audit, sequences.get(audit.id, 0)))
        for event in _deadlines(user, today):
            calendar.add_component(event)
    return calendar.to_ical()


def _audits(user, today: date) -> list[Audit]:
    query = (
        select(Audit)
        .where(Audit.state.in_(DATED), Audit.end_date >= today - HISTORY)
        .options(
            selectinload(Audit.organisation).selectinload(Organisation.sites),
            selectinload(Audit.team).selectinload(AuditTeamMember.user),
        )
        .order_by(Audit.start_date, Audit.id)
    )
    if user.role == Role.AUDITOR:
        mine = select(AuditTeamMember.audit_id).where(AuditTeamMember.user_id == user.id)
        query = query.where(Audit.id.in_(mine))
    elif user.role == Role.CLIENT:
        query = query.where(Audit.organisation_id == user.organisation_id)
    return list(db.session.scalars(query))


def sequence_of(audit_id: int) -> int:
    return _sequences([audit_id]).get(audit_id, 0)


def _sequences(audit_ids: list[int]) -> dict[int, int]:
    """RFC 5545 SEQUENCE: how often the audit was moved, so calendars take the newest dates."""
    if not audit_ids:
        return {}
    rows = db.session.execute(
        select(ActivityLog.subject_id, func.count(ActivityLog.id))
        .where(
            ActivityLog.subject_type == "Audit",
            ActivityLog.action == "reschedule",
            ActivityLog.subject_id.in_(audit_ids),
        )
        .group_by(ActivityLog.subject_id)
    ).all()
    return dict(rows)


def _deadlines(user, today: date) -> list:
    if user.role == Role.AUDITOR:
        return []
    organisation_id = user.organisation_id if user.role == Role.CLIENT else None
    return (
        _due_dates(organisation_id, today)
        + _answers_due(organisation_id)
        + _expiries(organisation_id, today)
    )


def _due_dates(organisation_id: int | None, today: date) -> list:
    """Audits of the programme without dates yet, on their due-by day."""
    query = (
        select(Audit)
        .where(Audit.state == AuditState.PLANNED.value, Audit.due_by >= today - HISTORY)
        .options(selectinload(Audit.organisation))
    )
    if organisation_id is not None:
        query = query.where(Audit.organisation_id == organisation_id)
    return [
        deadline_event(
            "due",
            audit.id,
            audit.due_by,
            _(
                "%(audit)s of %(organisation)s due by this day",
                audit=audit.kind_enum.label,
                organisation=audit.organisation.display_name,
            ),
            path_for("programme.audit", audit_id=audit.id),
        )
        for audit in db.session.scalars(query)
    ]


def _answers_due(organisation_id: int | None) -> list:
    query = select(Finding).where(
        Finding.grade.in_(("minor", "major")),
        Finding.state.in_((FindingState.OPEN.value, FindingState.ANSWER_REJECTED.value)),
        Finding.plan_due_on.is_not(None),
    )
    if organisation_id is not None:
        query = query.where(Finding.organisation_id == organisation_id)
    else:
        query = query.options(selectinload(Finding.organisation))
    events = []
    for finding in db.session.scalars(query):
        summary = _(
            "Answer to finding %(number)s (clause %(clause)s) due",
            number=finding.reference,
            clause=finding.clause,
        )
        if organisation_id is None:
            summary = f"{summary} · {finding.organisation.display_name}"
        link = (
            path_for("findings.answer", finding_id=finding.id)
            if organisation_id
            else path_for("findings.detail", finding_id=finding.id)
        )
        events.append(deadline_event("answer", finding.id, finding.plan_due_on, summary, link))
    return events


def _expiries(organisation_id: int | None, today: date) -> list:
    query = select(Certificate).where(
        Certificate.state.in_((CertificateState.ACTIVE.value, CertificateState.SUSPENDED.value)),
        Certificate.expires_on >= today,
    )
    if organisation_id is not None:
        query = query.where(Certificate.organisation_id == organisation_id)
    return [
        deadline_event(
            "expiry",
            certificate.id,
            certificate.expires_on,
            _("Certificate %(number)s expires", number=certificate.number),
            path_for("certificates.detail", certificate_id=certificate.id),
        )
        for certificate in db.session.scalars(query)
    ]
