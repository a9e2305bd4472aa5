"""The IAF CertSearch upload workbook (IAF MD 28): the body's register in CertSearch's terms.

Layout: sheet "Certifications", one row per certificate revision with its certified entity, and
sheet "Sites", one row per certified site keyed by the Certification Identity Number (a
certificate has any number of sites, each with its own scope; a cell holds one value).
Field names follow CertSearch's certification template for certification bodies.

Statuses: active, suspended, withdrawn and expired map to the CertSearch value of the same name;
a superseded revision is "Inactive" (replaced by a newer revision, no longer the valid one).
Values over CertSearch's length limits refuse the whole export, naming the certificate: a
silently shortened legal name would publish a wrong record.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import date

from babel import Locale
from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import Select, func, or_, select

from certification.applications.schemes import scheme_title
from certification.certificates.models import Certificate, CertificateSite
from certification.exports import CELL_LIMIT, CHUNK, ExportRefused, add_sheet, safe_row
from certification.exports.register import run_steps, stream
from certification.exports.streaming import StreamedWorkbook
from certification.organisations.models import Organisation
from certification.workflow import CertificateState

STATUS = {
    CertificateState.ACTIVE: "Active",
    CertificateState.SUSPENDED: "Suspended",
    CertificateState.WITHDRAWN: "Withdrawn",
    CertificateState.EXPIRED: "Expired",
    CertificateState.SUPERSEDED: "Inactive",
}
# ISO 10002 certification is management-system certification in CertSearch's terms.
CERTIFICATION_TYPE = "Management System"
# The body's stable internal ids: never reused, unlike a number that a revision replaces.
CERTIFICATION_ID_PREFIX = "CERT-"
ENTITY_ID_PREFIX = "ORG-"

# CertSearch character limits (IAF MD 28 data structure).
LIMITS = {
    "identity": 60,
    "number": 60,
    "legal_name": 300,
    "english_name": 300,
    "trading_name": 300,
}

CERTIFICATIONS_SHEET = "Certifications"
SITES_SHEET = "Sites"
CERTIFICATION_HEADERS = (
    "Certification Identity Number",
    "Certificate Number",
    "Certification Status",
    "Accreditation Status",
    "Certification Type",
    "Certification Scope",
    "Certification Original Issue Date",
    "Certification Issue Date",
    "Certification Expiry Date",
    "Certified Entity Unique ID",
    "Certified Entity Name",
    "Certified Entity English Name",
    "Certified Entity Trading Name",
    "Certified Entity Address",
    "Certified Entity City",
    "Certified Entity Country",
    "Standards and Schemes",
    "Technical Sectors",
    "Confidential",
)
CERTIFICATION_WIDTHS = (18, 22, 12, 14, 20, 60, 14, 14, 14, 14, 40, 40, 30, 40, 18, 18, 30, 10, 12)
SITE_HEADERS = (
    "Certification Identity Number",
    "Certificate Number",
    "Site Name",
    "Site Address",
    "Site City",
    "Site Country",
    "Site Scope",
    "Head Office",
)
SITE_WIDTHS = (18, 22, 30, 40, 18, 18, 60, 10)


@dataclass(frozen=True)
class CertSearchExport:
    certifications: int
    sites: int


def certification_identity(certificate_id: int) -> str:
    return f"{CERTIFICATION_ID_PREFIX}{certificate_id}"


def entity_identity(organisation_id: int) -> str:
    return f"{ENTITY_ID_PREFIX}{organisation_id}"


def yyyymmdd(day: date | None) -> str:
    """CertSearch dates are text, YYYYMMDD."""
    return day.strftime("%Y%m%d") if day else ""


def certsearch_query() -> Select:
    """Every certificate revision (CertSearch keeps history by status), oldest id first."""
    return (
        select(
            Certificate.id,
            Certificate.number,
            Certificate.state,
            Certificate.accredited,
            Certificate.scope,
            Certificate.original_issued_on,
            Certificate.issued_on,
            Certificate.expires_on,
            Certificate.scheme,
            Certificate.edition,
            Certificate.confidential,
            Organisation.id.label("organisation_id"),
            Organisation.legal_name,
            Organisation.english_name,
            Organisation.trading_name,
            Organisation.address,
            Organisation.city,
            Organisation.country,
            Organisation.sector_code,
        )
        .join(Organisation, Organisation.id == Certificate.organisation_id)
        .order_by(Certificate.id)
    )


def sites_query(certificates: Select) -> Select:
    """The certified sites of the certificates that `certificates` selects."""
    ids = certificates.with_only_columns(Certificate.id).order_by(None)
    return (
        select(
            CertificateSite.certificate_id,
            Certificate.number,
            CertificateSite.name,
            CertificateSite.address,
            CertificateSite.city,
            CertificateSite.country,
            CertificateSite.scope,
            CertificateSite.is_head_office,
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
    count = yield from _write_certifications(book, certificates)
    sites = yield from _write_sites(book, sites_query(certificates))
    book.save()
    return CertSearchExport(certifications=count, sites=sites)


def _write_certifications(book, certificates: Select) -> Generator[int, None, int]:
    sheet = add_sheet(book, CERTIFICATIONS_SHEET, CERTIFICATION_HEADERS, CERTIFICATION_WIDTHS)
    titles: dict[tuple[str, str], str] = {}
    count = 0
    for row in stream(certificates):
        standard = titles.get((row.scheme, row.edition))
        if standard is None:
            standard = titles[(row.scheme, row.edition)] = scheme_title(row.scheme, row.edition)
        sheet.append(
            safe_row(
                sheet,
                (
                    certification_identity(row.id),
                    row.number,
                    STATUS[CertificateState(row.state)],
                    "Accredited" if row.accredited else "Unaccredited",
                    CERTIFICATION_TYPE,
                    row.scope,
                    yyyymmdd(row.original_issued_on),
                    yyyymmdd(row.issued_on),
                    yyyymmdd(row.expires_on),
                    entity_identity(row.organisation_id),
                    row.legal_name,
                    row.english_name,
                    row.trading_name,
                    row.address,
                    row.city,
                    country_name(row.country),
                    standard,
                    row.sector_code,
                    "Yes" if row.confidential else "No",
                ),
            )
        )
        count += 1
        if count % CHUNK == 0:
            yield count
    return count


def _write_sites(book, sites: Select) -> Generator[int, None, int]:
    sheet = add_sheet(book, SITES_SHEET, SITE_HEADERS, SITE_WIDTHS)
    count = 0
    for row in stream(sites):
        sheet.append(
            safe_row(
                sheet,
                (
                    certification_identity(row.certificate_id),
                    row.number,
                    row.name,
                    row.address,
                    row.city,
                    country_name(row.country),
                    row.scope,
                    "Yes" if row.is_head_office else "No",
                ),
            )
        )
        count += 1
        if count % CHUNK == 0:
            yield count
    return count


_TERRITORIES = Locale("en").territories


def country_name(code: str | None) -> str:
    """The English country name CertSearch maps by ("TR" -> "Türkiye"); the code if unknown."""
    code = (code or "").upper()
    return _TERRITORIES.get(code, code)
