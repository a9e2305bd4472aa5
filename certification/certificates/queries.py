"""Reading certificates for staff pages: the paged list, a certificate's history and revisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from certification import search
from certification.activity.models import ActivityLog
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.organisations.models import Organisation
from certification.paging import Page, Segment, page_of

# Newest first; the key has an index of its own (and one behind the state filter).
NEWEST_FIRST = Segment(key=(Certificate.issued_on, Certificate.id), descending=True)
HISTORY_PAGE = 25


def list_page(
    text: str, state: str, args: Mapping[str, str], per_page: int, where: Sequence = ()
) -> Page:
    """Staff list: every certificate revision, newest first, optionally by state and by a
    piece of the number or of the organisation's names or city; `where`: further conditions
    (the home pages' lists)."""
    query = select(Certificate).options(selectinload(Certificate.organisation)).where(*where)
    if text:
        query = query.where(
            or_(
                search.contains(search.CERTIFICATE_NUMBERS, text),
                Certificate.organisation_id.in_(
                    select(Organisation.id).where(search.contains(search.ORGANISATIONS, text))
                ),
            )
        )
    if state:
        query = query.where(Certificate.state == state)
    return page_of(query, [NEWEST_FIRST], args, per_page)


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
