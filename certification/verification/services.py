"""Public look-ups of certificates: by QR token, by number, and the public register.

The page and the JSON API both show `public_view(...)`, so they can never disagree. A look-up is
one statement: the certificate with its organisation, sites, next surveillance due and successor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, bindparam, case, literal, null, select
from sqlalchemy.orm import joinedload

from certification.applications.schemes import scheme_title
from certification.certificates.models import Certificate, CertificateSite
from certification.extensions import db
from certification.organisations.models import Organisation, fold
from certification.programme.models import Audit, AuditKind
from certification.verification.cache import LookupCache
from certification.workflow import AuditState, CertificateState

SURVEILLANCE = (AuditKind.SURVEILLANCE1, AuditKind.SURVEILLANCE2)
# A surveillance audit still to be done: not yet carried out (submitted or later) nor cancelled.
NOT_YET_DONE = (AuditState.PLANNED, AuditState.SCHEDULED, AuditState.IN_PROGRESS)
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


_CERT = Certificate.__table__.c
_ORG = Organisation.__table__.c
_SITE = CertificateSite.__table__.c
_AUDIT = Audit.__table__.c


def _lookup_statement(key_column) -> Select:
    """One SELECT: the certificate, its organisation, one row per certified site, and as scalar
    subqueries the next surveillance due and the number of the revision that superseded it."""
    successor = Certificate.__table__.alias("successor")
    next_due = (
        select(_AUDIT.due_by)
        .where(
            _AUDIT.cycle_id == _CERT.cycle_id,
            # constants, not an expanding parameter: one less step for each look-up
            _AUDIT.kind.in_([literal(kind.value) for kind in SURVEILLANCE]),
            _AUDIT.state.in_([literal(state.value) for state in NOT_YET_DONE]),
            _AUDIT.due_by.is_not(None),
        )
        .order_by(_AUDIT.due_by)
        .limit(1)
        .scalar_subquery()
    )
    superseded_by = (
        select(successor.c.number)
        .where(successor.c.supersedes_id == _CERT.id)
        .order_by(successor.c.revision.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            _CERT.number,
            _CERT.state,
            _CERT.confidential,
            _CERT.scheme,
            _CERT.edition,
            _CERT.scope,
            _CERT.issued_on,
            _CERT.original_issued_on,
            _CERT.expires_on,
            _CERT.revision,
            _ORG.legal_name,
            _ORG.english_name,
            _ORG.city,
            _ORG.country,
            next_due.label("next_surveillance_due"),
            # asked only of superseded ones: supersedes_id has no index, the scan is not free
            case(
                (_CERT.state == literal(CertificateState.SUPERSEDED.value), superseded_by),
                else_=null(),
            ).label("superseded_by"),
            _SITE.name.label("site_name"),
            _SITE.address.label("site_address"),
            _SITE.city.label("site_city"),
            _SITE.country.label("site_country"),
            _SITE.scope.label("site_scope"),
        )
        .select_from(
            Certificate.__table__.join(
                Organisation.__table__, _ORG.id == _CERT.organisation_id
            ).outerjoin(CertificateSite.__table__, _SITE.certificate_id == _CERT.id)
        )
        .where(key_column == bindparam("key"))
        .order_by(_SITE.id)
    )


# Built once: constructing the statement costs more than running it on a small database.
_BY_TOKEN = _lookup_statement(_CERT.token)
_BY_NUMBER = _lookup_statement(_CERT.number)


def _first(statement: Select, key: str) -> Lookup | None:
    rows = db.session.execute(statement, {"key": key}).all()
    if not rows:
        return None
    row = rows[0]
    sites = [
        {
            "name": site.site_name,
            "address": site_address(site.site_address, site.site_city, site.site_country) or None,
            "scope": site.site_scope or None,
        }
        for site in rows
        if site.site_name is not None
    ]
    return Lookup(
        number=row.number,
        state=row.state,
        confidential=row.confidential,
        scheme=row.scheme,
        edition=row.edition,
        scope=row.scope,
        issued_on=row.issued_on,
        original_issued_on=row.original_issued_on,
        expires_on=row.expires_on,
        revision=row.revision,
        organisation={
            "name": row.legal_name,
            "english_name": row.english_name or None,
            "city": row.city or None,
            "country": row.country or None,
        },
        sites=sites,
        next_surveillance_due=row.next_surveillance_due,
        superseded_by=row.superseded_by,
    )


def find_by_token(token: str, cache: LookupCache | None = None) -> Lookup | None:
    """The certificate a QR code points to."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    return _cached(cache, ("token", token), _BY_TOKEN)


def find_by_number(number: str, cache: LookupCache | None = None) -> Lookup | None:
    """The certificate with this number, exactly as printed (surrounding spaces ignored)."""
    number = (number or "").strip()
    if not number or len(number) > 60:
        return None
    return _cached(cache, ("number", number), _BY_NUMBER)


def _cached(cache: LookupCache | None, key: tuple[str, str], statement: Select) -> Lookup | None:
    found = cache.get(key) if cache is not None else None
    if found is None:
        found = _first(statement, key[1])
        if cache is not None:
            cache.put(key, found)
    return found


def public_status(state: str, expires_on: date, today: date) -> CertificateState:
    """The honest status today: a certificate past its expiry date is expired even before the
    nightly sweep has marked it so (the expiry date itself is still a valid day)."""
    status = CertificateState(state)
    if status in RUNNING and today > expires_on:
        return CertificateState.EXPIRED
    return status


def public_view(found: Lookup, today: date) -> dict:
    """What the public may know of a certificate, as plain values (dates in ISO form).

    17021-1 8.1.3: on request, the body states whether a certificate is valid, with the client's
    name, standard, scope and location; a confidential one reveals only its number and status.
    """
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
    )
    return view


def site_address(address: str | None, city: str | None, country: str | None) -> str:
    """One line: street address, then city and country when the address does not name them."""
    address = (address or "").strip()
    parts = [address] + [extra for extra in (city, country) if extra and extra not in address]
    return ", ".join(part for part in parts if part)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def register_query(search: str, today: date) -> Select:
    """The public register: active, non-confidential, unexpired certificates, newest first.

    `search` matches the organisation's names in any script and its city (through the folded
    Organisation.search_text), or the certificate number.
    """
    query = (
        select(Certificate)
        .join(Certificate.organisation)
        .where(
            Certificate.state == CertificateState.ACTIVE,
            Certificate.confidential.is_(False),
            Certificate.expires_on >= today,
        )
        .options(joinedload(Certificate.organisation))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )
    folded = fold(search).strip()
    if folded:
        pattern = "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            Organisation.search_text.like(pattern, escape="\\")
            | Certificate.number.ilike(pattern, escape="\\")
        )
    return query
