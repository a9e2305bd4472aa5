"""Links only to pages their reader may open.

A page shows other things' names (an organisation's quotes, its audits, a decision's audit file);
each is a link only if the reader may open that page, so that no link answers 403 or 404. The
checks are the pages' own access functions; tests/web/test_links.py walks the demo as each role
and follows every link.
"""

from __future__ import annotations

from flask_login import current_user

from certification import access
from certification.accounts.models import Role
from certification.complaints.access import OVERSEEING_ROLES, can_view_complaint

CHECKS = {  # endpoint -> the access function its view applies to the object it shows
    "applications.detail": access.can_read_application,
    "complaints.detail": can_view_complaint,
    "decisions.file": access.can_decide,
    "organisations.detail": access.can_view_organisation,
    "programme.audit": access.can_view_audit,
    "programme.cycle": access.can_view_cycle,
    "quotes.detail": access.can_view_quote,
}


DESK = (*access.PLANNING, Role.COMMITTEE)

# endpoint -> the roles that may open every such page: a history knows only its rows' ids, so
# it links only for these (an auditor opens the audits of its own teams, not every audit).
EVERY = {
    "applications.detail": DESK,
    "complaints.detail": OVERSEEING_ROLES,
    "decisions.file": (Role.COMMITTEE,),
    "programme.audit": DESK,
    "programme.cycle": DESK,
    "quotes.detail": DESK,
}


def may_open(endpoint: str, obj) -> bool:
    """Whether the current user may open `endpoint`'s page of `obj`."""
    check = CHECKS.get(endpoint)
    return check is None or check(current_user, obj)


def may_open_every(endpoint: str) -> bool:
    """Whether the current user may open every page of `endpoint` (a link known by id only)."""
    roles = EVERY.get(endpoint)
    return roles is None or (current_user.is_authenticated and current_user.role in roles)
