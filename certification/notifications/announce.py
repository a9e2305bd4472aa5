"""From what happened (an activity-log row) to who is told, with which values and link.

Each announcer takes the log row and its subject and calls services.enqueue. The key of every
message starts with the log row's id, so one change never gives anyone two messages.
Other domains tell people of their own events by adding a row to ANNOUNCERS (with an event in
events.py), or by calling services.enqueue from their service (a complaint acknowledged, ...).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.notifications.services import (
    Attachment,
    client_people,
    enqueue,
    of_users,
    people_with_role,
    team,
)
from certification.templating import format_money

# event -> function(subject) returning the attachment of its messages (the calendar adds one
# to audit messages); kept here so that notifications does not depend on the calendar.
ATTACHMENTS: dict[str, Callable[[object], Attachment | None]] = {}


def _attachment(event: str, subject) -> Attachment | None:
    make = ATTACHMENTS.get(event)
    return make(subject) if make else None


def _audit_values(audit) -> dict:
    return {
        "kind": audit.kind,
        "organisation": audit.organisation.display_name,
        "start": audit.start_date.isoformat() if audit.start_date else None,
        "end": audit.end_date.isoformat() if audit.end_date else None,
        "team": ", ".join(m.user.name for m in audit.team),
    }


def quote_sent(entry: ActivityLog, quote) -> None:
    with force_locale("en"):  # an amount reads the same in every language we send
        total = format_money(quote.total, quote.currency)
    values = {
        "number": quote.number,
        "organisation": quote.organisation.display_name,
        "total": total,
        "valid_until": quote.valid_until.isoformat() if quote.valid_until else None,
    }
    enqueue(
        "quote_sent",
        client_people(quote.organisation),
        values,
        ("quotes.detail", {"quote_id": quote.id}),
        f"log{entry.id}",
        organisation_id=quote.organisation_id,
    )


def application_reviewed(entry: ActivityLog, application) -> None:
    values = {
        "organisation": application.organisation.display_name,
        "approved": entry.action == "approve",
        "notes": application.review_notes,
    }
    enqueue(
        "application_reviewed",
        client_people(application.organisation),
        values,
        ("portal.application", {"application_id": application.id}),
        f"log{entry.id}",
        organisation_id=application.organisation_id,
    )


def audit_scheduled(entry: ActivityLog, audit) -> None:
    event = "audit_moved" if entry.action == "reschedule" else "audit_scheduled"
    enqueue(
        event,
        team(audit) + client_people(audit.organisation),
        _audit_values(audit),
        ("programme.audit", {"audit_id": audit.id}),
        f"log{entry.id}",
        organisation_id=audit.organisation_id,
        attachment=_attachment(event, audit),
    )


def audit_plan_sent(audit, key: str) -> int:
    """For the audit plan (issue #11): tell the client and the team, with the calendar file.
    Call it from the service that sends the plan; `key` names that sending (e.g. plan id and
    version) so that sending the same plan twice tells nobody twice."""
    return enqueue(
        "audit_plan_sent",
        client_people(audit.organisation) + team(audit),
        _audit_values(audit),
        ("programme.audit", {"audit_id": audit.id}),
        f"plan:{key}",
        organisation_id=audit.organisation_id,
        attachment=_attachment("audit_plan_sent", audit),
    )


def finding_raised(entry: ActivityLog, finding) -> None:
    if finding.grade not in ("minor", "major"):
        return  # observations and opportunities for improvement need no answer
    audit = finding.audit
    values = {
        "number": finding.reference,
        "clause": finding.clause,
        "kind": audit.kind,
        "grade": finding.grade,
        "due": finding.plan_due_on.isoformat() if finding.plan_due_on else None,
    }
    enqueue(
        "finding_raised",
        client_people(finding.organisation),
        values,
        ("findings.answer", {"finding_id": finding.id}),
        f"log{entry.id}",
        organisation_id=finding.organisation_id,
    )


def finding_answered(entry: ActivityLog, finding) -> None:
    enqueue(
        "finding_answered",
        team(finding.audit),
        {"number": finding.reference, "organisation": finding.organisation.display_name},
        ("findings.detail", {"finding_id": finding.id}),
        f"log{entry.id}",
        organisation_id=finding.organisation_id,
    )


def report_submitted(entry: ActivityLog, audit) -> None:
    enqueue(
        "report_submitted",
        people_with_role(Role.COMMITTEE),
        _audit_values(audit),
        ("decisions.file", {"audit_id": audit.id}),
        f"log{entry.id}",
        organisation_id=audit.organisation_id,
    )


def decision_made(entry: ActivityLog, decision) -> None:
    people = client_people(decision.organisation)
    if decision.audit is not None:
        people = team(decision.audit) + people
    values = {
        "outcome": decision.outcome,
        "organisation": decision.organisation.display_name,
        "decided_on": decision.decided_on.isoformat(),
    }
    link = (
        ("programme.audit", {"audit_id": decision.audit_id})
        if decision.audit_id
        else ("home.index", {})
    )
    enqueue(
        "decision_made",
        people,
        values,
        link,
        f"log{entry.id}",
        organisation_id=decision.organisation_id,
    )


def certificate_issued(entry: ActivityLog, certificate) -> None:
    values = {
        "number": certificate.number,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
    }
    enqueue(
        "certificate_issued",
        client_people(certificate.organisation),
        values,
        ("certificates.detail", {"certificate_id": certificate.id}),
        f"log{entry.id}",
        organisation_id=certificate.organisation_id,
    )


def certificate_changed(entry: ActivityLog, certificate) -> None:
    values = {
        "number": certificate.number,
        "state": entry.to_state,
        "reason": entry.reason,
        "note": entry.params,  # worded with the reason in the recipient's language
    }
    enqueue(
        "certificate_changed",
        client_people(certificate.organisation),
        values,
        ("certificates.detail", {"certificate_id": certificate.id}),
        f"log{entry.id}",
        organisation_id=certificate.organisation_id,
    )


# (subject type, log action) -> announcer. The list of events, and no others.
ANNOUNCERS: dict[tuple[str, str], Callable] = {
    ("Quote", "issue"): quote_sent,
    ("Application", "approve"): application_reviewed,
    ("Application", "reject"): application_reviewed,
    ("Audit", "schedule"): audit_scheduled,
    ("Audit", "reschedule"): audit_scheduled,
    ("Finding", "finding_raised"): finding_raised,
    ("Finding", "finding_regraded"): finding_raised,  # e.g. an observation became a minor
    ("Finding", "answer"): finding_answered,
    ("Audit", "submit"): report_submitted,
    ("Decision", "decided"): decision_made,
    ("Certificate", "certificate_issued"): certificate_issued,
    ("Certificate", "certificate_renewed"): certificate_issued,
    ("Certificate", "certificate_revised"): certificate_issued,
    ("Certificate", "suspend"): certificate_changed,
    ("Certificate", "withdraw"): certificate_changed,
}


def account_link(user, kind: str, url: str, expires_at, key: str) -> int:
    """For invitations and password resets (issue #9b): e-mail the person their one-time link.

    `kind` is "invitation" or "password_reset"; `url` the absolute link; `key` names this link
    (e.g. its token's id), so the same link is never sent twice. Call it from the service that
    makes the link, in the same transaction; the admin then no longer passes links by hand.
    """
    recipient = of_users([user])
    values = {"url": url, "expires": expires_at.isoformat() if expires_at else None}
    return enqueue(kind, recipient, values, ("accounts.login", {}), f"{kind}:{key}")
