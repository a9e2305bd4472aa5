"""Issue 13: the certificate is bilingual, English and the client's language, chosen at the grant
(the committee's decision form; by default the organisation's preferred language)."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader
from sqlalchemy import func, select

from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.extensions import db
from tests import factories
from tests.web.test_decisions import submitted


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def grant(client, audit, **extra):
    data = {"outcome": "grant", "reasons": "All clauses met.", "scope": "Retail services"}
    return client.post(f"/decisions/audits/{audit.id}/decide", data={**data, **extra})


def test_the_form_offers_the_languages_with_the_clients_one_chosen(client, login_as):
    audit = submitted(org=factories.organisation(preferred_language="ka"))
    login_as("committee")
    page = client.get(f"/decisions/audits/{audit.id}").get_data(as_text=True)
    assert "Language of the certificate beside English" in page
    assert '<option selected value="ka">ქართული</option>' in page
    assert "None (English only)" in page and "Tiếng Việt" in page


def test_the_chosen_language_is_printed_beside_english(client, login_as):
    audit = submitted(org=factories.organisation(preferred_language="ka"))
    login_as("committee")
    assert grant(client, audit, certificate_language="vi").status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert certificate.language == "vi"
    text = pdf_text(client.get(f"/certificates/{certificate.id}.pdf"))
    assert "CERTIFICATE / GIẤY CHỨNG NHẬN" in text
    assert "đã được đánh giá và xác định là đáp ứng các hướng dẫn của ISO 10002:2018" in text
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "Languages of the certificate</dt><dd>English · Tiếng Việt</dd>" in page


def test_by_default_the_clients_preferred_language(client, login_as):
    audit = submitted(org=factories.organisation(preferred_language="ru"))
    login_as("committee")
    assert grant(client, audit).status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert certificate.language == "ru"
    assert "CERTIFICATE / СЕРТИФИКАТ" in pdf_text(client.get(f"/certificates/{certificate.id}.pdf"))


def test_a_language_we_do_not_speak_is_refused_and_nothing_changes(client, login_as):
    audit = submitted()
    login_as("committee")
    response = grant(client, audit, certificate_language="xx")
    assert response.status_code == 400
    assert "Choose one of the offered languages." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    assert db.session.scalar(select(func.count(Decision.id))) == 0
