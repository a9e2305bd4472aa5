"""The staff list of complaints: newest received first, narrowed and sorted as the address asks,
paged by key."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.accounts.models import User
from certification.complaints import rules
from certification.complaints.models import Complaint
from certification.listing import Listing
from certification.paging import Page, Segment, page_of
from certification.workflow import ComplaintState

NEWEST_FIRST = (Segment(key=(Complaint.received_on, Complaint.id), descending=True),)
STATES = {s.value for s in ComplaintState}


def complaints_listing(args: Mapping[str, str]) -> Listing:
    """State, a search (organisation, number), the received dates and a sort."""
    chosen = {
        "state": listing.one_of(args, "state", STATES),
        "q": listing.text(args),
        "from": listing.day(args, "from"),
        "to": listing.day(args, "to"),
    }
    orders = {
        "received": NEWEST_FIRST,
        "number": (Segment(key=(Complaint.number, Complaint.id)),),
        "state": (Segment(key=(Complaint.state, Complaint.id)),),
    }
    return listing.read(args, orders, NEWEST_FIRST, chosen)


def complaints_page(user: User, chosen: Listing, args: Mapping[str, str], per_page: int) -> Page:
    """The complaints `user` may see (all for the approving roles, else those they investigate
    or approve), narrowed as chosen, one page."""
    values = chosen.chosen
    query = select(Complaint).options(selectinload(Complaint.organisation))
    if user.role not in rules.APPROVING_ROLES:
        query = query.where(
            or_(Complaint.investigator_id == user.id, Complaint.approver_id == user.id)
        )
    if values["state"]:
        query = query.where(Complaint.state == values["state"])
    if values["q"]:
        found = listing.matching(
            values["q"], Complaint.organisation_id, Complaint.number, Complaint.named_organisation
        )
        query = query.where(found)
    start, end = (date.fromisoformat(values[k]) if values[k] else None for k in ("from", "to"))
    query = query.where(*listing.between(Complaint.received_on, start, end))
    return page_of(query, chosen.segments, args, per_page)
