"""From a new client to its audit programme, in real Chromium, as the people would do it.

A planner registers a Georgian organisation, its client user applies in the portal, the planner
reviews the application, prepares the quote and sends it, and the client accepts it: the quote
reads "Accepted" and the three-year programme's audits appear in the client's portal.

Only the two accounts are made directly (through tests/factories.py): creating users is not
what this journey is about.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from certification.organisations.models import Organisation
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

LEGAL_NAME = "შპს ქართული ხარისხი"
ENGLISH_NAME = "Georgian Quality LLC"
PLANNER = "planner@body.example.test"
CLIENT = "nino@quality.example.ge"
SCOPE = "მომხმარებელთა საჩივრების განხილვა — handling of customer complaints for water services"
# The smallest file the upload check takes for a PDF: it looks at the content, not the name.
PROCEDURE_PDF = b"%PDF-1.4\n% complaints-handling procedure\n%%EOF\n"


def flash(page):
    return page.locator(".flash")


def audit_row(where, kind: str):
    """The table row whose first cell names the audit ("Stage 2" says "after stage 1" too)."""
    page = getattr(where, "page", where)  # an inner locator of `has` starts from the page
    return where.get_by_role("row").filter(has=page.get_by_role("cell", name=kind, exact=True))


def test_georgian_client_from_registration_to_accepted_quote(new_page, seed):
    with seed():
        factories.user("planner", email=PLANNER, name="Pınar Planlamacı")

    # --- the planner registers the organisation --------------------------------------------
    planner = new_page()
    sign_in(planner, PLANNER, factories.PASSWORD)
    expect(planner.get_by_role("heading", name="What needs planning", level=1)).to_be_visible()
    planner.get_by_role("link", name="Organisations", exact=True).click()
    expect(planner.get_by_role("heading", name="Organisations", level=1)).to_be_visible()
    planner.get_by_role("link", name="Register an organisation").click()

    planner.get_by_label("Legal name (in the organisation's own script)").fill(LEGAL_NAME)
    planner.get_by_label("English name").fill(ENGLISH_NAME)
    planner.get_by_label("Country").select_option("GE")
    planner.locator("#city").fill("თბილისი")
    planner.locator("#address").fill("რუსთაველის გამზირი 12, თბილისი 0108")
    planner.get_by_label("IAF sector").select_option("27")
    planner.get_by_label("Effective personnel").fill("40")
    planner.get_by_label("Preferred language").select_option("ka")
    planner.get_by_label("Currency").select_option("EUR")
    planner.locator("#sites-0-name").fill("სათაო ოფისი")
    planner.locator("#sites-0-city").fill("თბილისი")
    planner.locator("#sites-0-address").fill("რუსთაველის გამზირი 12, თბილისი 0108")
    planner.locator("#sites-0-personnel").fill("40")
    planner.locator("#sites-0-scope").fill("Customer service and complaints handling")
    planner.get_by_role("button", name="Save").click()

    expect(flash(planner).first).to_contain_text(f"{LEGAL_NAME} was registered.")
    expect(planner.get_by_role("heading", level=1)).to_contain_text(LEGAL_NAME)

    planner.get_by_role("link", name="Organisations", exact=True).click()
    expect(planner.get_by_role("link", name=LEGAL_NAME)).to_be_visible()

    # The client's account, bound to the organisation the planner just registered.
    with seed() as session:
        organisation = session.scalar(
            select(Organisation).where(Organisation.legal_name == LEGAL_NAME)
        )
        assert organisation is not None, "the organisation was not saved"
        factories.user("client", email=CLIENT, name="ნინო ბერიძე", organisation=organisation)

    # --- the client applies in the portal ---------------------------------------------------
    client = new_page()
    sign_in(client, CLIENT, factories.PASSWORD)
    expect(client).to_have_url(re.compile(r"/home/$"))
    expect(client.get_by_role("heading", level=1)).to_have_text(LEGAL_NAME)
    client.get_by_role("link", name="Our certification", exact=True).click()
    expect(client).to_have_url(re.compile(r"/portal/$"))
    expect(client.get_by_text("You have not applied yet.")).to_be_visible()

    client.get_by_role("link", name="Apply for certification").click()
    client.get_by_label("Scope of certification").fill(SCOPE)
    client.get_by_label("Complaints-handling system documents").set_input_files(
        {"name": "საჩივრების-პროცედურა.pdf", "mimeType": "application/pdf", "buffer": PROCEDURE_PDF}
    )
    client.get_by_label("I confirm that the information given here is correct.").check()
    client.get_by_role("button", name="Send the application").click()
    expect(flash(client).first).to_have_text(
        "Your application was sent. We will review it and answer you."
    )
    expect(client.get_by_text("საჩივრების-პროცედურა.pdf")).to_be_visible()

    # --- the planner reviews and approves it ------------------------------------------------
    planner.get_by_role("link", name="Applications", exact=True).click()
    application_row = planner.get_by_role("row").filter(has_text=LEGAL_NAME)
    expect(application_row).to_contain_text("Submitted", ignore_case=True)
    application_row.get_by_role("link", name=LEGAL_NAME).click()
    expect(planner.get_by_role("heading", level=1)).to_have_text(f"Application of {LEGAL_NAME}")
    planner.get_by_label("Competence for the sector confirmed").check()
    planner.get_by_label("Approve the application").check()
    planner.get_by_label("Review notes").fill("Sector 27 covered; documents complete.")
    planner.get_by_role("button", name="Record the review").click()
    expect(flash(planner).first).to_have_text("The review was recorded.")

    # --- the planner prepares the quote and sends it ---------------------------------------
    planner.get_by_role("link", name="Prepare a quote").click()
    expect(planner.get_by_role("heading", level=1)).to_have_text(
        f"Prepare a quote for {LEGAL_NAME}"
    )
    expect(planner.get_by_label("Currency")).to_have_value("EUR")
    planner.get_by_label("Adjustment of the table time (%)").fill("0")
    planner.get_by_label("Notes for the client").fill("Audits in Tbilisi, in Georgian.")
    planner.get_by_role("button", name="Compute and save as draft").click()
    expect(flash(planner).first).to_contain_text("was prepared as a draft.")
    quote_number = re.search(r"Quote (\S+) was prepared", flash(planner).first.inner_text())[1]

    planner.get_by_role("button", name="Send to the client").click()
    expect(flash(planner).first).to_contain_text(f"Quote {quote_number} was sent to the client.")
    expect(planner.get_by_role("heading", level=1)).to_contain_text("Sent to client")

    # --- the client accepts it --------------------------------------------------------------
    client.get_by_role("link", name="Our certification", exact=True).click()
    quote_row = client.get_by_role("row").filter(has_text=quote_number)
    expect(quote_row).to_contain_text("Sent to client")
    quote_row.get_by_role("link", name=quote_number).click()
    expect(client.get_by_text(LEGAL_NAME).first).to_be_visible()
    expect(client.get_by_text("Audits in Tbilisi, in Georgian.")).to_be_visible()
    client.get_by_label("Note").fill("გმადლობთ — thank you.")
    client.get_by_role("button", name="Accept the quote").click()

    expect(flash(client).first).to_have_text(
        "The quote was accepted. The three-year audit programme is ready."
    )
    expect(client.get_by_role("heading", level=1)).to_contain_text("Accepted")
    expect(client.get_by_role("button", name="Accept the quote")).to_have_count(0)

    # --- the programme's audits appear in the portal ---------------------------------------
    client.get_by_role("link", name="Our certification", exact=True).click()
    expect(client.get_by_role("row").filter(has_text=quote_number)).to_contain_text("Accepted")
    audits = client.locator("table").filter(has=client.get_by_role("columnheader", name="Audit"))
    expect(audit_row(audits, "Stage 1")).to_contain_text("Planned")
    expect(audit_row(audits, "Stage 2")).to_contain_text("Planned")
    expect(audit_row(audits, "Surveillance 1")).to_have_count(1)
    expect(audit_row(audits, "Surveillance 2")).to_have_count(1)
    expect(audit_row(audits, "Recertification")).to_have_count(1)
    expect(client.get_by_text("No audits are planned yet.")).to_have_count(0)

    # --- and the planner sees the same programme -------------------------------------------
    planner.reload()
    expect(planner.get_by_role("heading", level=1)).to_contain_text("Accepted")
    planner.get_by_role("link", name="Open the audit programme").click()
    expect(planner.get_by_role("heading", level=1)).to_have_text(f"Audit programme of {LEGAL_NAME}")
    expect(audit_row(planner, "Stage 1")).to_contain_text("Planned")
