"""The certificate PDF: every item a certificate shows, names in four scripts, the fixed wording
in English and each second language from the catalogues, and a QR code that decodes back to the
verification URL."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from certification.certificates.pdf import qr_code, render_certificate_pdf
from tests.strategies import typed_text

URL = "https://cert.example.test/verify/Zx3-abc_DEF0123456789xyzABCDEFGHIJ"

NAMES = {
    "turkish": ("Öğretmenler Şikâyet Çözüm Hizmetleri A.Ş.", "İstiklal Cad. 5, Beyoğlu", "TR"),
    "cyrillic": ("ООО «Служба качества»", "ул. Ленина, 10, Москва", "RU"),
    "georgian": ("შპს მომხმარებელთა სერვისი", "რუსთაველის გამზირი 12, თბილისი", "GE"),
    "vietnamese": ("Công ty TNHH Dịch vụ Khách hàng Việt", "Đường Lê Lợi 3, Hà Nội", "VN"),
}


@pytest.fixture(autouse=True)
def _catalogues(app):
    """The second language's words come from the app's gettext catalogues."""
    with app.app_context():
        yield


def certificate(name: str, address: str, country: str, **kw) -> SimpleNamespace:
    organisation = SimpleNamespace(
        legal_name=name,
        english_name="Customer Services Ltd",
        address=address,
        city="",
        country=country,
    )
    sites = [
        SimpleNamespace(
            name=name,
            address=address,
            city="",
            country=country,
            scope="Complaints desk",
            is_head_office=True,
        ),
        SimpleNamespace(
            name="Depo / Склад",
            address="Organize Sanayi 4",
            city="Bursa",
            country="TR",
            scope="",
            is_head_office=False,
        ),
    ]
    values = dict(
        number="TR-10002-2026-00042-R1",
        revision=1,
        supersedes=SimpleNamespace(number="TR-10002-2026-00042", revision=0),
        scheme="iso10002",
        edition="2018",
        scope="Handling of customer complaints for retail services",
        state="active",
        accreditation=SimpleNamespace(accreditation_body="TÜRKAK", number="AB-0123"),
        band="",
        language="tr",
        issued_on=date(2026, 9, 1),
        original_issued_on=date(2026, 3, 15),
        expires_on=date(2029, 3, 14),
        organisation=organisation,
        sites=sites,
    )
    values.update(kw)
    return SimpleNamespace(**values)


def render(cert) -> bytes:
    return render_certificate_pdf(
        cert,
        body_name="Anatolia Certification Body",
        body_address="Büyükdere Cad. No. 120, İstanbul",
        verify_url=URL,
    )


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.mark.parametrize("script", NAMES)
def test_the_certificate_shows_every_item_and_the_name_in_its_script(script):
    name, address, country = NAMES[script]
    pdf = render(certificate(name, address, country))
    reader = PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert width > height  # landscape
    assert round(width) == 842 and round(height) == 595  # A4
    text = text_of(pdf)
    for expected in (
        name,
        address,
        "Customer Services Ltd",
        "Anatolia Certification Body",
        "Büyükdere Cad. No. 120",
        "CERTIFICATE / BELGE",
        "ISO 10002:2018",
        "TR-10002-2026-00042-R1",
        "Revision / Revizyon",
        "TR-10002-2026-00042)",  # the revision it replaces
        "2026-09-01",
        "2026-03-15",
        "2029-03-14",
        "Accreditation / Akreditasyon",
        "TÜRKAK, AB-0123",
        "has been assessed and found to meet the guidelines of",
        "Handling of customer complaints for retail services",
        "Complaints desk",
        "Organize Sanayi 4",
        "head office / merkez",
        URL,
    ):
        assert expected in text, expected


def test_unaccredited_band_and_state_are_shown():
    cert = certificate(*NAMES["turkish"], accreditation=None, band="Four stars", state="suspended")
    text = text_of(render(cert))
    # domain.md: nothing suggesting accreditation on a certificate issued outside one
    assert "ccredit" not in text and "kredit" not in text and "TÜRKAK" not in text
    assert "Rating / Derece" in text and "Four stars" in text
    assert "SUSPENDED / ASKIYA ALINDI" in text


def test_arabic_name_renders():
    name = "شركة خدمات العملاء"
    pdf = render(certificate(name, "شارع الملك فهد، الرياض", "SA"))
    text = unicodedata.normalize("NFKC", text_of(pdf))
    assert all(word in text or word[::-1] in text for word in ("شركة", "العملاء"))


def test_the_qr_code_holds_the_verification_url():
    assert qr_code(URL).value == URL


def test_the_qr_code_decodes_back_to_the_verification_url():
    """Render the page to pixels and decode the QR code with an independent reader (zxing)."""
    import pypdfium2 as pdfium  # dev dependencies: a renderer and a QR reader of their own
    import zxingcpp

    pdf = render(certificate(*NAMES["georgian"]))
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [URL]


# -- any text the forms accept ------------------------------------------------------------------


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    legal_name=typed_text(300, lines=False, min_size=1),
    address=typed_text(2000),
    scope=typed_text(10_000, min_size=1),
    site_name=typed_text(200, lines=False, min_size=1),
    site_address=typed_text(2000),
    site_scope=typed_text(5000),
    site_count=st.integers(min_value=1, max_value=25),
)
def test_any_text_the_forms_accept_renders_over_as_many_pages_as_it_takes(
    legal_name, address, scope, site_name, site_address, site_scope, site_count
):
    sites = [
        SimpleNamespace(
            name=site_name,
            address=site_address,
            city="İzmir",
            country="TR",
            scope=site_scope if n % 2 else "",
            is_head_office=n == 0,
        )
        for n in range(site_count)
    ]
    cert = certificate(legal_name, address, "TR", scope=scope, sites=sites)
    pages = PdfReader(io.BytesIO(render(cert))).pages
    first = pages[0].extract_text()
    assert cert.number in first and "CERTIFICATE" in first
    if len(pages) > 1:  # the annex: every page says which certificate and which page it is
        last = pages[-1].extract_text()
        assert cert.number in last
        assert f"Page {len(pages)} of {len(pages)}" in " ".join(last.split())


def test_many_sites_continue_on_an_annex_with_page_numbers():
    sites = [
        SimpleNamespace(
            name=f"Şube {n}",
            address=f"Cadde {n}",
            city="Bursa",
            country="TR",
            scope="",
            is_head_office=n == 1,
        )
        for n in range(1, 81)
    ]
    pdf = render(certificate("Güneş A.Ş.", "Cadde 1", "TR", sites=sites))
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    total = len(pages)
    assert total >= 2
    assert "The certified sites are listed in the annex." in pages[0]
    assert "Annex to certificate / Belge eki TR-10002-2026-00042-R1" in pages[1]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text and "TR-10002-2026-00042-R1" in text
    everything = " ".join(pages)
    assert all(f"Şube {n}" in everything for n in range(1, 81))


def test_a_short_certificate_stays_on_one_page_without_page_numbers():
    pdf = render(certificate("Güneş A.Ş.", "Cadde 1", "TR"))
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1 and "Page 1 of" not in pages[0].extract_text()


# -- honest wording, the body's letterhead, addresses, mixed directions ---------------------------


def test_iso_10002_is_guidance_the_wording_says_the_guidelines_were_met():
    text = text_of(render(certificate(*NAMES["turkish"])))
    assert "conforms to the requirements" not in text and "şartlarına uygun" not in text
    english = "has been assessed and found to meet the guidelines of ISO 10002:2018"
    assert english in text
    # Turkish in its natural order: the organisation and the standard before the verb
    turkish = "Bu belge, aşağıdaki kuruluşun şikâyet yönetim sisteminin"
    ending = "standardının kılavuz ilkelerine göre değerlendirildiğini ve bu ilkeleri karşıladığını"
    name = NAMES["turkish"][0]
    assert (
        text.index(turkish) < text.index(name) < text.index("ISO 10002:2018") < text.index(ending)
    )


def png(width: int = 60, height: int = 30) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def images_on_first_page(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


def test_the_signatory_the_logo_and_the_accreditation_mark_are_printed():
    from certification.certificates.pdf import Signatory

    cert = certificate(*NAMES["turkish"])
    plain = render(cert)
    pdf = render_certificate_pdf(
        cert,
        body_name="Anatolia Certification Body",
        body_address="Büyükdere Cad. No. 120, İstanbul",
        verify_url=URL,
        logo=png(),
        signatory=Signatory("Ayşe Yılmaz", "Certification Manager", signature=png(120, 40)),
        accreditation_mark=png(40, 40),
    )
    text = text_of(pdf)
    assert "For the certification body / Belgelendirme kuruluşu adına" in text
    assert "Ayşe Yılmaz" in text and "Certification Manager" in text
    assert images_on_first_page(pdf) == images_on_first_page(plain) + 3
    assert "Ayşe Yılmaz" not in text_of(plain)  # no signatory configured: none printed


def test_the_logo_label_of_the_drawn_mark_is_not_clipped():
    text = text_of(render(certificate(*NAMES["turkish"])))
    assert "10002" in text.replace("ISO 10002", "")


def test_the_country_is_named_and_the_city_not_repeated():
    cert = certificate("Güneş A.Ş.", "Organize Sanayi 4, Bursa", "TR")
    cert.organisation.city = "Bursa"
    for site in cert.sites:
        site.address, site.city, site.country = "Organize Sanayi 4, Bursa", "Bursa", "GE"
    text = text_of(render(cert))
    assert "Organize Sanayi 4, Bursa, Türkiye" in text
    assert "Organize Sanayi 4, Bursa, Georgia" in text
    assert "Bursa, Bursa" not in text and ", TR" not in text and ", GE" not in text


def _logical(drawn: str) -> str:
    """A line as drawn (visual order, shaped glyphs) in reading order again."""
    from bidi.algorithm import get_display

    return unicodedata.normalize("NFKC", get_display(drawn, base_dir="R"))


def test_mixed_arabic_and_latin_wraps_in_order_with_parentheses_the_right_way():
    """The bidi algorithm runs per line after wrapping: the lines as drawn, each put in reading
    order again, give the name as typed: lines in order, brackets facing the right way."""
    from tests.pdf_drawn import drawn_strings

    name = (
        "شركة الخليج لخدمات العملاء (Gulf Customer Care W.L.L.) فرع الرياض الرئيسي "
        "للشكاوى والمقترحات (Complaints & Suggestions) إدارة الجودة الشاملة"
    )
    cert = certificate(name, "Cadde 1", "SA", scope="Handling of complaints")
    drawn = drawn_strings(render(cert))
    first = next(n for n, s in enumerate(drawn) if "(.Gulf" in unicodedata.normalize("NFKC", s))
    lines = [_logical(s) for s in drawn[first : first + 2]]
    assert " ".join(lines) == name
    assert "(.Gulf Customer Care W.L.L)" in unicodedata.normalize("NFKC", drawn[first])


# -- the second language, from the catalogues -----------------------------------------------------

SECOND = {
    "tr": ("CERTIFICATE / BELGE", "Bu belge, aşağıdaki kuruluşun şikâyet yönetim sisteminin"),
    "ru": (
        "CERTIFICATE / СЕРТИФИКАТ",
        "прошла оценку и признана отвечающей руководящим указаниям ISO 10002:2018.",
    ),
    "ka": (
        "CERTIFICATE / სერტიფიკატი",
        "შეფასდა და დადგინდა, რომ აკმაყოფილებს ISO 10002:2018-ის სახელმძღვანელო პრინციპებს.",
    ),
    "vi": (
        "CERTIFICATE / GIẤY CHỨNG NHẬN",
        "đã được đánh giá và xác định là đáp ứng các hướng dẫn của ISO 10002:2018.",
    ),
}


@pytest.mark.parametrize("language", SECOND)
def test_the_second_language_is_read_back_from_the_certificate(language):
    title, sentence = SECOND[language]
    text = text_of(render(certificate(*NAMES["cyrillic"], language=language)))
    assert title in text and sentence in text
    assert "has been assessed and found to meet the guidelines of ISO 10002:2018" in text
    assert "Scope / " in text and "Scope / Kapsam" in text or language != "tr"


ARABIC_MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"


def _plain(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in ARABIC_MARKS)


def test_an_arabic_certificate_reads_right_to_left_in_reading_order():
    from bidi.algorithm import get_display

    from tests.pdf_drawn import drawn_strings

    pdf = render(certificate(*NAMES["turkish"], language="ar"))
    drawn = drawn_strings(pdf)
    # Arabic sentences are drawn right to left; the labels start in English, left to right.
    sentences = [_plain(_logical(s)) for s in drawn]
    labels = [_plain(get_display(unicodedata.normalize("NFKC", s), base_dir="L")) for s in drawn]
    assessed = "قد خضع للتقييم وتبيَّن أنه يستوفي الإرشادات الواردة في ISO 10002:2018."
    assert _plain(assessed) in sentences
    assert _plain("تشهد هذه الوثيقة بأن نظام إدارة معالجة الشكاوى لدى") in sentences
    assert "CERTIFICATE / شهادة" in labels
    assert "Scope / النطاق" in labels
    assert _plain("Certified sites / المواقع المشمولة بالشهادة") in labels


def test_an_english_only_certificate_has_no_second_language():
    text = text_of(render(certificate(*NAMES["turkish"], language="en")))
    assert "CERTIFICATE" in text and "CERTIFICATE /" not in text and "Scope /" not in text
    assert "has been assessed and found to meet the guidelines of ISO 10002:2018" in text
