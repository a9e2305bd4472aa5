"""Reading certificates for staff pages: the paged list, a certificate's history and revisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification import listing, search
from certification.activity.models import ActivityLog
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.home import planning
from certification.listing import Listing
from certification.paging import Page, Segment, page_of

# Newest first; the key has an index of its own (and one behind the state filter).
NEWEST_FIRST = Segment(key=(Certificate.issued_on, Certificate.id), descending=True)
HISTORY_PAGE = 25


def certificates_listing(args: Mapping[str, str], locale, kept: Mapping[str, object]) -> Listing:
    """The search, state, expiry dates and sort chosen in the address (newest issued first)."""
    chosen = {
        "q": listing.text(args),
        "from": listing.day(args, "from"),
        "to": listing.day(args, "to"),
    }
    orders = {
        "issued": (NEWEST_FIRST,),
        "expires": (Segment(key=(Certificate.expires_on, Certificate.id)),),
        "organisation": listing.by_organisation(Certificate, locale),
        "state": (Segment(key=(Certificate.state, Certificate.id)),),
    }
    return listing.read(args, orders, (NEWEST_FIRST,), {**kept, **chosen})


def listing_where(chosen: Listing) -> list:
    """SQL conditions of the chosen expiry dates."""
    values = chosen.chosen
    start, end = (date.fromisoformat(values[k]) if values.get(k) else None for k in ("from", "to"))
    return listing.between(Certificate.expires_on, start, end)


def list_page(
    text: str,
    state: str,
    args: Mapping[str, str],
    per_page: int,
    where: Sequence = (),
    chosen: Listing | None = None,
) -> Page:
    """Staff list: every certificate revision, newest first, optionally by state and by a
    piece of the number or of the organisation's names or city; `where`: further conditions
    (the home pages' lists)."""
    query = select(Certificate).options(selectinload(Certificate.organisation)).where(*where)
    if text:
        query = query.where(search.certificates_containing(text))
    if state:
        query = query.where(Certificate.state == state)
    if chosen is None:
        return page_of(query, [NEWEST_FIRST], args, per_page)
    query = listing.joined(query.where(*listing_where(chosen)), chosen, Certificate)
    return page_of(query, chosen.segments, args, per_page)


def history_page(certificate: Certificate, args: Mapping[str, str]) -> Page:
    """The certificate's log rows, newest first, a page at a time."""
    query = (
        select(ActivityLog)
        .where(ActivityLog.subject_type == "Certificate", ActivityLog.subject_id == certificate.id)
        .options(selectinload(ActivityLog.actor))
    )
    newest_first = Segment(key=(ActivityLog.at, ActivityLog.id), descending=True)
    return page_of(query, [newest_first], args, HISTORY_PAGE)


def revisions(certificate: Certificate) -> list[Certificate]:
    """The certificates this one replaced and the one that replaced it, newest first."""
    chain, older = [], certificate.supersedes
    while older is not None:
        chain.append(older)
        older = older.supersedes
    newer = db.session.scalar(
        select(Certificate).where(Certificate.supersedes_id == certificate.id)
    )
    return ([newer] if newer else []) + chain


def organisation_certificates(organisation_id: int) -> list[Certificate]:
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.organisation_id == organisation_id)
        .options(selectinload(Certificate.cycle))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ).all()


def home_filters(due: dict, flagged: bool, today: date) -> list:
    """The lists the home pages count: expiring without a dated recertification audit,
    suspensions nearing their limit, certificates the nightly sweep flagged."""
    where = []
    if due["expiring"] is not None:
        where.append(planning.expiring_unarranged_clause(today, due["expiring"]))
    if due["limit"] is not None:
        where.append(planning.suspension_near_limit_clause(today, due["limit"]))
    if flagged:
        where.append(planning.flagged_clause())
    return where
