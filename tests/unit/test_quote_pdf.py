"""The quote PDF: read the text back and find the client's name in its own script."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings

from certification.applications.models import Application
from certification.organisations.models import Organisation, Site
from certification.pdf_kit import display_text
from certification.quotes.models import Quote
from certification.quotes.pdf import render_quote_pdf
from tests.strategies import typed_text

BODY = ("Anatolia Certification Body", "Büyükdere Cad. No. 120, Şişli, İstanbul")


@pytest.fixture(autouse=True)
def request_context(app):
    """Labels are translated in the request's locale; English here."""
    with app.test_request_context():
        yield


def make_quote(legal_name: str, english_name: str = "", **kw) -> Quote:
    """An issued quote built in memory: the PDF needs no database."""
    organisation = Organisation(
        legal_name=legal_name,
        english_name=english_name,
        country="GE",
        city="Tbilisi",
        address="Rustaveli Ave 12",
        sector_code="29",
        effective_personnel=40,
    )
    site = Site(name="Head office", city="Tbilisi", country="GE", is_head_office=True)
    organisation.sites = [site]
    application = Application(
        organisation=organisation,
        scheme="iso10002",
        edition="2018",
        scope="Handling of customer complaints for retail services",
        sites=[site],
    )
    values = dict(
        number="Q-2026-0042",
        employees=40,
        sites=1,
        table_days=Decimal("4"),
        adjustment_percent=Decimal("0"),
        adjustment_justification="",
        initial_days=Decimal("4"),
        stage1_days=Decimal("1.5"),
        stage2_days=Decimal("2.5"),
        surveillance_days=Decimal("1.5"),
        recertification_days=Decimal("2.5"),
        sample_initial=1,
        sample_surveillance=1,
        sample_recertification=1,
        currency="EUR",
        day_rate=Decimal("950.00"),
        application_fee=Decimal("250.00"),
        certificate_fee=Decimal("300.00"),
        total=Decimal("4350.00"),
        notes="",
        issued_on=date(2026, 11, 24),
        valid_until=date(2026, 12, 24),
    )
    values.update(kw)
    return Quote(organisation=organisation, application=application, **values)


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    "legal_name",
    [
        "შპს ქართული სერვისი",  # Georgian
        "ООО «Сервис Поволжья»",  # Cyrillic
        "Công ty TNHH Dịch vụ Sài Gòn",  # Vietnamese
        "Örnek Müşteri Hizmetleri A.Ş.",  # Turkish
    ],
)
def test_client_name_in_any_script_is_in_the_pdf(legal_name):
    pdf = render_quote_pdf(make_quote(legal_name, "Example Services LLC"), *BODY)

    text = pdf_text(pdf)
    assert unicodedata.normalize("NFKC", legal_name) in text
    assert "Example Services LLC" in text
    assert b"DejaVuSans" in pdf  # the font is embedded, not left to the reader


def test_pdf_shows_number_dates_time_and_price():
    quote = make_quote("Örnek Hizmet A.Ş.")

    text = pdf_text(render_quote_pdf(quote, *BODY))

    for expected in (
        "Anatolia Certification Body",
        "Q-2026-0042",
        "Valid until",
        "Dec 24, 2026",
        "ISO 10002:2018",
        "Handling of customer complaints for retail services",
        "€4,350.00",  # total
        "€3,800.00",  # 4 days x 950
        "€1,425.00",  # each surveillance, for information
        "€2,375.00",  # recertification, for information
        "8 hours",
        "80%",
    ):
        assert expected in text, expected


def test_adjustment_and_its_justification_are_printed():
    quote = make_quote(
        "Örnek Hizmet A.Ş.",
        adjustment_percent=Decimal("-20"),
        adjustment_justification="One complaints desk for the whole company.",
        initial_days=Decimal("3"),
    )

    text = pdf_text(render_quote_pdf(quote, *BODY))

    assert "-20%" in text
    assert "One complaints desk for the whole company." in text


def test_markup_in_user_text_is_printed_as_text():
    text = pdf_text(render_quote_pdf(make_quote("Smith & Sons <Ltd>"), *BODY))

    assert "Smith & Sons <Ltd>" in text


def test_arabic_is_shaped_for_drawing():
    name = "شركة الخدمات"
    shaped = display_text(name)

    # Joined letter forms, in visual (right-to-left) order; reading back gives the name.
    assert shaped != name
    assert unicodedata.normalize("NFKC", shaped[::-1]) == name
    assert display_text("Örnek A.Ş.") == "Örnek A.Ş."


def test_arabic_name_reads_back_from_the_pdf():
    name = "شركة الخدمات"

    text = pdf_text(render_quote_pdf(make_quote(name), *BODY))

    assert name in text  # pypdf reads the visual run back in logical order


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    legal_name=typed_text(300, lines=False, min_size=1),
    address=typed_text(2000),
    scope=typed_text(5000, min_size=1),
    justification=typed_text(5000, min_size=1),
    notes=typed_text(5000),
)
def test_any_text_the_forms_accept_renders(legal_name, address, scope, justification, notes):
    quote = make_quote(
        legal_name,
        adjustment_percent=Decimal("-10"),
        adjustment_justification=justification,
        notes=notes,
    )
    quote.organisation.address = address
    quote.application.scope = scope

    pages = pypdf.PdfReader(io.BytesIO(render_quote_pdf(quote, *BODY))).pages

    assert "Quote Q-2026-0042" in pages[0].extract_text()


def test_a_draft_carries_a_draft_band_and_no_validity():
    quote = make_quote("Örnek Hizmet A.Ş.", state="draft", issued_on=None, valid_until=None)

    reader = pypdf.PdfReader(io.BytesIO(render_quote_pdf(quote, *BODY)))
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]

    assert all("DRAFT" in page for page in pages)  # the band is on every page
    text = "\n".join(pages)
    assert "Valid until" not in text and "valid until —" not in text
    assert "draft, not sent yet" in text
    assert "This is a draft: it binds nobody, and its validity starts when it is sent." in text


def test_a_sent_quote_has_no_draft_band():
    text = pdf_text(render_quote_pdf(make_quote("Örnek Hizmet A.Ş.", state="issued"), *BODY))
    assert "DRAFT" not in text and "Valid until" in text
