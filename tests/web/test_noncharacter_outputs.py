"""What the outputs show of text sent with noncharacters through the real forms: the text as the
person typed it, in every PDF (read back with pypdf), the calendar (parsed with icalendar), the
e-mails (parsed as they reached an SMTP server), the JSON API, the searches and the workbooks.

Before the edge stripped them, nothing here answered 500 (both databases keep noncharacters), but
each PDF drew a missing-glyph box per noncharacter (read back as NUL), and the calendar, the
e-mails and the JSON API passed them on to whatever read them next.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import timedelta

import openpyxl
import pypdf
from icalendar import Calendar
from sqlalchemy import select

from certification.certificates.models import Certificate
from certification.extensions import db
from certification.notifications import sender
from certification.plans.models import AuditPlan
from certification.programme.models import AuditTeamMember
from certification.programme.services import schedule_audit
from tests import factories, scenarios
from tests.web.test_noncharacters import NAME, ODD, SCOPE, answer_url, registered, sprinkled
from tests.web.test_quotes import sent_quote

TODAY = factories.today()
EVIDENCE = "Complaints register sampled"


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def shows(body: bytes, *texts: str) -> None:
    """The PDF shows each text as typed, and no missing glyph (pypdf reads one back as NUL)."""
    words = pdf_text(body)
    assert "\x00" not in words
    for text in texts:
        assert text in words, text


def test_the_quote_pdf_shows_the_name_as_typed(client, login_as):
    organisation = registered(client, login_as)
    quote = sent_quote(organisation)
    db.session.commit()
    response = client.get(f"/quotes/{quote.id}.pdf")
    assert response.status_code == 200
    shows(response.data, NAME, "Kordon Cad. 5")


def test_the_audit_plan_pdf_shows_the_name_as_typed(client, login_as):
    organisation = registered(client, login_as)
    cycle = factories.cycle(factories.quote(factories.application(organisation)))
    start = TODAY + timedelta(days=7)
    audit = factories.audit(
        cycle, kind="stage2", state="scheduled", planned_days=1, start_date=start, end_date=start
    )
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    db.session.commit()
    login_as(lead)
    client.post(f"/audits/{audit.id}/plan")
    plan = db.session.scalar(select(AuditPlan))
    assert client.post(f"/plans/{plan.id}/send").status_code == 302
    shows(client.get(f"/plans/{plan.id}.pdf").data, NAME)


def on_site(client, login_as):
    """The stage 2 of a client registered through the form; the lead records one answer's
    evidence through the checklist's form."""
    organisation = registered(client, login_as)
    stage2 = scenarios.stage2_on_site(db.session, TODAY, org=organisation)
    db.session.commit()
    login_as(stage2.lead)
    form = {"grade": "conforming", "evidence": sprinkled(EVIDENCE), "version": "1"}
    assert client.post(answer_url(stage2.audit), data=form).status_code == 302
    return stage2


def test_the_report_pdf_shows_the_name_and_the_evidence_as_typed(client, login_as):
    stage2 = on_site(client, login_as)
    response = client.get(f"/audits/{stage2.audit.id}/report.pdf")
    assert response.status_code == 200
    shows(response.data, NAME, EVIDENCE)


def granted(client, login_as) -> Certificate:
    """The lead submits the report and the committee grants, both through their forms."""
    stage2 = on_site(client, login_as)
    factories.agreement(stage2.audit.organisation)  # 17021-1 5.1.2: no grant without one
    db.session.commit()
    report = {
        "recommendation": "recommended",
        "override_reason": "",
        "summary": sprinkled("The process is effective."),
        "scope_verdict": "appropriate",
    }
    assert client.post(f"/audits/{stage2.audit.id}/report/submit", data=report).status_code == 302
    login_as("committee")
    decision = {"outcome": "grant", "reasons": sprinkled("All clauses"), "scope": sprinkled(SCOPE)}
    response = client.post(f"/decisions/audits/{stage2.audit.id}/decide", data=decision)
    assert response.status_code == 302
    return db.session.scalar(select(Certificate))


def test_the_certificate_pdf_shows_the_name_and_the_scope_as_typed(client, login_as):
    certificate = granted(client, login_as)
    assert certificate.scope == SCOPE
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200
    shows(response.data, NAME, SCOPE)


def test_the_public_api_register_and_search_give_the_name_as_typed(client, login_as):
    certificate = granted(client, login_as)
    answer = client.get(f"/api/v1/certificates/{certificate.number}").get_json()
    assert answer["organisation"]["name"] == NAME
    assert answer["organisation"]["city"] == "İzmir"
    register = client.get("/register?q=güneş müşteri").get_data(as_text=True)
    assert NAME in register and ODD[0] not in register
    login_as("planner")
    found = client.get("/organisations/?q=GUNES MUSTERI").get_data(as_text=True)
    assert NAME in found
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/exports/register.xlsx").data))
    values = [cell for row in workbook["Register"].iter_rows(values_only=True) for cell in row]
    assert NAME in values and SCOPE in values


def test_the_calendar_and_the_emails_give_the_name_as_typed(client, login_as, mailbox):
    organisation = registered(client, login_as)
    person = factories.user("client", organisation=organisation)
    auditor = factories.user("auditor")
    factories.qualification(auditor, sector_code=organisation.sector_code)
    audit = factories.audit(factories.cycle(factories.quote(factories.application(organisation))))
    start, end = TODAY + timedelta(days=5), TODAY + timedelta(days=6)
    schedule_audit(factories.user("planner"), audit, start, end, auditor.id, [], {}, today=TODAY)
    db.session.commit()
    assert sender.send_pending().failed == 0
    (email,) = mailbox.to(person.email)
    assert email["Subject"].startswith(f"Stage 1 of {NAME}: ")
    assert NAME in email.get_body(("plain",)).get_content()
    (attachment,) = list(email.iter_attachments())
    # text/calendar is UTF-8 unless it says otherwise (RFC 5545 8.1): read the bytes
    (event,) = Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert str(event["summary"]) == f"Stage 1 · {NAME}"
    login_as("planner")
    (event,) = Calendar.from_ical(client.get(f"/calendar/audits/{audit.id}.ics").data).walk(
        "VEVENT"
    )
    assert str(event["summary"]) == f"Stage 1 · {NAME}"
    assert str(event["location"]) == "Kordon Cad. 5, İzmir"
