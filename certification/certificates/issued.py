"""The certificate PDF as issued: rendered once, signed when a key is configured, stored with
its SHA-256, and from then on served byte for byte (so that the file verifies as genuine)."""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from certification.certificates.models import Certificate, IssuedPdf
from certification.certificates.pdf import Signatory, render_certificate_pdf
from certification.extensions import db
from certification.settings import services as settings
from certification.signing import signed

LOCAL_URL = "http://127.0.0.1:5000"
log = logging.getLogger(__name__)


def verification_url(token: str) -> str:
    """The absolute address of the public verification page that the QR code leads to."""
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if public:
        return f"{public}/verify/{token}"
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        try:
            return url_for("verification.verify", token=token, _external=True)
        except (BuildError, RuntimeError):
            pass
    return f"{LOCAL_URL}/verify/{token}"


def render_unsigned(certificate: Certificate) -> bytes:
    """The certificate with the body's letterhead as the settings say today."""
    accreditation = certificate.accreditation
    return render_certificate_pdf(
        certificate,
        body_name=current_app.config["BODY_NAME"],
        body_address=current_app.config["BODY_ADDRESS"],
        verify_url=verification_url(certificate.token),
        logo=_image(settings.get("body_logo")),
        signatory=Signatory(
            name=settings.get("certificate_signatory_name"),
            role=settings.get("certificate_signatory_role"),
            signature=_image(settings.get("signature_image")),
        ),
        accreditation_mark=_stored_bytes(accreditation.mark_stored_name if accreditation else None),
    )


def _image(stored: dict | None) -> bytes | None:
    return _stored_bytes(stored["stored"]) if stored else None


def _stored_bytes(stored_name: str | None) -> bytes | None:
    """A stored upload's bytes; None (and a warning) if the file has gone."""
    if not stored_name:
        return None
    from certification.applications.uploads import stored_path

    try:
        return stored_path(stored_name).read_bytes()
    except OSError:
        log.warning("stored image %s is missing: the certificate is made without it", stored_name)
        return None


def issue_pdf(certificate: Certificate) -> IssuedPdf:
    """Render, sign and keep the PDF of this revision; once per revision, whatever the races."""
    found = _stored(certificate.id)
    if found is not None:
        return found
    body = current_app.config["BODY_NAME"]
    data, is_signed = signed(
        render_unsigned(certificate), f"Certificate {certificate.number}", body
    )
    row = IssuedPdf(
        certificate_id=certificate.id,
        sha256=hashlib.sha256(data).hexdigest(),
        pdf=data,
        signed=is_signed,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # the first download of an old certificate, twice at once
        return _stored(certificate.id)
    return row


def _stored(certificate_id: int) -> IssuedPdf | None:
    return db.session.scalar(select(IssuedPdf).where(IssuedPdf.certificate_id == certificate_id))


def by_digest(data: bytes) -> IssuedPdf | None:
    """The issued PDF with these exact bytes, if any."""
    digest = hashlib.sha256(data).hexdigest()
    return db.session.scalar(select(IssuedPdf).where(IssuedPdf.sha256 == digest))
