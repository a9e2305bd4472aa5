"""Issue 13: the certification agreement and the audit plan as PDFs in the client's language, their
fixed parts from the catalogues; Arabic drawn shaped and right to left (read back in reading
order from the strings the PDF draws)."""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pytest
from bidi.algorithm import get_display
from sqlalchemy import select

from certification.extensions import db
from certification.plans.models import AuditPlan
from tests import factories
from tests.pdf_drawn import drawn_strings
from tests.web.test_plans import scheduled_audit

ARABIC_MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c not in ARABIC_MARKS)


def arabic_lines(body: bytes) -> list[str]:
    """The first page's drawn strings in reading order again (they are drawn in visual order)."""
    return [plain(get_display(s, base_dir="R")) for s in drawn_strings(body)]


PLAN_WORDS = {
    "ru": ("План аудита", "Расписание", "Конфиденциальность"),
    "ka": ("აუდიტის გეგმა", "განრიგი", "კონფიდენციალურობა"),
    "vi": ("Kế hoạch đánh giá", "Lịch trình", "Bảo mật"),
}


def sent_plan(client, login_as, language: str) -> AuditPlan:
    audit, lead, _client_user = scheduled_audit(language=language)
    login_as(lead)
    client.post(f"/audits/{audit.id}/plan")
    plan = db.session.scalar(select(AuditPlan))
    client.post(f"/plans/{plan.id}/send")
    return plan


@pytest.mark.parametrize("language", PLAN_WORDS)
def test_the_audit_plan_is_in_the_clients_language(client, login_as, language):
    plan = sent_plan(client, login_as, language)
    assert plan.language == language
    words = pdf_text(client.get(f"/plans/{plan.id}.pdf").data)
    for word in PLAN_WORDS[language]:
        assert word in words, word
    assert "Audit plan" not in words and "Timetable" not in words


def test_the_arabic_audit_plan_is_drawn_right_to_left(client, login_as):
    plan = sent_plan(client, login_as, "ar")
    lines = arabic_lines(client.get(f"/plans/{plan.id}.pdf").data)
    for word in ("خطة التدقيق", "السرية", "أهداف التدقيق"):
        assert plain(word) in lines, word


AGREEMENT_WORDS = {
    "ru": ("Договор на сертификацию, версия 1", "Правила использования знака сертификации"),
    "ka": ("სერტიფიცირების ხელშეკრულება, ვერსია 1", "სერტიფიცირების ნიშნის გამოყენების წესები"),
    "vi": ("Hợp đồng chứng nhận, phiên bản 1", "Quy định sử dụng dấu chứng nhận"),
}


@pytest.mark.parametrize("language", AGREEMENT_WORDS)
def test_a_clients_agreement_is_in_its_organisations_language(client, login_as, language):
    organisation = factories.organisation(preferred_language=language)
    person = factories.user("client", organisation=organisation, locale="en")
    db.session.commit()
    login_as(person)
    words = pdf_text(client.get("/agreement.pdf").data)
    for word in AGREEMENT_WORDS[language]:
        assert word in words, word
    assert "Certification agreement" not in words


def test_the_arabic_agreement_is_drawn_right_to_left(client, login_as):
    login_as("admin")  # the agreement's page links each language's PDF
    assert 'href="/agreement.pdf?language=ar"' in client.get("/admin/agreement").get_data(True)
    lines = arabic_lines(client.get("/agreement.pdf?language=ar").data)
    assert plain("اتفاقية منح الشهادة، الإصدار 1") in lines
    assert plain("8. تبقى الشهادة ملكًا لجهة منح الشهادات.") in lines


def test_the_arabic_quote_is_drawn_right_to_left(client, login_as):
    from tests.web.test_quotes import sent_quote

    quote = sent_quote(factories.organisation(preferred_language="ar"))
    login_as("planner")
    lines = arabic_lines(client.get(f"/quotes/{quote.id}.pdf").data)
    assert plain(f"عرض السعر {quote.number}") in lines
    assert plain("السعر") in lines
