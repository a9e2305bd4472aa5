"""Documents in the browser: the client confirms the audit plan sent to it; a stranger uploads a
downloaded certificate to the verification page and learns it is genuine and current, then, after
a scope change, that the same file is genuine but superseded.

Set-up goes through tests/factories.py and the services (plans, certificates); the certificate
file the stranger uploads is the one the client downloaded from the portal, byte for byte.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from certification.certificates import services as certificates
from certification.certificates.models import Certificate
from certification.organisations.models import Site
from certification.plans import services as plans
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.browser.helpers import save_link, sign_in, sign_out
from tests.services.test_certificates import decision, grant

pytestmark = pytest.mark.browser

CLIENT = "selin.musteri@ornek.example.test"
LEGAL_NAME = "Örnek Müşteri Hizmetleri A.Ş."


def client_with_a_sent_plan(today: date) -> int:
    organisation = factories.organisation(legal_name=LEGAL_NAME, contact_name="Selin Kaya")
    for n in range(3):
        organisation.sites.append(Site(name=f"Şube {n + 1}", city="Bursa", country="TR"))
    factories.user("client", email=CLIENT, name="Selin Kaya", organisation=organisation)
    cycle = factories.cycle(factories.quote(factories.application(organisation)))
    audit = factories.audit(
        cycle,
        kind="stage2",
        state="scheduled",
        planned_days=1.5,
        start_date=today + timedelta(days=7),
        end_date=today + timedelta(days=8),
    )
    lead = factories.user("auditor", name="Elif Baş Tetkikçi")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    plan = plans.prepare_plan(lead, audit, today)
    plans.send_plan(lead, plan, today)
    return plan.id


def test_the_client_confirms_the_audit_plan(new_page, seed, live):
    today = date.today()
    with seed():
        plan_id = client_with_a_sent_plan(today)

    client = new_page()
    sign_in(client, CLIENT, factories.PASSWORD)
    client.get_by_role("link", name="Our certification", exact=True).click()  # home -> portal
    waiting = client.locator("#plans-waiting")
    expect(waiting).to_contain_text("Audit plans waiting for your answer")
    waiting.get_by_role("link").first.click()
    expect(client).to_have_url(re.compile(rf"/plans/{plan_id}$"))
    expect(client.get_by_role("heading", level=1)).to_contain_text("Audit plan")
    expect(client.get_by_text("ISO 10002:2018").first).to_be_visible()
    client.get_by_role("button", name="Confirm the audit plan").click()
    expect(client.locator(".flash").first).to_have_text("Thank you: the audit plan is confirmed.")
    expect(client.get_by_text("Confirmed by the client").first).to_be_visible()
    expect(client.get_by_role("button", name="Confirm the audit plan")).to_have_count(0)
    sign_out(client)
    assert not live.errors, f"the live server raised: {live.errors!r}"


def test_a_stranger_uploads_the_certificate_genuine_current_then_superseded(
    new_page, seed, live, tmp_path
):
    today = date.today()
    with seed():
        organisation = factories.organisation(legal_name=LEGAL_NAME)
        factories.user("client", email=CLIENT, name="Selin Kaya", organisation=organisation)
        cycle = factories.cycle(factories.quote(factories.application(organisation)))
        number = grant(cycle, decided_on=today).number

    # the client downloads its certificate from the portal
    client = new_page()
    sign_in(client, CLIENT, factories.PASSWORD)
    client.get_by_role("link", name="Our certification", exact=True).click()  # home -> portal
    panel = client.locator(".certificates-panel")
    download = save_link(client, panel.locator(".downloads").get_by_role("link", name=number))
    certificate_file = tmp_path / f"{number}.pdf"
    certificate_file.write_bytes(Path(download.path()).read_bytes())
    sign_out(client)

    # a stranger (no account) checks the file it was sent
    stranger = new_page()
    stranger.goto(f"{live.url}/verify")
    stranger.locator("#file").set_input_files(str(certificate_file))
    stranger.get_by_role("button", name="Check the file").click()
    result = stranger.locator("#document-result")
    expect(result).to_contain_text(f"Genuine: certificate {number}, revision 0")
    expect(result).to_contain_text("Genuine and current")

    # the scope changes: a new revision supersedes the file the stranger holds
    with seed() as session:
        old = session.scalar(select(Certificate).where(Certificate.number == number))
        change = decision(old.cycle, today, outcome="extend_scope")
        new_number = certificates.revise_certificate(
            None, old, change, scope="Wider scope", sites=old.sites, today=today
        ).number

    stranger.goto(f"{live.url}/verify")
    stranger.locator("#file").set_input_files(str(certificate_file))
    stranger.get_by_role("button", name="Check the file").click()
    expect(result).to_contain_text(f"Genuine, but superseded by revision 1 ({new_number})")
    expect(result).not_to_contain_text("Genuine and current")
    result.get_by_role("link", name=f"See the current revision ({new_number})").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text(f"Certificate {new_number}")
    expect(stranger.locator("#status-heading")).to_have_text("Status: Active")
    assert not live.errors, f"the live server raised: {live.errors!r}"
