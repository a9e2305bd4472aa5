"""The body's own duties, in real Chromium, as the people would do it.

A stranger complains through the public form, follows the complaint by its private link, gets
the answer after a planner, an investigator not involved and a committee member have done their
steps, accepts it and rates the handling; the management-review page then shows the complaint and
the rating. A client appeals the suspension of its certificate from the portal, a planner
appoints a panel (a member who took the decision is refused), the panel upholds the appeal and the
certificate is active again.

The accounts, and for the appeal the certified client with its suspension, are made through the
services in `seed()`: how they came to be is not what these journeys are about.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from certification.decisions import services as decisions
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.browser.helpers import sign_in
from tests.services.test_certificates import grant

pytestmark = pytest.mark.browser

PLANNER = "planner@body.example.test"
AUDITOR = "investigator@body.example.test"
MEMBER = "member@body.example.test"
DECIDER = "decider@body.example.test"
CLIENT = "kalite@marmara-kargo.example.com.tr"


def flash(page):
    return page.locator(".flash")


def open_complaint(page, subject: str) -> None:
    page.get_by_role("link", name="Complaints", exact=True).click()
    page.get_by_role("row").filter(has_text=subject).get_by_role("link").first.click()


def test_a_stranger_complains_follows_it_and_rates_the_handling(new_page, seed):
    with seed():
        factories.user("planner", email=PLANNER, name="Pınar Planlamacı")
        factories.user("auditor", email=AUDITOR, name="Deniz Araştırmacı")
        factories.user("committee", email=MEMBER, name="Kemal Komite")

    # --- a stranger files the complaint, no account --------------------------------------------
    stranger = new_page()
    stranger.goto("/login")
    stranger.get_by_role("link", name="Make a complaint").click()
    stranger.get_by_label("Your name").fill("Мария Иванова")
    stranger.get_by_label("E-mail").fill("maria@example.test")
    stranger.get_by_label("What it concerns").select_option("timeliness")
    stranger.get_by_label("In a few words").fill("No answer to my letter")
    stranger.get_by_label("What happened").fill("I wrote on 3 March and nobody answered.")
    stranger.get_by_role("button", name="Send the complaint").click()
    expect(flash(stranger).first).to_contain_text("Keep the address of this page")
    heading = stranger.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Complaint CMP-\d{4}-0001"))
    tracking_url = stranger.url
    assert "/complaints/track/" in tracking_url

    # --- the planner acknowledges, assesses and appoints the investigator ----------------------
    planner = new_page()
    sign_in(planner, PLANNER, factories.PASSWORD)
    open_complaint(planner, "No answer to my letter")
    expect(planner.get_by_text("Мария Иванова")).to_be_visible()  # a handler sees who
    planner.get_by_label("Acknowledgement to the complainant").fill(
        "We received it; we answer soon."
    )
    planner.get_by_role("button", name="Acknowledge").click()
    expect(flash(planner).first).to_contain_text("acknowledged")
    planner.get_by_label("Medium").check()
    planner.get_by_role("button", name="Record the assessment").click()
    planner.get_by_label("Investigator").select_option(label="Deniz Araştırmacı")
    planner.get_by_role("button", name="Appoint").click()
    expect(flash(planner).first).to_contain_text("investigator is appointed")

    # --- the investigator proposes, a committee member approves ---------------------------------
    investigator = new_page()
    sign_in(investigator, AUDITOR, factories.PASSWORD)
    open_complaint(investigator, "No answer to my letter")
    investigator.get_by_label("What the investigation found").fill("The letter was misfiled.")
    investigator.get_by_label("The answer proposed to the complainant").fill(
        "Your letter was misfiled; we apologise and have changed how post is logged."
    )
    investigator.get_by_role("button", name="Send for review and approval").click()
    expect(flash(investigator).first).to_contain_text("went for review")

    member = new_page()
    sign_in(member, MEMBER, factories.PASSWORD)
    open_complaint(member, "No answer to my letter")
    expect(member.get_by_text("Мария Иванова")).to_have_count(0)  # not handling it
    member.get_by_role("button", name="Approve the decision").click()
    expect(flash(member).first).to_contain_text("approved")

    planner.reload()
    planner.get_by_role("button", name="Send the approved answer").click()
    expect(flash(planner).first).to_contain_text("went to the complainant")

    # --- the stranger reads the answer, accepts it, rates the handling -------------------------
    stranger.goto(tracking_url)
    expect(stranger.locator("#answer")).to_contain_text("Your letter was misfiled")
    stranger.get_by_label("Yes, I accept it").check()
    stranger.get_by_role("button", name="Send my reply").click()
    expect(flash(stranger).first).to_contain_text("your reply is recorded")
    stranger.get_by_label("5 · very satisfied").check()
    stranger.get_by_label("Anything you would like to tell us").fill("Fair and quick.")
    stranger.get_by_role("button", name="Send my rating").click()
    expect(stranger.get_by_text("You rated the handling 5 out of 5")).to_be_visible()

    # --- the management review shows it ----------------------------------------------------------
    member.get_by_role("link", name="Complaints", exact=True).click()
    member.get_by_role("link", name="Figures for the management review").click()
    expect(member.locator("svg.chart").first).to_be_visible()
    summary = member.locator("dl.facts")
    expect(summary).to_contain_text("Complaints received")
    expect(summary).to_contain_text("5.0 from 1 ratings")
    month = date.today().strftime("%b")
    row = member.get_by_role("row").filter(has=member.get_by_role("rowheader", name=month))
    expect(row.first).to_contain_text("1")


def suspended_client(session) -> None:
    """A client certified 6 weeks ago whose certificate a committee member suspended today."""
    decided = date.today() - timedelta(days=42)
    organisation = factories.organisation(legal_name="Marmara Kargo Lojistik A.Ş.")
    cycle = factories.cycle(factories.quote(factories.application(organisation)))
    audit = factories.audit(
        cycle,
        "stage2",
        state="closed",
        start_date=decided - timedelta(days=20),
        end_date=decided - timedelta(days=19),
    )
    lead = factories.user("auditor", name="Lead Auditor")
    session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
    certificate = grant(cycle, decided_on=decided)
    decider = factories.committee_member(email=DECIDER, name="Deciding Member")
    decisions.decide_on_certificate(
        decider, certificate, outcome="suspend", reasons="Surveillance refused.", today=date.today()
    )
    factories.user("client", email=CLIENT, name="Selin Kalite", organisation=organisation)


def test_a_client_appeals_a_suspension_and_the_panel_upholds_it(new_page, seed):
    with seed() as session:
        factories.user("planner", email=PLANNER, name="Pınar Planlamacı")
        factories.user("committee", email=MEMBER, name="Kemal Komite")
        suspended_client(session)

    client = new_page()
    sign_in(client, CLIENT, factories.PASSWORD)
    client.get_by_role("navigation").get_by_role("link", name="Our certification").click()
    client.get_by_role("link", name=re.compile(r"Appeal this decision")).click()
    expect(client.get_by_text("Surveillance refused.")).to_be_visible()
    client.get_by_label("Why you appeal the decision").fill(
        "The surveillance date had been moved by agreement; the e-mails are attached."
    )
    client.get_by_role("button", name="Lodge the appeal").click()
    expect(flash(client).first).to_contain_text("was lodged")
    expect(client.get_by_text("Stays in force during the appeal")).to_be_visible()

    planner = new_page()
    sign_in(planner, PLANNER, factories.PASSWORD)
    planner.get_by_role("link", name="Appeals", exact=True).click()
    planner.get_by_role("link", name=re.compile(r"APL-\d{4}-0001")).click()
    planner.get_by_label(re.compile("Deciding Member")).check()
    planner.get_by_role("button", name="Appoint the panel").click()
    expect(planner.locator(".error")).to_contain_text("Deciding Member took the decision appealed")
    planner.get_by_label(re.compile("Deciding Member")).uncheck()
    planner.get_by_label(re.compile("Kemal Komite")).check()
    planner.get_by_role("button", name="Appoint the panel").click()
    expect(flash(planner).first).to_contain_text("panel is appointed")

    member = new_page()
    sign_in(member, MEMBER, factories.PASSWORD)
    member.get_by_role("link", name="Appeals", exact=True).click()
    member.get_by_role("link", name=re.compile(r"APL-\d{4}-0001")).click()
    member.get_by_label("Upheld: the decision is reversed or decided again").check()
    member.get_by_label("The panel's reasons").fill("The date had been agreed in writing.")
    member.get_by_label("The answer in writing to the client").fill(
        "Your appeal is upheld: the suspension is lifted."
    )
    member.get_by_role("button", name="Record the panel's decision").click()
    expect(flash(member).first).to_contain_text("Upheld")

    client.get_by_role("link", name="Back to the portal").click()
    expect(client.locator(".certificates-panel")).to_contain_text("Active")
    expect(client.locator(".appeals-panel")).to_contain_text("Upheld")
