"""The decision and the certificate: a committee member grants certification, the client sees and
downloads the certificate, a stranger follows its QR code and finds it valid.

Set-up goes through tests/factories.py and the services: an organisation with a Georgian legal
name, its stage 2 audit worked through (every question conforming) and its report submitted with
the recommendation to certify; a committee member who was not on the team; the client's account.
The QR code is read back from the downloaded PDF (pypdfium2 renders it, zxing-cpp decodes it), so
the stranger opens exactly the address printed on the certificate.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from certification.audits import services as audit_services
from certification.certificates.models import Certificate
from certification.checklists import loader
from certification.models_base import utcnow
from certification.programme import services as programme_services
from certification.programme.models import Audit, AuditTeamMember
from certification.reports import services as report_services
from certification.reports.models import AuditReport
from tests import factories
from tests.browser.helpers import save_link, sign_in, sign_out

pytestmark = pytest.mark.browser

LEGAL_NAME = "შპს თბილისის მომხმარებელთა სერვისი"
ENGLISH_NAME = "Tbilisi Customer Services LLC"
CITY = "თბილისი"
LEAD = "nino.auditor@body.example.test"
MEMBER = "giorgi.komiteti@body.example.test"
CLIENT = "tamar.beridze@tbilisiservice.example.ge"
REASONS = "Every clause conforms; no findings are open. The file supports the recommendation."


def flash(page):
    return page.locator(".flash")


def day(value: date) -> str:
    """A date as the pages show it in English."""
    return format_date(value, "medium", locale="en")


def pdf_text(body: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def qr_codes(body: bytes) -> list[str]:
    """The QR codes on the first page, read from its pixels by an independent decoder."""
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(body)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def submitted_stage2(session, today: date) -> int:
    """A stage 2 audit worked through on site, every question conforming, report submitted."""
    organisation = factories.organisation(
        legal_name=LEGAL_NAME,
        english_name=ENGLISH_NAME,
        country="GE",
        city=CITY,
        address="რუსთაველის გამზირი 12",
    )
    tamar = factories.user("client", email=CLIENT, name="Tamar Beridze", organisation=organisation)
    factories.agreement(organisation, tamar)  # 17021-1 5.1.2: accepted with the quote
    lead = factories.user("auditor", email=LEAD, name="Nino Auditor")
    factories.qualification(lead, scheme="iso10002", sector_code=organisation.sector_code)
    planner = factories.user("planner", name="Pınar Planlamacı")
    factories.committee_member(email=MEMBER, name="Giorgi Komiteti")
    application = factories.application(
        organisation,
        state="contracted",
        competence_confirmed=True,
        reviewed_by_id=planner.id,
        reviewed_at=utcnow(),
    )
    quote = factories.quote(
        application,
        state="accepted",
        issued_on=today - timedelta(days=60),
        valid_until=today - timedelta(days=30),
        prepared_by_id=planner.id,
    )
    # The programme as the accepted quote makes it; stage 1 is done, stage 2 was on site.
    cycle = programme_services.create_programme(quote, planner, today - timedelta(days=30))
    audits = {audit.kind: audit for audit in cycle.audits}
    stage1, audit = audits["stage1"], audits["stage2"]
    # Stage 1 concluded by its lead auditor: ready for stage 2 (17021-1 9.3.1).
    stage1.state = "closed"
    stage1.start_date = stage1.end_date = today - timedelta(days=20)
    session.add(
        AuditReport(
            audit_id=stage1.id,
            computed_recommendation="recommended",
            recommendation="recommended",
            readiness="ready",
            summary="Documents in place; ready for stage 2.",
        )
    )
    audit.state = "scheduled"
    audit.start_date, audit.end_date = today - timedelta(days=2), today - timedelta(days=1)
    session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
    session.flush()
    factories.sent_plan(audit, planner, today - timedelta(days=7))  # 17021-1 9.2.3
    audit_services.start_audit(lead, audit, today)
    for question in loader.checklist_for("iso10002", "2018").questions():
        audit_services.save_answer(
            lead,
            audit,
            question.id,
            grade="conforming",
            points=None,
            evidence="Procedure and records sampled.",
            expected_version=0,
            today=today,
        )
    report_services.submit_report(
        lead,
        audit,
        recommendation="recommended",
        override_reason="",
        summary="The complaints-handling process is implemented and effective.",
        today=today,
    )
    return audit.id


def test_committee_grants_the_client_downloads_and_a_stranger_verifies(new_page, seed, live):
    today = date.today()
    with seed() as session:
        audit_id = submitted_stage2(session, today)
        cycle_id = session.get(Audit, audit_id).cycle_id

    # --- the committee member decides -----------------------------------------------------------
    member = new_page()
    sign_in(member, MEMBER, factories.PASSWORD)
    member.get_by_role("link", name="Decisions", exact=True).click()
    expect(member.get_by_role("heading", name="Committee queue", level=1)).to_be_visible()
    row = member.locator("table.decision-queue tbody tr").filter(has_text=LEGAL_NAME)
    expect(row).to_contain_text("Stage 2")
    expect(row).to_contain_text("Nino Auditor")
    expect(row).to_contain_text("Recommended for certification")
    row.get_by_role("link", name=LEGAL_NAME).click()

    expect(member).to_have_url(re.compile(rf"/decisions/audits/{audit_id}$"))
    expect(member.get_by_role("heading", level=1)).to_contain_text(
        f"Committee file · Stage 2 · {LEGAL_NAME}"
    )
    expect(member.locator(".impartiality")).to_have_count(0)
    recommendation = member.locator("#recommendation + section")
    expect(recommendation).to_contain_text("Recommended for certification")
    expect(recommendation).to_contain_text("Nino Auditor")
    expect(member.get_by_text("No findings were raised.")).to_be_visible()
    member.get_by_label("Grant certification").check()
    member.get_by_label("Reasons for the decision").fill(REASONS)
    member.get_by_role("button", name="Record the decision").click()

    expect(flash(member).first).to_have_text("Decision recorded: Grant certification.")
    with seed() as session:
        certificate = session.scalar(select(Certificate))
        number, issued_on, expires_on = (
            certificate.number,
            certificate.issued_on,
            certificate.expires_on,
        )
        surveillance_due = session.scalar(
            select(Audit.due_by).where(Audit.kind == "surveillance1", Audit.cycle_id == cycle_id)
        )
    assert issued_on == today and expires_on > today
    assert surveillance_due is not None and today < surveillance_due < expires_on
    issued = member.locator("#certificate")
    expect(issued).to_contain_text(number)
    expect(issued).to_contain_text("Active")
    expect(issued).to_contain_text(f"{day(issued_on)} – {day(expires_on)}")
    decisions = member.locator("table.decisions")
    expect(decisions).to_contain_text("Grant certification")
    expect(decisions).to_contain_text(number)
    expect(decisions).to_contain_text(REASONS)
    expect(member.get_by_role("button", name="Record the decision")).to_have_count(0)
    sign_out(member)

    # --- the client sees the certificate and downloads it ---------------------------------------
    client = new_page()
    sign_in(client, CLIENT, factories.PASSWORD)
    expect(client).to_have_url(re.compile(r"/home/$"))
    expect(client.get_by_role("heading", level=1)).to_have_text(LEGAL_NAME)
    client.get_by_role("link", name="Our certification", exact=True).click()
    expect(client).to_have_url(re.compile(r"/portal/$"))
    panel = client.locator(".certificates-panel")
    certificate_row = panel.get_by_role("row").filter(has_text=number)
    expect(certificate_row).to_contain_text("ISO 10002:2018")
    expect(certificate_row).to_contain_text("Active")
    expect(certificate_row).to_contain_text(f"{day(issued_on)} to {day(expires_on)}")
    expect(certificate_row).to_contain_text(day(surveillance_due))
    download = save_link(client, panel.locator(".downloads").get_by_role("link", name=number))
    assert download.suggested_filename == f"{number}.pdf"
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    for expected in (LEGAL_NAME, ENGLISH_NAME, number, issued_on.isoformat()):
        assert expected in text, expected

    # --- a stranger follows the QR code ---------------------------------------------------------
    codes = qr_codes(body)
    assert len(codes) == 1, codes
    verify_url = codes[0]
    assert re.fullmatch(rf"{re.escape(live.url)}/verify/[\w-]+", verify_url), verify_url
    assert verify_url in text  # the address is printed under the code as well
    stranger = new_page()
    stranger.goto(verify_url)
    expect(stranger.get_by_role("heading", level=1)).to_have_text(f"Certificate {number}")
    expect(stranger.locator("#status-heading")).to_have_text("Status: Active")
    expect(stranger.get_by_role("status")).to_have_text("Valid: this certificate is active.")
    expect(stranger.get_by_role("button", name="Sign out")).to_have_count(0)
    details = stranger.locator("dl.grid")
    expect(details).to_contain_text(LEGAL_NAME)
    expect(details).to_contain_text(ENGLISH_NAME)
    expect(details).to_contain_text(CITY)
    expect(details).to_contain_text(f"Expires on{day(expires_on)}")
    expect(details).to_contain_text(f"Next surveillance due{day(surveillance_due)}")

    answer = stranger.request.get(f"/api/v1/certificates/{number}")
    assert answer.status == 200
    found = answer.json()
    assert found["number"] == number and found["status"] == "active"
    assert found["organisation"]["name"] == LEGAL_NAME
    assert found["issued_on"] == issued_on.isoformat()
    assert found["expires_on"] == expires_on.isoformat()
    assert found["next_surveillance_due"] == surveillance_due.isoformat()
    assert not live.errors, f"the live server raised: {live.errors!r}"
