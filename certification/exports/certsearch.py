"""The IAF CertSearch upload workbook, certification template v2.0 (IAF MD 28).

Sheets, in the template's order: "Certified Entity" (one row per certified organisation, the
address split into street, city, state, postcode and country/economy), "Certification" (one row
per certification: its newest revision, keyed by the certification identity number that stays
the same across revisions, scope changes and renewals) and "Certification Sites" (each certified
site with its own scope, only the template's columns). Standards and IAF technical sectors are
written as the values of CertSearch's fixed lists.

Statuses: active, suspended, withdrawn and expired map to the CertSearch value of the same name.
Values over CertSearch's length limits refuse the whole export, naming the certificate: a
silently shortened legal name would publish a wrong record.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel import Locale
from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import Select, func, or_, select

from certification.accreditations.iaf import sector_label
from certification.certificates.models import Certificate, CertificateSite
from certification.exports import CELL_LIMIT, CHUNK, ExportRefused, add_sheet, safe_row
from certification.exports.register import run_steps, stream
from certification.exports.streaming import StreamedWorkbook
from certification.organisations.models import Organisation
from certification.workflow import CertificateState

TEMPLATE_VERSION = "2.0"
STATUS = {
    CertificateState.ACTIVE: "Active",
    CertificateState.SUSPENDED: "Suspended",
    CertificateState.WITHDRAWN: "Withdrawn",
    CertificateState.EXPIRED: "Expired",
    CertificateState.SUPERSEDED: "Inactive",  # only if a newer revision is missing
}
# ISO 10002 certification is management-system certification in CertSearch's terms.
CERTIFICATION_TYPE = "Management System"
ENTITY_ID_PREFIX = "ORG-"
# Our schemes as entries of CertSearch's "Standards and Schemes" list. The star scheme is the
# body's own scheme built on ISO 10002:2018 and is listed under that standard.
STANDARDS = {
    ("iso10002", "2018"): "ISO 10002:2018",
    ("ts-iso10002", "2004"): "ISO 10002:2004",
    ("csat-star", "2018"): "ISO 10002:2018",
}

# CertSearch character limits (IAF MD 28 data structure).
LIMITS = {
    "identity": 60,
    "number": 60,
    "legal_name": 300,
    "english_name": 300,
    "trading_name": 300,
}

ENTITY_SHEET = "Certified Entity"
CERTIFICATION_SHEET = "Certification"
SITES_SHEET = "Certification Sites"
ENTITY_HEADERS = (
    "Certified Entity Unique ID",
    "Certified Entity Name",
    "Certified Entity Trading Name",
    "Certified Entity English Name",
    "Certified Entity Street",
    "Certified Entity City",
    "Certified Entity State",
    "Certified Entity Zipcode/Postcode",
    "Certified Entity Country/Economy",
)
ENTITY_WIDTHS = (14, 40, 30, 40, 40, 18, 18, 12, 18)
CERTIFICATION_HEADERS = (
    "Certification Identity Number",
    "Certified Entity Unique ID",
    "Certificate Number",
    "Certification Status",
    "Accreditation Status",
    "Certification Type",
    "Certification Scope",
    "Certification Original Issue Date",
    "Certification Issue Date",
    "Certification Expiry Date",
    "Standards and Schemes",
    "Technical Sectors",
    "Confidential",
)
CERTIFICATION_WIDTHS = (34, 14, 24, 12, 14, 20, 60, 14, 14, 14, 18, 40, 12)
SITE_HEADERS = (
    "Certification Identity Number",
    "Site Scope",
    "Site Street",
    "Site City",
    "Site State",
    "Site Zipcode/Postcode",
    "Site Country/Economy",
)
SITE_WIDTHS = (34, 60, 40, 18, 18, 12, 18)


@dataclass(frozen=True)
class CertSearchExport:
    certifications: int
    sites: int
    entities: int = 0


def entity_identity(organisation_id: int) -> str:
    return f"{ENTITY_ID_PREFIX}{organisation_id}"


@lru_cache(maxsize=4096)  # a few thousand days recur across 50,000 certificates
def yyyymmdd(day: date | None) -> str:
    """CertSearch dates are text, YYYYMMDD."""
    return day.strftime("%Y%m%d") if day else ""


def standard_name(scheme: str, edition: str) -> str:
    return STANDARDS.get((scheme, edition), f"{scheme} {edition}".strip())


def newest_revisions() -> Select:
    """The id of each certification's newest certificate (revision or renewal)."""
    return select(func.max(Certificate.id)).group_by(Certificate.certification_identity)


