"""Daily reminders before due dates and deadlines; running them twice adds nothing.

Each reminder's key names the object, its due date and the reminder step ("due_30", "overdue":
home.rules.reminder_step), so a message goes once when a due date enters a window and once
when it passes; a second run the same day (or the next day, in the same window) finds the key
and writes nothing. A moved due date is a new key: people hear of the new date.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.accounts.models import Role
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.findings.models import Finding
from certification.home import planning
from certification.home import rules as due
from certification.notifications.services import client_people, enqueue, people_with_role, team
from certification.programme.models import Audit, AuditTeamMember
from certification.programme.services import due_windows
from certification.workflow import AuditState, CertificateState, FindingState


def send_reminders(today: date) -> int:
    """Write today's reminders to the outbox; returns how many messages were written."""
    windows = due_windows()
    return (
        _audits_to_schedule(today, windows)
        + _audits_starting(today, windows)
        + _plans_due(today, windows)
        + _certificates_expiring(today, windows)
        + _suspension_limits(today, windows)
    )


def _remind(kind, people, subject, due_on, step, values, link, organisation_id) -> int:
    values = {**values, "due": due_on.isoformat(), "step": step}
    key = f"reminder:{kind}:{type(subject).__name__}{subject.id}:{due_on.isoformat()}:{step}"
    return enqueue(
        f"reminder_{kind}",
        people,
        values,
        link,
        key,
        organisation_id=organisation_id,
        reminder=kind,
    )


def _audits_to_schedule(today: date, windows) -> int:
    audits = db.session.scalars(
        select(Audit)
        .where(Audit.state == AuditState.PLANNED.value, Audit.due_by <= due.horizon(today, windows))
        .options(selectinload(Audit.organisation))
    ).all()
    planners = people_with_role(Role.PLANNER)
    written = 0
    for audit in audits:
        step = due.reminder_step(audit.due_by, today, windows)
        values = {"kind": audit.kind, "organisation": audit.organisation.display_name}
        link = ("programme.schedule", {"audit_id": audit.id})
        written += _remind(
            "audit_due", planners, audit, audit.due_by, step, values, link, audit.organisation_id
        )
    return written


def _audits_starting(today: date, windows) -> int:
    """The team hears of an audit once, when it is within the smallest window of starting."""
    soon = due.within(today, min(windows))
    audits = db.session.scalars(
        select(Audit)
        .where(
            Audit.state == AuditState.SCHEDULED.value,
            Audit.start_date >= today,
            Audit.start_date <= soon,
        )
        .options(
            selectinload(Audit.organisation),
            selectinload(Audit.team).selectinload(AuditTeamMember.user),
        )
    ).all()
    written = 0
    for audit in audits:
        values = {"kind": audit.kind, "organisation": audit.organisation.display_name}
        link = ("programme.audit", {"audit_id": audit.id})
        written += _remind(
            "audit_upcoming",
            team(audit),
            audit,
            audit.start_date,
            "start",
            values,
            link,
            audit.organisation_id,
        )
    return written


def _plans_due(today: date, windows) -> int:
    findings = db.session.scalars(
        select(Finding)
        .where(
            Finding.grade.in_(("minor", "major")),
            Finding.state.in_((FindingState.OPEN.value, FindingState.ANSWER_REJECTED.value)),
            Finding.plan_due_on <= due.horizon(today, windows),
        )
        .options(selectinload(Finding.organisation))
    ).all()
    written = 0
    for finding in findings:
        step = due.reminder_step(finding.plan_due_on, today, windows)
        link = ("findings.answer", {"finding_id": finding.id})
        written += _remind(
            "finding_plan_due",
            client_people(finding.organisation),
            finding,
            finding.plan_due_on,
            step,
            {"number": finding.reference},
            link,
            finding.organisation_id,
        )
    return written


def _certificates_expiring(today: date, windows) -> int:
    certificates = db.session.scalars(
        select(Certificate)
        .where(planning.expiring_unarranged_clause(today, max(windows)))
        .options(selectinload(Certificate.organisation))
    ).all()
    planners = people_with_role(Role.PLANNER)
    written = 0
    for certificate in certificates:
        step = due.reminder_step(certificate.expires_on, today, windows)
        people = planners + client_people(certificate.organisation)
        link = ("certificates.detail", {"certificate_id": certificate.id})
        written += _remind(
            "certificate_expiring",
            people,
            certificate,
            certificate.expires_on,
            step,
            {"number": certificate.number},
            link,
            certificate.organisation_id,
        )
    return written


def _suspension_limits(today: date, windows) -> int:
    days = due.middle_window(windows)
    certificates = db.session.scalars(
        select(Certificate).where(
            Certificate.state == CertificateState.SUSPENDED.value,
            planning.suspension_near_limit_clause(today, days),
        )
    ).all()
    people = people_with_role(Role.PLANNER, Role.COMMITTEE)
    written = 0
    for certificate in certificates:
        step = due.reminder_step(certificate.suspended_until, today, windows)
        link = ("certificates.detail", {"certificate_id": certificate.id})
        written += _remind(
            "suspension_limit",
            people,
            certificate,
            certificate.suspended_until,
            step,
            {"number": certificate.number},
            link,
            certificate.organisation_id,
        )
    return written
