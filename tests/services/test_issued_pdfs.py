"""Issued PDFs: kept byte for byte with their SHA-256, signed when a key is configured, and an
uploaded file recognised as genuine (which revision, whether current) or not ours."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import func, select

from certification.certificates import services
from certification.certificates.issued import issue_pdf
from certification.certificates.models import IssuedPdf
from certification.signing import SIGNER, _load, outside_event_loop
from certification.verification.documents import check_document
from tests.services.test_certificates import GRANTED, decision, grant

TODAY = date(2026, 11, 24)


@pytest.fixture
def unsigned(app, monkeypatch):
    """No signing key, whatever the instance folder holds."""
    monkeypatch.setitem(app.extensions, SIGNER, None)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def stored(certificate) -> IssuedPdf:
    return issue_pdf(certificate)


def test_issuing_keeps_the_pdf_as_issued_with_its_digest(db, unsigned):
    certificate = grant()
    row = db.session.scalar(select(IssuedPdf).where(IssuedPdf.certificate_id == certificate.id))
    assert row is not None and not row.signed
    assert row.pdf.startswith(b"%PDF") and certificate.number in text_of(row.pdf)
    assert row.sha256 == hashlib.sha256(row.pdf).hexdigest()
    # asked again (a download), the same bytes: never a second row for the revision
    assert issue_pdf(certificate) is row
    assert db.session.scalar(select(func.count()).select_from(IssuedPdf)) == 1


def test_an_issued_file_is_genuine_and_current(db, unsigned):
    certificate = grant()
    result = check_document(stored(certificate).pdf, TODAY)
    assert result.genuine and result.current
    assert (result.number, result.revision, result.status) == (certificate.number, 0, "active")
    assert result.as_json() == {
        "genuine": True,
        "number": certificate.number,
        "revision": 0,
        "current": True,
        "status": "active",
        "superseded_by": None,
    }


def test_after_a_scope_change_the_old_file_is_genuine_but_superseded(db, unsigned):
    old = grant()
    old_pdf = stored(old).pdf
    new = services.revise_certificate(
        None,
        old,
        decision(old.cycle, date(2026, 9, 1), outcome="extend_scope"),
        scope="Wider scope",
        sites=old.sites,
        today=date(2026, 9, 1),
    )
    result = check_document(old_pdf, TODAY)
    assert result.genuine and not result.current and result.status == "superseded"
    assert (result.current_number, result.current_revision) == (new.number, 1)
    assert result.since == date(2026, 9, 1)
    assert result.as_json()["superseded_by"] == new.number
    newest = check_document(stored(new).pdf, TODAY)
    assert newest.genuine and newest.current and newest.revision == 1


def test_a_suspended_certificate_file_says_since_when(db, unsigned):
    certificate = grant()
    services.suspend_certificate(None, certificate, "Missed surveillance", date(2026, 10, 1))
    result = check_document(stored(certificate).pdf, TODAY)
    assert result.genuine and result.current and result.status == "suspended"
    assert result.since == date(2026, 10, 1)


def test_an_expired_certificate_file_says_expired(db, unsigned):
    certificate = grant(decided_on=GRANTED)
    result = check_document(stored(certificate).pdf, certificate.expires_on.replace(year=2030))
    assert result.genuine and result.status == "expired"


def _changed_byte(pdf: bytes) -> bytes:
    middle = len(pdf) // 2
    return pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        _changed_byte,
        lambda pdf: pdf[:-1],
        lambda pdf: pdf + b"\n",
        lambda pdf: b"",
        lambda pdf: b"not a pdf at all",
        lambda pdf: b"%PDF-1.4\n" + b"\x00" * 100,
    ],
    ids=["one byte changed", "truncated", "appended", "empty", "text", "another pdf"],
)
def test_anything_but_the_issued_bytes_is_not_genuine(db, unsigned, tamper):
    pdf = stored(grant()).pdf
    result = check_document(tamper(pdf), TODAY)
    assert not result.genuine
    assert result.as_json() == {
        "genuine": False,
        "number": None,
        "revision": None,
        "current": False,
        "status": None,
        "superseded_by": None,
    }


def test_a_configured_key_signs_the_certificate_and_the_validator_finds_it_intact(db, signing):
    certificate = grant()
    row = stored(certificate)
    assert row.signed
    signature = PdfFileReader(io.BytesIO(row.pdf)).embedded_signatures[0]
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing))])
    # pyHanko runs its own event loop: off the thread a session's Chromium (Playwright) keeps one
    status = outside_event_loop(lambda: validate_pdf_signature(signature, trust))
    assert status.intact and status.valid and status.trusted
    assert "Anatolia Test Body" in status.signing_cert.subject.human_friendly
    assert certificate.number in text_of(row.pdf)  # the signed file still reads as before
    assert check_document(row.pdf, TODAY).genuine  # a signed file is recognised like any other


def test_a_changed_signed_file_fails_the_validator_and_the_check(db, signing):
    pdf = stored(grant()).pdf
    changed = _changed_byte(pdf[:2000]) + pdf[2000:]  # inside the signed range
    assert not check_document(changed, TODAY).genuine
    signature = PdfFileReader(io.BytesIO(changed), strict=False).embedded_signatures[0]
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing))])
    # pyHanko runs its own event loop: off the thread a session's Chromium (Playwright) keeps one
    status = outside_event_loop(lambda: validate_pdf_signature(signature, trust))
    assert not status.intact


def test_the_key_is_read_from_pem_files_or_a_pkcs12_file(tmp_path, key_pair):
    key, cert = key_pair
    assert _load({"SIGNING_KEY": str(key), "SIGNING_CERT": str(cert)}, tmp_path) is not None
    assert _load({}, tmp_path) is None  # nothing configured, no demo pair: unsigned
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        load_pem_private_key,
        pkcs12,
    )
    from cryptography.x509 import load_pem_x509_certificate

    bundle = pkcs12.serialize_key_and_certificates(
        b"body",
        load_pem_private_key(key.read_bytes(), None),
        load_pem_x509_certificate(cert.read_bytes()),
        None,
        BestAvailableEncryption(b"secret"),
    )
    path = tmp_path / "body.p12"
    path.write_bytes(bundle)
    loaded = _load({"SIGNING_PKCS12": str(path), "SIGNING_PKCS12_PASSWORD": "secret"}, tmp_path)
    assert loaded is not None and "Anatolia Test Body" in loaded.signing_cert.subject.human_friendly
    # the demo's pair (SIGNING_DEMO_FOLDER) is used when nothing is configured
    demo = tmp_path / "signing"
    demo.mkdir()
    (demo / "key.pem").write_bytes(key.read_bytes())
    (demo / "cert.pem").write_bytes(cert.read_bytes())
    assert _load({}, demo) is not None
