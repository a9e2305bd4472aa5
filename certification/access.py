"""Who may see and do what: decided here, one function per object kind."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from certification.accounts.models import Role

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
