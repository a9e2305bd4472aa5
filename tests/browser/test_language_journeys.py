"""Issue 13's journeys in Chromium: a Georgian client user in the portal, a Vietnamese member of
the public verifying from the certificate's QR code, an Arabic client user right to left.

Set-up goes through the services (tests/browser/test_certificate_journey.py's stage 2, then the
committee's grant in a request to the live server's address, so that the QR code on the issued
PDF leads to it) and adds a finding still waiting for the client's answer. What the pages should
say is read from the catalogues in the reader's language (and checked to be translated).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from certification.accounts.models import User
from certification.certificates.models import Certificate, IssuedPdf
from certification.decisions import services as decisions
from certification.programme.models import Audit
from tests import factories
from tests.browser.helpers import save_link, sign_in
from tests.browser.test_certificate_journey import (
    CLIENT,
    MEMBER,
    pdf_text,
    qr_codes,
    submitted_stage2,
)
from tests.browser.test_languages import LAYOUT, assert_mirrored

pytestmark = pytest.mark.browser

STATEMENT = "Complaints received by phone are not recorded in the register."


def certified(live, seed, *, legal_name: str, country: str, language: str) -> dict:
    """An organisation preferring `language`, certified today, with an open minor finding from
    its first surveillance audit; its client user reads the portal in `language`."""
    today = date.today()
    with seed() as session:
        audit = session.get(Audit, submitted_stage2(session, today))
        organisation = audit.organisation
        organisation.legal_name, organisation.country = legal_name, country
        organisation.preferred_language = language
        session.scalar(select(User).where(User.email == CLIENT)).locale = language
        member = session.scalar(select(User).where(User.email == MEMBER))
        with live.app.test_request_context(base_url=live.url):  # the QR code's address
            decisions.decide(member, audit, outcome="grant", reasons="Fine.", today=today)
        surveillance = session.scalar(
            select(Audit).where(Audit.cycle_id == audit.cycle_id, Audit.kind == "surveillance1")
        )
        surveillance.state = "closed"
        surveillance.start_date = surveillance.end_date = today
        finding = factories.finding(
            surveillance, "minor", "open", statement=STATEMENT, plan_due_on=today + timedelta(30)
        )
        certificate = session.scalar(select(Certificate))
        pdf = session.scalar(
            select(IssuedPdf.pdf).where(IssuedPdf.certificate_id == certificate.id)
        )
        return {"number": certificate.number, "finding": finding.id, "pdf": pdf}


def words(live, language: str):
    """say(msgid, **values) -> the catalogue's translation, which must differ from English."""

    def say(msgid: str, **values) -> str:
        with live.app.test_request_context(), force_locale(language):
            translated = gettext(msgid, **values)
        assert translated != gettext(msgid, **values) or not msgid.isascii(), msgid
        return translated

    return say


def test_a_georgian_client_reads_the_portal_its_certificate_and_its_finding_in_georgian(
    new_page, seed, live
):
    made = certified(live, seed, legal_name="შპს თბილისის სერვისი", country="GE", language="ka")
    ka = words(live, "ka")
    page = new_page()
    sign_in(page, CLIENT, factories.PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "ka")
    expect(page.get_by_role("heading", level=1)).to_have_text("შპს თბილისის სერვისი")
    expect(page.get_by_role("heading", name=ka("Certificates"))).to_be_visible()
    expect(page.get_by_role("link", name=made["number"], exact=True)).to_be_visible()
    waiting = page.get_by_role("heading", name=ka("Findings waiting for your answer"))
    expect(waiting).to_be_visible()

    page.get_by_role("link", name=ka("Our certification"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    panel = page.locator(".certificates-panel")
    expect(panel.get_by_role("row").filter(has_text=made["number"])).to_contain_text(ka("Active"))
    link = panel.locator(".downloads").get_by_role("link", name=made["number"])
    body = Path(save_link(page, link).path()).read_bytes()
    assert "CERTIFICATE / სერტიფიკატი" in pdf_text(body)  # English and the client's language

    page.goto(f"/findings/{made['finding']}/answer")
    expect(page.locator("html")).to_have_attribute("lang", "ka")
    expect(page.get_by_text(STATEMENT)).to_be_visible()
    expect(page.locator("main")).to_contain_text(ka("Minor nonconformity"))
    assert not live.errors


def test_a_vietnamese_reader_verifies_from_the_qr_code_in_vietnamese(chromium, seed, live):
    name = "Công ty TNHH Dịch vụ Khách hàng Sài Gòn"
    made = certified(live, seed, legal_name=name, country="VN", language="vi")
    assert "CERTIFICATE / GIẤY CHỨNG NHẬN" in pdf_text(made["pdf"])
    (address,) = qr_codes(made["pdf"])
    assert address.startswith(f"{live.url}/verify/"), address
    vi = words(live, "vi")
    context = chromium.new_context(locale="vi-VN")  # Accept-Language: vi-VN,vi
    try:
        page = context.new_page()
        page.goto(address)
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        heading = vi("Certificate %(number)s", number=made["number"])
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("status")).to_have_text(vi("Valid: this certificate is active."))
        expect(page.locator("dl.grid")).to_contain_text(name)
        expect(page.get_by_text("Valid: this certificate is active.")).to_have_count(0)
    finally:
        context.close()
    assert not live.errors


def test_an_arabic_client_reads_the_portal_right_to_left(new_page, seed, live):
    made = certified(live, seed, legal_name="شركة الخليج للخدمات", country="AE", language="ar")
    ar = words(live, "ar")
    page = new_page()
    sign_in(page, CLIENT, factories.PASSWORD)
    expect(page.get_by_role("heading", name=ar("Findings waiting for your answer"))).to_be_visible()
    certificate_id = made["number"]
    for path in ("/home/", "/portal/", f"/findings/{made['finding']}/answer", "/account"):
        page.goto(path)
        page.wait_for_load_state()
        assert_mirrored(page.evaluate(LAYOUT), path)
    page.goto("/portal/")
    expect(page.locator(".certificates-panel")).to_contain_text(certificate_id)
    assert not live.errors
