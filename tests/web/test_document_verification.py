"""A stranger uploads a certificate PDF: the page and the JSON API say whether it is genuine,
which revision, whether current; the downloads and the CLI give the bytes as issued."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from certification.certificates import services
from certification.certificates.models import IssuedPdf
from certification.extensions import db as _db
from certification.extensions import limiter
from certification.signing import SIGNER
from tests import factories
from tests.services.test_certificates import decision, grant

API = "/api/v1/documents/verify"


@pytest.fixture(autouse=True)
def fresh(app, monkeypatch):
    """No signing key (the signed path is tested in services); fresh rate counters."""
    monkeypatch.setitem(app.extensions, SIGNER, None)
    limiter.reset()
    yield
    limiter.reset()


def issued_far_ahead():
    """A certificate whose expiry is after any day the suite runs on."""
    cycle = factories.cycle(decision_date=date(2026, 3, 15))
    certificate = grant(cycle)
    certificate.expires_on = date(2999, 3, 14)
    _db.session.flush()
    return certificate


def _stored(certificate) -> bytes:
    return _db.session.scalar(
        select(IssuedPdf.pdf).where(IssuedPdf.certificate_id == certificate.id)
    )


def upload(client, url, data: bytes | None, name="certificate.pdf"):
    form = {} if data is None else {"file": (io.BytesIO(data), name)}
    return client.post(url, data=form, content_type="multipart/form-data")


def page_text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def test_the_lookup_page_offers_the_upload(client, db):
    html = client.get("/verify").get_data(as_text=True)
    assert 'action="/verify/document"' in html and 'type="file"' in html
    assert "Check the file" in html


def test_an_issued_file_is_genuine_and_current(client, db):
    certificate = issued_far_ahead()
    _db.session.commit()
    response = upload(client, "/verify/document", _stored(certificate))
    text = page_text(response)
    assert response.status_code == 200
    assert f"Genuine: certificate {certificate.number}, revision 0" in text
    assert "Genuine and current" in text
    assert f"/verify/{certificate.token}" in text


def test_after_a_scope_change_the_old_file_is_superseded_on_page_and_api(client, db):
    old = issued_far_ahead()
    old_pdf = _stored(old)
    new = services.revise_certificate(
        None,
        old,
        decision(old.cycle, date(2026, 9, 1), outcome="extend_scope"),
        scope="Wider scope",
        sites=old.sites,
        today=date(2026, 9, 1),
    )
    _db.session.commit()
    text = page_text(upload(client, "/verify/document", old_pdf))
    assert f"Genuine, but superseded by revision 1 ({new.number})" in text
    assert "Genuine and current" not in text
    assert upload(client, API, old_pdf).get_json() == {
        "genuine": True,
        "number": old.number,
        "revision": 0,
        "current": False,
        "status": "superseded",
        "superseded_by": new.number,
    }
    assert upload(client, API, _stored(new)).get_json()["current"] is True


def test_a_suspended_certificate_file_is_genuine_but_not_valid(client, db):
    certificate = issued_far_ahead()
    services.suspend_certificate(None, certificate, "Missed surveillance", date(2026, 10, 1))
    _db.session.commit()
    text = page_text(upload(client, "/verify/document", _stored(certificate)))
    assert "but suspended since" in text and "Genuine and current" not in text
    assert upload(client, API, _stored(certificate)).get_json()["status"] == "suspended"


@pytest.mark.parametrize(
    "data",
    [None, b"", b"hello", b"%PDF-1.7\n%\xff\xff\n1 0 obj\n<<>>\nendobj\n%%EOF", b"\x89PNG\r\n"],
    ids=["no file", "empty", "text", "another pdf", "an image"],
)
def test_anything_else_is_not_genuine_never_an_error(client, db, data):
    response = upload(client, API, data)
    assert response.status_code == 200
    assert response.get_json()["genuine"] is False
    page = upload(client, "/verify/document", data)
    assert page.status_code == 200 and "Not a genuine certificate of ours" in page_text(page)


def test_a_changed_file_is_not_genuine(client, db):
    pdf = bytearray(_stored(issued_far_ahead()))
    _db.session.commit()
    pdf[len(pdf) // 2] ^= 1
    assert upload(client, API, bytes(pdf)).get_json()["genuine"] is False


def test_uploads_are_rate_limited_like_the_lookup(app, client, db):
    before = app.config.get("RATE_LIMIT_VERIFY")
    app.config["RATE_LIMIT_VERIFY"] = "2/minute"
    try:
        for _ in range(2):
            assert upload(client, API, b"x").status_code == 200
        refused = upload(client, API, b"x")
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert "Too many look-ups" in refused.get_json()["error"]
        assert upload(client, "/verify/document", b"x").status_code == 429
    finally:
        app.config["RATE_LIMIT_VERIFY"] = before


def test_the_download_is_the_issued_file_byte_for_byte(client, login_as, db):
    certificate = issued_far_ahead()
    login_as(factories.user("client", organisation_id=certificate.organisation_id))
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.data == _stored(certificate)
    assert upload(client, API, response.data).get_json()["genuine"] is True


def test_the_cli_writes_the_issued_file(app, db, tmp_path):
    certificate = issued_far_ahead()
    _db.session.commit()
    target = tmp_path / "out.pdf"
    result = app.test_cli_runner().invoke(
        args=["certificates", "pdf", certificate.number, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == _stored(certificate)
    assert f"Wrote {target}" in result.output
    unknown = app.test_cli_runner().invoke(args=["certificates", "pdf", "NO-SUCH-1"])
    assert unknown.exit_code != 0 and "No certificate has the number 'NO-SUCH-1'" in unknown.output
