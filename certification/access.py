"""Who may see and do what: decided here, one function per object kind."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from certification.accounts.models import Role
from certification.extensions import db

STAFF = (Role.ADMIN, Role.PLANNER, Role.AUDITOR, Role.COMMITTEE)
PLANNING = (Role.ADMIN, Role.PLANNER)


def roles_required(*roles: Role):
    """View decorator: logged in, and one of `roles`, else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_visible_or_404(model, object_id, can_view):
    """The `model` row with `object_id` if `can_view(current_user, row)`, else 404."""
    obj = db.get_or_404(model, object_id)
    visible_or_404(can_view(current_user, obj))
    return obj


def visible_or_404(visible: bool) -> None:
    """A row the user may not see answers 404 exactly like a missing one (not 403): nobody
    learns which ids of another organisation exist."""
    if not visible:
        abort(404)


def can_view_organisation(user, organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == organisation.id
    return user.role in STAFF


def can_manage_organisation(user, organisation=None) -> bool:
    return user.is_authenticated and user.role in PLANNING


def can_view_application(user, application) -> bool:
    return can_view_organisation(user, application.organisation)


def can_read_application(user, application=None) -> bool:
    """The application and its review on the desk: planning staff, and the committee, whose
    decision confirms the information the application review used (17021-1 9.5.2 c)."""
    return user.is_authenticated and user.role in (*PLANNING, Role.COMMITTEE)


def can_review_application(user, application=None) -> bool:
    return user.is_authenticated and user.role in PLANNING


def can_view_quote(user, quote) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        # Clients see only quotes that were sent to them, never drafts.
        return user.organisation_id == quote.organisation_id and quote.state != "draft"
    return user.role in PLANNING or user.role == Role.COMMITTEE


def can_decide_quote(user, quote) -> bool:
    """The client accepts or rejects; staff may record the client's answer."""
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == quote.organisation_id
    return user.role in PLANNING


def can_view_audit(user, audit) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == audit.organisation_id
    if user.role == Role.AUDITOR:
        return any(m.user_id == user.id for m in audit.team)
    return user.role in STAFF


def can_view_cycle(user, cycle) -> bool:
    """The programme of one cycle: the client's own, an auditor's if on one of its audits."""
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == cycle.organisation_id
    if user.role == Role.AUDITOR:
        return any(can_view_audit(user, audit) for audit in cycle.audits)
    return user.role in STAFF


def can_plan_audit(user, audit=None) -> bool:
    return user.is_authenticated and user.role in PLANNING


def can_view_document(user, document) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == document.organisation_id
    return user.role in STAFF


def can_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def can_submit_application(user, organisation) -> bool:
    """A client applies for its own organisation; planning staff record one for any client."""
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == organisation.id
    return user.role in PLANNING


def can_withdraw_application(user, application) -> bool:
    """Only the client itself takes its application back."""
    return (
        user.is_authenticated
        and user.role == Role.CLIENT
        and user.organisation_id == application.organisation_id
    )


def can_view_finding(user, finding) -> bool:
    """Whoever sees the audit sees its findings: the client its own, an auditor on its team or
    on the team of a later audit of the cycle, which verifies it."""
    return can_view_audit(user, finding.audit) or can_review_finding(user, finding)


def can_answer_finding(user, finding) -> bool:
    """Only the client's own users answer a nonconformity with corrective actions."""
    return (
        user.is_authenticated
        and user.role == Role.CLIENT
        and user.organisation_id == finding.organisation_id
        and finding.grade in ("minor", "major")
    )


def can_edit_finding(user, finding) -> bool:
    """Only the team of the audit that raised a finding writes it up."""
    return (
        user.is_authenticated
        and user.role == Role.AUDITOR
        and any(m.user_id == user.id for m in finding.audit.team)
    )


def can_review_finding(user, finding) -> bool:
    """The team that raised a finding reviews the client's answer and verifies the action, and so
    does the team of a later audit of the cycle: a minor is verified at the next audit
    (domain.md, Findings), which reviews the status of previous findings (17021-1 9.4.8)."""
    if not (user.is_authenticated and user.role == Role.AUDITOR):
        return False
    return any(m.user_id == user.id for audit in reviewing_audits(finding) for m in audit.team)


# A later audit's team verifies earlier findings while it audits: from the day the audit starts
# until the committee decides on it. Not before (a surveillance only booked months ahead has
# audited nothing), and not after its decision (the next audit of the cycle then takes over).
REVIEWING_STATES = ("in_progress", "submitted", "returned")


def later_audit(audit, raised) -> bool:
    """Whether `audit` comes after `raised` in its cycle: later in the programme, or, when a
    special audit is one of the two (outside the programme's order), started after it."""
    if "special" in (audit.kind, raised.kind):
        if audit.start_date and raised.start_date and audit.start_date != raised.start_date:
            return audit.start_date > raised.start_date
        return audit.id > raised.id
    return (audit.sequence, audit.id) > (raised.sequence, raised.id)


def reviewing_audits(finding) -> list:
    """The audit that raised the finding and the later audits of its cycle that have started and
    are not decided yet (REVIEWING_STATES): a minor is verified at the next audit."""
    raised = finding.audit
    return [raised] + [
        audit
        for audit in raised.cycle.audits
        if audit.state in REVIEWING_STATES and later_audit(audit, raised)
    ]


def can_view_checklist(user, audit) -> bool:
    """The on-site answers are staff working papers: the team, planners and the committee."""
    return user.is_authenticated and user.role != Role.CLIENT and can_view_audit(user, audit)


def can_edit_checklist(user, audit) -> bool:
    """Only the audit's own team grades its checklist; the services check the audit's state."""
    return (
        user.is_authenticated
        and user.role == Role.AUDITOR
        and any(m.user_id == user.id for m in audit.team)
    )


def can_view_report(user, audit) -> bool:
    """The team and staff as for the audit; the client its own report once submitted."""
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == audit.organisation_id and audit.state in (
            "submitted",
            "closed",
        )
    return can_view_audit(user, audit)


def can_submit_report(user, audit) -> bool:
    """17021-1 9.4.8: the lead auditor signs off the report and its recommendation."""
    return (
        user.is_authenticated
        and user.role == Role.AUDITOR
        and any(m.user_id == user.id and m.role == "lead" for m in audit.team)
    )


def can_record_figures(user, audit) -> bool:
    """Any member of the audit team records the client's complaints figures."""
    return (
        user.is_authenticated
        and user.role == Role.AUDITOR
        and any(m.user_id == user.id for m in audit.team)
    )


def can_decide(user, audit=None) -> bool:
    """The certification committee sees the queue and decides (an administrator does not by role);
    whether this person may decide a given file is decisions.file (17021-1 9.5.1.2, 7.2)."""
    return user.is_authenticated and user.role == Role.COMMITTEE


def can_export_certificates(user) -> bool:
    """The register and CertSearch workbooks: planning staff and the committee."""
    return user.is_authenticated and user.role in (*PLANNING, Role.COMMITTEE)


def can_view_certificate(user, certificate) -> bool:
    """Staff see every certificate; a client only its own organisation's (never by URL guessing)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == certificate.organisation_id
    return user.role in STAFF


def can_manage_certificate(user, certificate=None) -> bool:
    """Planners and admins keep a certificate out of the public register at the client's request.
    Every change of its status (grant, suspension, restoration, withdrawal, renewal, scope) is a
    decision of the certification committee (can_decide; 17021-1 9.5, 9.6.5)."""
    return user.is_authenticated and user.role in PLANNING


def can_prepare_plan(user, audit) -> bool:
    """17021-1 9.2.3: the audit plan is prepared by a planner or the audit's lead auditor."""
    if not user.is_authenticated:
        return False
    if user.role in PLANNING:
        return True
    return user.role == Role.AUDITOR and any(
        m.user_id == user.id and m.role == "lead" for m in audit.team
    )


def can_view_plan(user, plan) -> bool:
    """Whoever sees the audit sees its plans; the client only the versions sent to it."""
    if not can_view_audit(user, plan.audit):
        return False
    return user.role != Role.CLIENT or plan.state != "draft"


def can_answer_plan(user, plan) -> bool:
    """The client's own users confirm the plan or ask for a change."""
    return (
        user.is_authenticated
        and user.role == Role.CLIENT
        and user.organisation_id == plan.organisation_id
    )
