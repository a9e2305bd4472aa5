"""Links only to pages their reader may open.

A page shows other things' names (an organisation's quotes, its audits, a decision's audit file);
each is a link only if the reader may open that page, so that no link answers 403 or 404. The
checks are the pages' own access functions; tests/web/test_links.py walks the demo as each role
and follows every link. A history (activity/timeline.html) knows only its rows' subject ids:
`subject_links` loads the subjects it must check, one statement per kind, and links exactly the
ones the reader may open.
"""

from __future__ import annotations

from collections import defaultdict

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from certification import access
from certification.accounts.models import Role
from certification.activity.labels import subject_endpoint
from certification.appeals.access import OVERSEEING, can_view_appeal
from certification.appeals.models import Appeal
from certification.applications.models import Application
from certification.applications.views import object_url
from certification.certificates.models import Certificate
from certification.complaints.access import OVERSEEING_ROLES, can_view_complaint
from certification.complaints.models import Complaint
from certification.extensions import db
from certification.findings.models import Finding
from certification.organisations.models import Organisation
from certification.plans.models import AuditPlan
from certification.programme.models import Audit, Cycle
from certification.quotes.models import Quote
from certification.transfers.access import can_view_transfer
from certification.transfers.models import Transfer

CHECKS = {  # endpoint -> the access function its view applies to the object it shows
    "appeals.detail": can_view_appeal,
    "applications.detail": access.can_read_application,
    "certificates.detail": access.can_view_certificate,
    "complaints.detail": can_view_complaint,
    "decisions.file": access.can_decide,
    "findings.detail": access.can_view_finding,
    "organisations.detail": access.can_view_organisation,
    "plans.detail": access.can_view_plan,
    "programme.audit": access.can_view_audit,
    "programme.cycle": access.can_view_cycle,
    "quotes.detail": access.can_view_quote,
    "transfers.detail": can_view_transfer,
}


DESK = (*access.PLANNING, Role.COMMITTEE)

# endpoint -> the roles that may open every such page: their links need no object loaded (an
# auditor opens the audits of its own teams, not every audit, so its links are checked one by
# one). Findings are not here: a finding graded away is removed and its log rows stay
# (findings.services._remove), so each one linked is looked up first.
EVERY = {
    "accreditations.edit": (Role.ADMIN,),
    "appeals.detail": OVERSEEING,
    "applications.detail": DESK,
    "certificates.detail": access.STAFF,
    "complaints.detail": OVERSEEING_ROLES,
    "decisions.file": (Role.COMMITTEE,),
    "organisations.detail": access.STAFF,
    "plans.detail": DESK,
    "programme.audit": DESK,
    "programme.cycle": DESK,
    "quotes.detail": DESK,
    "transfers.detail": access.STAFF,
}

# endpoint of a history's subject -> its model, joined with what the page's access function
# reads, so that one statement loads a kind's subjects however many entries name them.
SUBJECTS = {
    "appeals.detail": (Appeal, (joinedload(Appeal.panel),)),
    "applications.detail": (Application, ()),
    "certificates.detail": (Certificate, ()),
    "complaints.detail": (Complaint, ()),
    "findings.detail": (  # a later audit's team sees it too (access.reviewing_audits)
        Finding,
        (
            joinedload(Finding.audit).joinedload(Audit.team),
            joinedload(Finding.audit)
            .joinedload(Audit.cycle)
            .selectinload(Cycle.audits)
            .selectinload(Audit.team),
        ),
    ),
    "organisations.detail": (Organisation, ()),
    "plans.detail": (AuditPlan, (joinedload(AuditPlan.audit).joinedload(Audit.team),)),
    "programme.audit": (Audit, (joinedload(Audit.team),)),
    "programme.cycle": (Cycle, (joinedload(Cycle.audits).joinedload(Audit.team),)),
    "quotes.detail": (Quote, ()),
    "transfers.detail": (Transfer, ()),
}


def may_open(endpoint: str, obj) -> bool:
    """Whether the current user may open `endpoint`'s page of `obj`."""
    check = CHECKS.get(endpoint)
    return check is None or check(current_user, obj)


def may_open_every(endpoint: str) -> bool:
    """Whether the current user may open every page of `endpoint` (a link known by id only);
    a page that checks its object and names no such roles is opened only object by object."""
    roles = EVERY.get(endpoint)
    if roles is None:
        return endpoint not in CHECKS
    return current_user.is_authenticated and current_user.role in roles


def subject_links(entries) -> dict[tuple[str, int], str]:
    """(endpoint, subject id) -> the address of the subject's page, for the entries of a history
    whose page the reader may open; a subject that no longer exists gets no link."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        endpoint = subject_endpoint(entry)
        if endpoint and entry.subject_id:
            wanted[endpoint].add(entry.subject_id)
    links = {}
    for endpoint, ids in wanted.items():
        for subject_id in sorted(_openable(endpoint, ids)):
            address = object_url(endpoint, subject_id)
            if address:
                links[endpoint, subject_id] = address
    return links


def _openable(endpoint: str, ids: set[int]) -> set[int]:
    """The ids among `ids` whose `endpoint` page the reader may open."""
    if may_open_every(endpoint):
        return ids
    if endpoint not in SUBJECTS:  # no object to check: the role decides (EVERY)
        return set()
    model, options = SUBJECTS[endpoint]
    found = db.session.scalars(select(model).where(model.id.in_(ids)).options(*options)).unique()
    return {subject.id for subject in found if may_open(endpoint, subject)}
