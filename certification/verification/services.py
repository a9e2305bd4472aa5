"""What the public may know of a certificate, and the public register.

The page and the JSON API both show `public_view(...)`, so they can never disagree; it is kept
ready per certificate by verification/answers.py, so a look-up reads one row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from certification import search
from certification.applications.schemes import scheme_title
from certification.certificates.models import Certificate
from certification.organisations.models import fold
from certification.paging import Page, Segment, page_of
from certification.workflow import CertificateState

# States in which a certificate still has a programme ahead of it.
RUNNING = (CertificateState.ACTIVE, CertificateState.SUSPENDED)
FIELDS = (
    "number",
    "status",
    "organisation",
    "standard",
    "scheme",
    "scope",
    "sites",
    "issued_on",
    "original_issued_on",
    "expires_on",
    "next_surveillance_due",
    "revision",
    "accreditation",
)


@dataclass(frozen=True)
class Lookup:
    """A certificate as found by the public: plain values read in one statement, no ORM objects
    (the look-up is the hot path of the public API)."""

    number: str
    state: str
    confidential: bool
    scheme: str
    edition: str
    scope: str
    issued_on: date
    original_issued_on: date
    expires_on: date
    revision: int
    organisation: dict[str, str | None]
    sites: list[dict[str, str | None]]
    next_surveillance_due: date | None
    superseded_by: str | None  # number of the revision that replaced it
    accreditation: dict[str, str] | None = None  # body and number, when accredited


def public_status(state: str, expires_on: date, today: date) -> CertificateState:
    """The honest status today: a certificate past its expiry date is expired even before the
    nightly sweep has marked it so (the expiry date itself is still a valid day)."""
    status = CertificateState(state)
    if status in RUNNING and today > expires_on:
        return CertificateState.EXPIRED
    return status


def public_view(found: Lookup, today: date | None) -> dict:
    """What the public may know of a certificate, as plain values (dates in ISO form); with
    `today` None, the status as stored (`for_today` corrects it on the day of the look-up).

    17021-1 8.1.3: on request, the body states whether a certificate is valid, with the client's
    name, standard, scope and location; a confidential one reveals only its number and status.
    """
    if today is None:
        status = CertificateState(found.state)
    else:
        status = public_status(found.state, found.expires_on, today)
    view = dict.fromkeys(FIELDS)
    view.update(number=found.number, status=status.value)
    if found.confidential:
        return view
    view.update(
        organisation=dict(found.organisation),
        standard=scheme_title(found.scheme, found.edition),
        scheme=found.scheme,
        scope=found.scope,
        sites=[dict(site) for site in found.sites],
        issued_on=_iso(found.issued_on),
        original_issued_on=_iso(found.original_issued_on),
        expires_on=_iso(found.expires_on),
        next_surveillance_due=_iso(found.next_surveillance_due) if status in RUNNING else None,
        revision=found.revision,
        # domain.md: the accreditation body and number only when accredited; else nothing
        accreditation=dict(found.accreditation) if found.accreditation else None,
    )
    return view


def for_today(view: dict, state: str, expires_on: date, today: date) -> dict | None:
    """The stored view (status as stored) corrected for `today`; None when it stands as it is."""
    status = public_status(state, expires_on, today)
    if status.value == view["status"]:
        return None
    corrected = dict(view, status=status.value)
    if status not in RUNNING:
        corrected["next_surveillance_due"] = None
    return corrected


def site_address(address: str | None, city: str | None, country: str | None) -> str:
    """One line: street address, then city and country when the address does not name them."""
    address = (address or "").strip()
    parts = [address] + [extra for extra in (city, country) if extra and extra not in address]
    return ", ".join(part for part in parts if part)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


# Newest first: the key (state, issued_on, id) has an index, so a page reads only its rows.
REGISTER_ORDER = Segment(key=(Certificate.issued_on, Certificate.id), descending=True)


def register_page(text: str, today: date, args: Mapping[str, str], per_page: int) -> Page:
    """The public register: active, non-confidential, unexpired certificates, newest first.

    `text` matches the organisation's names in any script and its city (through the folded
    Organisation.search_text), or the certificate number.
    """
    query = (
        select(Certificate)
        .where(
            Certificate.state == CertificateState.ACTIVE,
            Certificate.confidential.is_(False),
            Certificate.expires_on >= today,
        )
        .options(joinedload(Certificate.organisation))
    )
    if fold(text).strip():
        query = query.where(search.certificates_containing(text))
    return page_of(query, [REGISTER_ORDER], args, per_page)
