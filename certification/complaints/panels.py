"""Complaints on other domains' pages: the client's portal, the organisation page, and the audit
and programme pages, where complaints about a certified client feed its next audit."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, or_, select

from certification.complaints import closing, rules
from certification.complaints.access import can_answer_as_client, can_view_complaint
from certification.complaints.models import About, Complaint
from certification.extensions import db
from certification.programme.models import Audit
from certification.templating import register_panel
from certification.workflow import AuditState


def portal_panel(organisation) -> str:
    filed = db.session.scalars(
        select(Complaint)
        .where(Complaint.complainant_organisation_id == organisation.id)
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
    ).all()
    about_us = [c for c in _about(organisation.id) if can_answer_as_client(current_user, c)]
    return render_template(
        "complaints/_portal_panel.html",
        filed=filed,
        about_us=about_us,
        may_respond={c.id for c in about_us if closing.client_may_respond(c)},
    )


def _about(organisation_id: int):
    return db.session.scalars(
        select(Complaint)
        .where(Complaint.organisation_id == organisation_id, Complaint.about == About.CLIENT.value)
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
    )


def organisation_panel(organisation) -> str:
    """For staff who oversee complaints: those about the organisation or filed by it."""
    if not current_user.is_authenticated or current_user.role not in rules.APPROVING_ROLES:
        return ""
    complaints = db.session.scalars(
        select(Complaint)
        .where(
            or_(
                Complaint.organisation_id == organisation.id,
                Complaint.complainant_organisation_id == organisation.id,
            )
        )
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
    ).all()
    if not complaints:
        return ""
    return render_template(
        "complaints/_organisation_panel.html", complaints=complaints, organisation=organisation
    )


def for_next_audit(organisation_id: int, before=None) -> list[Complaint]:
    """Complaints about the client to look at in its next audit: those still open and those
    received since its last audit ended (17021-1 9.7 and 9.6.2: they feed the audit)."""
    last_end = db.session.scalar(
        select(func.max(Audit.end_date)).where(
            Audit.organisation_id == organisation_id,
            Audit.state == AuditState.CLOSED.value,
            *([Audit.end_date < before] if before is not None else []),
        )
    )
    rows = db.session.scalars(
        select(Complaint)
        .where(
            Complaint.organisation_id == organisation_id,
            Complaint.about == About.CLIENT.value,
            Complaint.state != "dismissed",
        )
        .order_by(Complaint.received_on.desc())
    ).all()
    return [
        c
        for c in rows
        if c.state in rules.OPEN_STATES or last_end is None or c.received_on > last_end
    ]


def _audit_file(complaints, since_note: str) -> str:
    if not current_user.is_authenticated or not current_user.is_staff or not complaints:
        return ""
    return render_template(
        "complaints/_audit_panel.html",
        complaints=complaints,
        linked={c.id for c in complaints if can_view_complaint(current_user, c)},
        since_note=since_note,
    )


def audit_panel(audit) -> str:
    if audit.state in (AuditState.CLOSED.value, AuditState.CANCELLED.value):
        return ""
    return _audit_file(for_next_audit(audit.organisation_id, audit.start_date), "audit")


def cycle_panel(cycle) -> str:
    return _audit_file(for_next_audit(cycle.organisation_id), "cycle")


register_panel("portal", portal_panel)
register_panel("organisation", organisation_panel)
register_panel("audit", audit_panel)
register_panel("cycle", cycle_panel)