def certsearch_query() -> Select:
    """Each certification once, as its newest revision, oldest first."""
    return (
        select(
            Certificate.id,
            Certificate.certification_identity,
            Certificate.number,
            Certificate.state,
            Certificate.accreditation_id.is_not(None).label("accredited"),
            Certificate.scope,
            Certificate.original_issued_on,
            Certificate.issued_on,
            Certificate.expires_on,
            Certificate.scheme,
            Certificate.edition,
            Certificate.confidential,
            Certificate.sector_code,
            Organisation.id.label("organisation_id"),
            Organisation.legal_name,
            Organisation.english_name,
            Organisation.trading_name,
            Organisation.sector_code.label("organisation_sector"),
        )
        .join(Organisation, Organisation.id == Certificate.organisation_id)
        .where(Certificate.id.in_(newest_revisions()))
        .order_by(Certificate.id)
    )


def entities_query(certificates: Select) -> Select:
    ids = certificates.with_only_columns(Certificate.organisation_id).order_by(None)
    return (
        select(
            Organisation.id,
            Organisation.legal_name,
            Organisation.trading_name,
            Organisation.english_name,
            Organisation.address,
            Organisation.city,
            Organisation.region,
            Organisation.postcode,
            Organisation.country,
        )
        .where(Organisation.id.in_(ids))
        .order_by(Organisation.id)
    )


def sites_query(certificates: Select) -> Select:
    """The certified sites of the certificates that `certificates` selects."""
    ids = certificates.with_only_columns(Certificate.id).order_by(None)
    return (
        select(
            Certificate.certification_identity,
            CertificateSite.address,
            CertificateSite.city,
            CertificateSite.region,
            CertificateSite.postcode,
            CertificateSite.country,
            CertificateSite.scope,
            Certificate.scope.label("certificate_scope"),
        )
        .join(Certificate, Certificate.id == CertificateSite.certificate_id)
        .where(CertificateSite.certificate_id.in_(ids))
        .order_by(CertificateSite.certificate_id, CertificateSite.id)
    )


def certsearch_problems(certificates: Select | None = None) -> list[str]:
    """Every value CertSearch would refuse, one message per certificate and field."""
    base = certificates if certificates is not None else certsearch_query()
    lengths = {
        "number": func.length(Certificate.number),
        "legal_name": func.length(Organisation.legal_name),
        "english_name": func.length(Organisation.english_name),
        "trading_name": func.length(Organisation.trading_name),
    }
    scope = func.length(Certificate.scope)
    query = (
        base.with_only_columns(
            Certificate.id,
            Certificate.number,
            *(length.label(f"{name}_length") for name, length in lengths.items()),
            scope.label("scope_length"),
            maintain_column_froms=True,
        )
        .where(
            or_(
                *(length > LIMITS[name] for name, length in lengths.items()),
                scope > CELL_LIMIT,
                func.length(Organisation.legal_name) == 0,
            )
        )
        .order_by(Certificate.id)
    )
    problems = []
    for row in stream(query):
        problems.extend(_row_problems(row))
    return problems


