"""The certificate register: every certificate revision, newest first, one row each.

History is kept in the register (superseded, withdrawn and expired revisions too): it is the
body's record of what it certified and when. Streamed: rows come from the database in chunks
and go straight into a write-only sheet.
"""

from __future__ import annotations

from collections.abc import Generator
from itertools import chain
from typing import Any, TypeVar

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import Select, case, func, select

from certification.applications.schemes import scheme_title
from certification.certificates.models import Certificate, CertificateSite
from certification.exports import CHUNK, PROGRESS, add_sheet, safe_row
from certification.exports.streaming import StreamedWorkbook
from certification.extensions import db
from certification.organisations.models import Organisation
from certification.programme.models import Audit, AuditKind
from certification.workflow import AuditState, CertificateState

# Audits of the programme not yet carried out: the next surveillance is the earliest of these.
NOT_DONE = (AuditState.PLANNED, AuditState.SCHEDULED, AuditState.IN_PROGRESS)
SURVEILLANCES = (AuditKind.SURVEILLANCE1, AuditKind.SURVEILLANCE2)
# Only a certificate still in force has a surveillance ahead of it.
IN_FORCE = (CertificateState.ACTIVE, CertificateState.SUSPENDED)
T = TypeVar("T")
WIDTHS = (22, 9, 13, 40, 40, 8, 18, 26, 60, 7, 12, 14, 12, 16, 11, 12, 12)


def sites_count():
    """How many certified sites a certificate names (a correlated count)."""
    return (
        select(func.count(CertificateSite.id))
        .where(CertificateSite.certificate_id == Certificate.id)
        .correlate(Certificate)
        .scalar_subquery()
    )


def next_surveillance_due():
    """Due-by date of the earliest surveillance not yet done in the certificate's cycle."""
    earliest = (
        select(func.min(Audit.due_by))
        .where(
            Audit.cycle_id == Certificate.cycle_id,
            Audit.kind.in_([kind.value for kind in SURVEILLANCES]),
            Audit.state.in_([state.value for state in NOT_DONE]),
        )
        .correlate(Certificate)
        .scalar_subquery()
    )
    return case((Certificate.state.in_([s.value for s in IN_FORCE]), earliest), else_=None)


def register_query() -> Select:
    """All certificate revisions, newest first; callers may add `.where(...)` to narrow it."""
    return (
        select(
            Certificate.number,
            Certificate.revision,
            Certificate.state,
            Organisation.legal_name,
            Organisation.english_name,
            Organisation.country,
            Organisation.city,
            Certificate.scheme,
            Certificate.edition,
            Certificate.scope,
            sites_count().label("sites"),
            Certificate.issued_on,
            Certificate.original_issued_on,
            Certificate.expires_on,
            next_surveillance_due().label("next_surveillance_due"),
            Certificate.accreditation_id.is_not(None).label("accredited"),
            Certificate.confidential,
            Certificate.certification_type,
        )
        .join(Organisation, Organisation.id == Certificate.organisation_id)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )


def register_headers() -> list[str]:
    return [
        _("Certificate number"),
        _("Revision"),
        _("Status"),
        _("Legal name"),
        _("English name"),
        _("Country"),
        _("City"),
        _("Standard"),
        _("Scope"),
        _("Sites"),
        _("Issued"),
        _("Original issue"),
        _("Expires"),
        _("Next surveillance due"),
        _("Accredited"),
        _("Confidential"),
        _("Transferred (IAF MD 2)"),
    ]


def write_register(target, rows_query: Select | None = None) -> int:
    """Write the register workbook to a path or binary stream; returns the number of rows."""
    return run_steps(register_steps(target, rows_query))


def register_steps(target, rows_query: Select | None = None) -> Generator[int, None, int]:
    """Write the register workbook, pausing (yielding the rows so far) after every CHUNK rows:
    a download sends what is written at each pause (streaming.stream_workbook)."""
    book = StreamedWorkbook(Workbook(write_only=True), target)
    yield 0
    sheet = add_sheet(book, _("Register"), register_headers(), WIDTHS)
    statuses = {state.value: state.label for state in CertificateState}
    yes_no = {True: _("Yes"), False: _("No")}
    titles: dict[tuple[str, str], str] = {}
    count = 0
    for row in stream(rows_query if rows_query is not None else register_query()):
        standard = titles.get((row.scheme, row.edition))
        if standard is None:
            standard = titles[(row.scheme, row.edition)] = scheme_title(row.scheme, row.edition)
        sheet.append(
            safe_row(
                sheet,
                (
                    row.number,
                    row.revision,
                    statuses.get(row.state, row.state),
                    row.legal_name,
                    row.english_name,
                    row.country,
                    row.city,
                    standard,
                    row.scope,
                    row.sites,
                    row.issued_on,
                    row.original_issued_on,
                    row.expires_on,
                    row.next_surveillance_due,
                    yes_no[bool(row.accredited)],
                    yes_no[bool(row.confidential)],
                    yes_no[row.certification_type == "transfer"],
                ),
            )
        )
        count += 1
        if count % CHUNK == 0:
            yield count
    book.save()
    return count


def run_steps(steps: Generator[Any, None, T]) -> T:
    """Run a writer's steps to the end; its return value."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def stream(query: Select):
    """The query's rows, fetched CHUNK at a time (a server-side cursor on PostgreSQL), read on
    the session's connection: plain rows of columns need nothing of the ORM's loading."""
    result = db.session.connection().execute(query.execution_options(yield_per=CHUNK))
    rows = chain.from_iterable(result.partitions())  # a list of CHUNK rows at a time
    progress = PROGRESS.get()
    return rows if progress is None else _told(rows, progress)


def _told(rows, progress):
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 - the last count is told below
        if count % CHUNK == 0:
            progress(count)
        yield row
    progress(count)
