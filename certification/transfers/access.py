"""Who may see a transfer: the organisation's own users and the staff."""

from __future__ import annotations

from certification.access import STAFF
from certification.accounts.models import Role
from certification.transfers.models import Transfer


def can_view_transfer(user, transfer: Transfer) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == transfer.organisation_id
    return user.role in STAFF
