"""The body's daily work in real Chromium: a planner schedules an audit from the home page, the
auditor's calendar feed shows it, the client gets the e-mail (read from a real SMTP server on
127.0.0.1), follows its link, answers a finding, and the auditor sees the answer on the home page.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from certification.extensions import db
from certification.notifications.sender import send_pending
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.browser.helpers import sign_in, sign_out
from tests.smtp import SmtpServer, text_of

pytestmark = pytest.mark.browser

LEGAL_NAME = "Günlük İş Hizmetleri A.Ş."
PLANNER, AUDITOR, CLIENT = (
    "planner@daily.example.test",
    "auditor@daily.example.test",
    "client@daily.example.test",
)


@pytest.fixture
def smtp(live):
    """The live app sends to a real SMTP server on 127.0.0.1 during this test."""
    saved = dict(live.app.config)
    with SmtpServer() as server:
        live.app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, BASE_URL=live.url
        )
        try:
            yield server.mailbox
        finally:
            live.app.config.clear()
            live.app.config.update(saved)


def test_schedule_feed_email_answer_and_review(new_page, seed, live, smtp):
    today = date.today()
    start, end = today + timedelta(days=14), today + timedelta(days=15)
    with seed():
        factories.user("planner", email=PLANNER, name="Pınar Planlamacı")
        auditor = factories.user("auditor", email=AUDITOR, name="Deniz Denetçi")
        factories.qualification(auditor)
        org = factories.organisation(legal_name=LEGAL_NAME)
        factories.user("client", email=CLIENT, name="Ayla Müşteri", organisation=org)
        cycle = factories.cycle(factories.quote(factories.application(org)))
        to_schedule = factories.audit(
            cycle, kind="stage2", state="planned", due_by=today + timedelta(days=25)
        )
        held = factories.audit(
            cycle,
            kind="stage1",
            state="in_progress",
            start_date=today - timedelta(days=2),
            end_date=today - timedelta(days=1),
        )
        db.session.add(AuditTeamMember(audit=held, user=auditor, role="lead"))
        factories.finding(held, grade="minor", plan_due_on=today + timedelta(days=20))
        audit_id = to_schedule.id

    # --- the planner schedules the audit from the home page ------------------------------------
    planner = new_page()
    sign_in(planner, PLANNER, factories.PASSWORD)
    expect(planner.get_by_role("heading", name="What needs planning", level=1)).to_be_visible()
    tile = planner.get_by_role("link", name=re.compile("audits to schedule, due within 30 days"))
    expect(tile).to_contain_text("1")
    row = planner.get_by_role("row").filter(has_text=LEGAL_NAME)
    row.get_by_role("link", name="Schedule").click()
    dates = planner.get_by_role("group", name="Dates")
    dates.get_by_label("First day").fill(start.isoformat())
    dates.get_by_label("Last day").fill(end.isoformat())
    planner.get_by_label("Lead auditor").select_option(label="Deniz Denetçi")
    planner.get_by_role("button", name="Save the schedule").click()
    expect(planner.locator(".flash").first).to_have_text("The audit was scheduled.")

    # --- the auditor's private feed shows it ---------------------------------------------------
    auditor = new_page()
    sign_in(auditor, AUDITOR, factories.PASSWORD)
    auditor.goto("/account")
    auditor.get_by_role("button", name="Make my calendar address").click()
    feed = auditor.get_by_label("Calendar address").input_value()
    assert feed.startswith(live.url + "/calendar/")
    response = auditor.request.get(feed)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    (event,) = [
        e
        for e in Calendar.from_ical(response.body()).walk("VEVENT")
        if str(e["summary"]) == f"Stage 2 · {LEGAL_NAME}"
    ]
    assert event.decoded("dtstart") == start and event.decoded("dtend") == end + timedelta(days=1)
    sign_out(auditor)

    # --- the client gets the e-mail and follows its link --------------------------------------
    with live.app.app_context():
        result = send_pending()
    assert result.failed == 0 and result.sent >= 2  # the auditor and the client at least
    (email,) = [m for m in smtp.to(CLIENT) if "Stage 2" in m["Subject"]]
    assert email["Subject"].startswith(f"Stage 2 of {LEGAL_NAME}: ")
    attachments = [part.get_filename() for part in email.iter_attachments()]
    assert attachments == [f"audit-{audit_id}.ics"]
    link = re.search(r"Open the page: (\S+)", text_of(email)).group(1)
    assert link == f"{live.url}/programme/audits/{audit_id}"

    client = new_page()
    client.goto(link)  # not signed in yet: the login page, then back to the audit
    client.get_by_label("Email").fill(CLIENT)
    client.get_by_label("Password").fill(factories.PASSWORD)
    client.get_by_role("button", name="Sign in").click()
    expect(client.get_by_role("heading", level=1)).to_contain_text(f"Stage 2 · {LEGAL_NAME}")
    expect(client.get_by_role("heading", level=1)).to_contain_text("Scheduled")

    # --- the client answers the finding from its home page ------------------------------------
    client.get_by_role("link", name="Home").click()
    expect(client.get_by_role("heading", level=1)).to_have_text(LEGAL_NAME)
    client.get_by_role("link", name="Finding S1-1 · clause 7.2").click()
    client.get_by_label("Correction: what was done to fix this case").fill(
        "Telefonla gelen şikâyetler kayda alındı."
    )
    client.get_by_label("Root cause: why it happened").fill("Kayıt yükümlülüğü bilinmiyordu.")
    client.get_by_label("Corrective action: what stops it happening again").fill(
        "Prosedür güncellendi, personel eğitildi."
    )
    client.get_by_label("Target date").fill((today + timedelta(days=10)).isoformat())
    client.get_by_role("button", name="Send to the auditor").click()
    expect(client.locator(".flash").first).to_have_text("Your answer was sent to the auditor.")

    # --- the auditor sees it waiting on the home page -----------------------------------------
    sign_in(auditor, AUDITOR, factories.PASSWORD)
    expect(auditor.get_by_role("heading", name="My work", level=1)).to_be_visible()
    review = auditor.get_by_role("link", name=re.compile("client answers waiting for your review"))
    expect(review).to_contain_text("1")
    expect(auditor.locator(".bell-count")).to_be_visible()
    auditor.get_by_role("link", name="Finding S1-1 · clause 7.2").click()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text("Answered")
    with live.app.app_context():
        send_pending()
    assert any("answered finding S1-1" in m["Subject"] for m in smtp.to(AUDITOR))
