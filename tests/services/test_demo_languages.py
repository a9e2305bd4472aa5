"""Issue 13: the demo's clients each have their preferred language, and their certificates are
printed in English and that language."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader
from sqlalchemy import select

from certification.certificates.issued import issue_pdf
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.organisations.models import Organisation
from tests.services.test_demo import demo_app  # noqa: F401 - the fixture

TITLES = {
    "tr": "CERTIFICATE / BELGE",
    "ru": "CERTIFICATE / СЕРТИФИКАТ",
    "ka": "CERTIFICATE / სერტიფიკატი",
    "vi": "CERTIFICATE / GIẤY CHỨNG NHẬN",
}
NATIVE = {"TR": "tr", "RU": "ru", "GE": "ka", "VN": "vi", "AE": "ar", "GB": "en"}


def first_page(pdf: bytes) -> str:
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_demo_clients_speak_their_languages_and_their_certificates_show_it(demo_app):  # noqa: F811
    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output
    with demo_app.app_context(), demo_app.test_request_context():
        organisations = db.session.scalars(select(Organisation)).all()
        for organisation in organisations:
            assert organisation.preferred_language == NATIVE[organisation.country], (
                organisation.english_name
            )
        assert {o.preferred_language for o in organisations} >= {"en", "tr", "ru", "ka", "vi"}
        certificates = db.session.scalars(select(Certificate)).all()
        shown = set()
        for certificate in certificates:
            language = certificate.organisation.preferred_language
            assert certificate.language == language, certificate.number
            if language in TITLES:
                assert TITLES[language] in first_page(issue_pdf(certificate).pdf)
                shown.add(language)
        assert shown >= {"tr", "ru", "ka", "vi"}
