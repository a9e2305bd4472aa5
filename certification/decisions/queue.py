"""The committee's queue as a list: searched by organisation, narrowed to a lead auditor,
sorted by a column header, paged by key (certification/paging.py), never by OFFSET.

A row is (audit, the moment it waits since): the report's submission, or the audit's creation
for a file without a report. The key of the default order is that moment, so the longest
waiting file is first whichever page is read.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select

from certification import listing
from certification.listing import Listing
from certification.organisations.models import Organisation, name_key_column
from certification.paging import Page, Segment, page_of
from certification.programme.models import Audit, AuditTeamMember, TeamRole
from certification.reports.models import AuditReport

# The report's submission looked up per waiting audit (its audit_id is unique), not joined:
# joined, PostgreSQL hashed every report of the body's history to find the queue's few hundred
# (160,000 reports at 50,000 certificates: 33 ms for a page of the queue; 1.5 ms so).
SUBMITTED_AT = (
    select(AuditReport.submitted_at).where(AuditReport.audit_id == Audit.id).scalar_subquery()
)
WAITING_SINCE = func.coalesce(SUBMITTED_AT, Audit.created_at)
LONGEST_WAITING = (
    Segment(key=(WAITING_SINCE, Audit.id), values=lambda row: (row.waiting_since, row.Audit.id)),
)


def queue_listing(args: Mapping[str, str], locale) -> Listing:
    """The queue's search, lead auditor and sort as chosen in the address."""
    key = name_key_column(locale)
    orders = {
        "waiting": LONGEST_WAITING,
        "organisation": (
            Segment(
                key=(key, Audit.id),
                values=lambda row: (getattr(row.Audit.organisation, key.key), row.Audit.id),
            ),
        ),
    }
    chosen = {"q": listing.text(args), "auditor": listing.number(args, "auditor")}
    return listing.read(args, orders, LONGEST_WAITING, chosen)


def queue_page(query, chosen: Listing, args: Mapping[str, str], per_page: int) -> Page:
    """One page of the queue (`query`: the audits waiting, as services.queue_query gives),
    as (audit, waiting since) rows narrowed and sorted as `chosen`."""
    query = query.add_columns(WAITING_SINCE.label("waiting_since"))  # keeps the options whole
    values = chosen.chosen
    if values.get("q"):
        query = query.where(listing.matching(values["q"], Audit.organisation_id))
    if values.get("auditor"):
        leads = select(AuditTeamMember.audit_id).where(
            AuditTeamMember.user_id == values["auditor"], AuditTeamMember.role == TeamRole.LEAD
        )
        query = query.where(Audit.id.in_(leads))
    if chosen.sort == "organisation":
        query = query.join(Organisation, Audit.organisation_id == Organisation.id)
    return page_of(query, chosen.segments, args, per_page, scalars=False)