def _row_problems(row) -> list[str]:
    labels = {
        "number": _("the certificate number"),
        "legal_name": _("the organisation's legal name"),
        "english_name": _("the organisation's English name"),
        "trading_name": _("the organisation's trading name"),
    }
    named = row.number[:80]
    problems = []
    if not row.legal_name_length:
        problems.append(
            _("Certificate %(number)s: the organisation has no legal name.", number=named)
        )
    for name, label in labels.items():
        length = getattr(row, f"{name}_length") or 0
        if length > LIMITS[name]:
            problems.append(
                _(
                    "Certificate %(number)s: %(field)s has %(length)s characters; "
                    "CertSearch takes at most %(limit)s.",
                    number=named,
                    field=label,
                    length=length,
                    limit=LIMITS[name],
                )
            )
    if (row.scope_length or 0) > CELL_LIMIT:
        problems.append(
            _(
                "Certificate %(number)s: the scope has %(length)s characters; "
                "a spreadsheet cell takes at most %(limit)s.",
                number=named,
                length=row.scope_length,
                limit=CELL_LIMIT,
            )
        )
    return problems


def write_certsearch(target, certificates: Select | None = None) -> CertSearchExport:
    """Write the CertSearch workbook to a path or binary stream, or raise ExportRefused
    (before anything is written) listing every value over CertSearch's limits."""
    return run_steps(certsearch_steps(target, certificates))


def certsearch_steps(
    target, certificates: Select | None = None
) -> Generator[int, None, CertSearchExport]:
    """Write the CertSearch workbook, pausing after every CHUNK rows; the checks come before
    the first pause, so a download refuses before its first byte."""
    certificates = certificates if certificates is not None else certsearch_query()
    problems = certsearch_problems(certificates)
    if problems:
        raise ExportRefused(problems)
    book = StreamedWorkbook(Workbook(write_only=True), target)
    yield 0
    entities = yield from _write_entities(book, entities_query(certificates))
    count = yield from _write_certifications(book, certificates)
    sites = yield from _write_sites(book, sites_query(certificates))
    book.save()
    return CertSearchExport(certifications=count, sites=sites, entities=entities)


def _write_entities(book, entities: Select) -> Generator[int, None, int]:
    sheet = add_sheet(book, ENTITY_SHEET, ENTITY_HEADERS, ENTITY_WIDTHS)
    count = 0
    for row in stream(entities):
        values = (
            entity_identity(row.id),
            row.legal_name,
            row.trading_name,
            row.english_name,
            row.address,
            row.city,
            row.region,
            row.postcode,
            country_name(row.country),
        )
        sheet.append(safe_row(sheet, values))
        count += 1
        if count % CHUNK == 0:
            yield count
    return count


def _write_certifications(book, certificates: Select) -> Generator[int, None, int]:
    sheet = add_sheet(book, CERTIFICATION_SHEET, CERTIFICATION_HEADERS, CERTIFICATION_WIDTHS)
    count = 0
    for row in stream(certificates):
        values = (
            row.certification_identity,
            entity_identity(row.organisation_id),
            row.number,
            STATUS[row.state],  # stored as text: the state's own value
            "Accredited" if row.accredited else "Unaccredited",
            CERTIFICATION_TYPE,
            row.scope,
            yyyymmdd(row.original_issued_on),
            yyyymmdd(row.issued_on),
            yyyymmdd(row.expires_on),
            standard_name(row.scheme, row.edition),
            _sector_label(row.sector_code or row.organisation_sector),
            "Yes" if row.confidential else "No",
        )
        sheet.append(safe_row(sheet, values))
        count += 1
        if count % CHUNK == 0:
            yield count
    return count


def _write_sites(book, sites: Select) -> Generator[int, None, int]:
    sheet = add_sheet(book, SITES_SHEET, SITE_HEADERS, SITE_WIDTHS)
    count = 0
    for row in stream(sites):
        values = (
            row.certification_identity,
            row.scope or row.certificate_scope,
            row.address,
            row.city,
            row.region,
            row.postcode,
            country_name(row.country),
        )
        sheet.append(safe_row(sheet, values))
        count += 1
        if count % CHUNK == 0:
            yield count
    return count


_TERRITORIES = Locale("en").territories
# Asked once per code and sector, not once per row.
_sector_label = lru_cache(maxsize=1024)(sector_label)


@lru_cache(maxsize=1024)
def country_name(code: str | None) -> str:
    """The English country name CertSearch maps by ("TR" -> "Türkiye"); the code if unknown."""
    code = (code or "").upper()
    return _TERRITORIES.get(code, code)
