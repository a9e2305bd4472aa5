"""Audit plans over HTTP: prepared from the audit page, sent, confirmed in the portal, as PDF."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, timedelta

import pypdf
from sqlalchemy import select

from certification.extensions import db
from certification.organisations.models import Site
from certification.plans.models import AuditPlan
from certification.plans.notices import plan_sent
from certification.programme.models import AuditTeamMember
from tests import factories

TODAY = date.today()


def text(response) -> str:
    return response.get_data(as_text=True)


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", raw)


def scheduled_audit(language="en"):
    org = factories.organisation(contact_name="Ayşe Kaya", preferred_language=language)
    for i in range(4):
        org.sites.append(Site(name=f"Branch {i + 1}", city="Bursa", country="TR", personnel=5))
    db.session.flush()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(
        cycle,
        kind="stage2",
        state="scheduled",
        planned_days=1.5,
        start_date=TODAY + timedelta(days=7),
        end_date=TODAY + timedelta(days=8),
    )
    lead = factories.user("auditor", name="Elif Lead")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    client_user = factories.user("client", organisation=org)
    db.session.commit()
    return audit, lead, client_user


def test_the_lead_prepares_and_sends_and_the_client_confirms(client, login_as):
    audit, lead, client_user = scheduled_audit()
    login_as(lead)
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert "Prepare the audit plan" in page
    response = client.post(f"/audits/{audit.id}/plan")
    plan = db.session.scalar(select(AuditPlan))
    assert response.headers["Location"].endswith(f"/plans/{plan.id}/edit")
    page = text(client.get(f"/plans/{plan.id}"))
    for item in (
        "Audit objectives",
        "Audit scope",
        "Audit criteria",
        "ISO 10002:2018",
        "Head office",
        "Central function",
        "Timetable",
        "Opening meeting",
        "Elif Lead",
        "Lead auditor",
        "Ayşe Kaya",
        "English",
        "Confidentiality",
        "12",
    ):
        assert item in page, item
    sent = []
    plan_sent.connect(lambda sender, plan: sent.append(plan.id), weak=False)
    client.post(f"/plans/{plan.id}/send")
    assert plan.state == "sent" and sent == [plan.id]

    login_as(client_user)
    home = text(client.get("/portal/"))
    assert "Audit plans waiting for your answer" in home
    page = text(client.get(f"/plans/{plan.id}"))
    assert "Confirm the audit plan" in page
    client.post(f"/plans/{plan.id}/confirm")
    db.session.expire_all()
    assert db.session.get(AuditPlan, plan.id).state == "confirmed"
    assert "Confirmed by the client" in text(client.get(f"/plans/{plan.id}"))


def test_the_client_never_sees_a_draft(client, login_as):
    audit, lead, client_user = scheduled_audit()
    login_as(lead)
    client.post(f"/audits/{audit.id}/plan")
    plan = db.session.scalar(select(AuditPlan))
    login_as(client_user)
    assert client.get(f"/plans/{plan.id}").status_code in (403, 404)
    assert client.get(f"/audits/{audit.id}/plan").status_code == 404
    assert "Audit plan" not in text(client.get(f"/programme/audits/{audit.id}"))


def test_an_empty_change_request_is_refused_with_a_message(client, login_as):
    audit, lead, client_user = scheduled_audit()
    login_as(lead)
    client.post(f"/audits/{audit.id}/plan")
    plan = db.session.scalar(select(AuditPlan))
    client.post(f"/plans/{plan.id}/send")
    login_as(client_user)
    response = client.post(f"/plans/{plan.id}/change", data={"comment": ""})
    assert response.status_code == 400
    assert "Say what should change in the plan." in text(response)
    db.session.expire_all()
    assert db.session.get(AuditPlan, plan.id).state == "sent"


def test_editing_a_draft_with_hours_that_do_not_add_up_is_refused(client, login_as):
    audit, lead, _client_user = scheduled_audit()
    login_as(lead)
    client.post(f"/audits/{audit.id}/plan")
    plan = db.session.scalar(select(AuditPlan))
    form = {
        "objectives": "O",
        "scope": "S",
        "criteria": "ISO 10002:2018",
        "client_documents": "Manual",
        "representative": "R",
        "language": "tr",
        "confidentiality": "C",
        "seats-0-name": "Olga Observer",
        "seats-0-role": "observer",
        "lines-0-day": audit.start_date.isoformat(),
        "lines-0-starts": "09:00",
        "lines-0-ends": "12:00",
        "lines-0-activity": "Clause 7",
        "lines-0-auditor_hours": "3",
    }
    response = client.post(f"/plans/{plan.id}/edit", data=form)
    assert response.status_code == 400
    assert "IAF MD 5" in text(response) and "12" in text(response)
    form["lines-0-auditor_hours"] = "12"
    response = client.post(f"/plans/{plan.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    plan = db.session.get(AuditPlan, plan.id)
    assert plan.language == "tr" and len(plan.activities) == 1
    assert ("Olga Observer", "observer") in [(s.name, s.role) for s in plan.team]


def test_the_pdf_holds_every_9_2_3_item_in_the_plans_language(client, login_as):
    audit, lead, client_user = scheduled_audit(language="tr")
    login_as(lead)
    client.post(f"/audits/{audit.id}/plan")
    plan = db.session.scalar(select(AuditPlan))
    body = client.get(f"/plans/{plan.id}.pdf").data
    words = pdf_text(body)
    assert "TASLAK" in words  # a draft says so on every page
    client.post(f"/plans/{plan.id}/send")
    words = pdf_text(client.get(f"/plans/{plan.id}.pdf").data)
    for item in (
        "Tetkik planı",
        "Tetkik amaçları",
        "Tetkik kapsamı",
        "Tetkik kriterleri",
        "ISO 10002:2018",
        "Ayşe Kaya",
        "Gizlilik",
        "Head office",
        "Elif Lead",
        "Baş tetkikçi",
        "Açılış toplantısı",
    ):
        assert item in words, item
    assert "TASLAK" not in words
    pages = len(pypdf.PdfReader(io.BytesIO(client.get(f"/plans/{plan.id}.pdf").data)).pages)
    for page in range(1, pages + 1):
        assert f"sayfa {page} / {pages}" in words
