"""Who may see and do what with complaints: decided here, one function per question."""

from __future__ import annotations

from certification.accounts.models import Role
from certification.complaints.rules import APPROVING_ROLES, MANAGING_ROLES

# Staff who see every complaint (never the complainant's identity unless handling it): those
# who run the process and those who may approve a decision on one.
OVERSEEING_ROLES = tuple(APPROVING_ROLES)


def can_manage_complaints(user) -> bool:
    """Receive, acknowledge, assess, assign, answer and close: planning staff."""
    return user.is_authenticated and user.role in MANAGING_ROLES


def can_view_complaint(user, complaint) -> bool:
    if not user.is_authenticated or user.role == Role.CLIENT:
        return False
    if user.role in OVERSEEING_ROLES:
        return True
    return user.id in (complaint.investigator_id, complaint.approver_id)


def can_list_complaints(user) -> bool:
    """Every staff member has a complaints page: auditors see those they investigate."""
    return user.is_authenticated and user.role != Role.CLIENT


def can_view_figures(user) -> bool:
    """ISO 10002 8.6: the figures are for the management review (and the committee)."""
    return user.is_authenticated and user.role in OVERSEEING_ROLES


def can_answer_as_client(user, complaint) -> bool:
    """The certified client complained about reads the complaint and gives its say."""
    return (
        user.is_authenticated
        and user.role == Role.CLIENT
        and complaint.organisation_id is not None
        and user.organisation_id == complaint.organisation_id
        and complaint.about == "client"
        and complaint.assessed_on is not None
        and complaint.state != "dismissed"
    )
