"""Is this file a genuine certificate of ours? The uploaded bytes' SHA-256 against the register
of issued PDFs: which certificate and revision, and whether that revision is the current one.

Works for signed and unsigned certificates alike (a signed file is its stored bytes too); a file
changed by even one byte is not ours. Nothing is parsed, so no file can make it fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from certification.certificates.issued import by_digest
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.verification.services import public_status
from certification.workflow import CertificateState

MAX_BYTES = 10 * 1024 * 1024  # far more than any certificate PDF


@dataclass(frozen=True)
class DocumentCheck:
    genuine: bool
    number: str | None = None
    revision: int | None = None
    current: bool = False
    status: str | None = None
    since: date | None = None  # suspended on, or ended on (withdrawn, expired, superseded)
    current_number: str | None = None  # the certification's current revision, when superseded
    current_revision: int | None = None
    token: str | None = None

    def as_json(self) -> dict:
        return {
            "genuine": self.genuine,
            "number": self.number,
            "revision": self.revision,
            "current": self.current,
            "status": self.status,
            "superseded_by": self.current_number if self.status == "superseded" else None,
        }


NOT_OURS = DocumentCheck(genuine=False)


def check_document(data: bytes | None, today: date) -> DocumentCheck:
    if not data or len(data) > MAX_BYTES:
        return NOT_OURS
    issued = by_digest(data)
    if issued is None:
        return NOT_OURS
    certificate = issued.certificate
    status = public_status(certificate.state, certificate.expires_on, today)
    newest = _newest_of(certificate)
    since = certificate.suspended_on if status == CertificateState.SUSPENDED else None
    if status in (CertificateState.WITHDRAWN, CertificateState.SUPERSEDED):
        since = certificate.ended_on
    elif status == CertificateState.EXPIRED:
        since = certificate.ended_on or certificate.expires_on
    return DocumentCheck(
        genuine=True,
        number=certificate.number,
        revision=certificate.revision,
        current=status != CertificateState.SUPERSEDED,
        status=status.value,
        since=since,
        current_number=newest.number if newest.id != certificate.id else None,
        current_revision=newest.revision if newest.id != certificate.id else None,
        token=certificate.token,
    )


def _newest_of(certificate: Certificate) -> Certificate:
    """The newest revision (or renewal) of the same certification."""
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.certification_identity == certificate.certification_identity)
        .order_by(Certificate.id.desc())
        .limit(1)
    )
