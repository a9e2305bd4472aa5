"""On a phone, the lead auditor switches the checklist's questions to Georgian, then Arabic, while
the interface stays English (#13): the choice holds on the next clause and the page still fits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from certification.checklists import loader
from certification.extensions import db
from tests import factories
from tests.browser.helpers import sign_in
from tests.browser.test_onsite_journey import assert_fits_the_phone, assert_no_errors, new_phone
from tests.services.test_audit_answers import started

pytestmark = pytest.mark.browser
__all__ = ["new_phone"]  # the phone-sized page fixture


def asked(question_id: str, language: str) -> str:
    return loader.checklist_for("iso10002", "2018").question(question_id).text[language]


def test_the_auditor_reads_the_questions_in_georgian_then_arabic(new_phone, seed, live):
    with seed():
        audit, lead, _member = started(db)
        audit_id, email = audit.id, lead.email

    phone = new_phone()
    sign_in(phone, email, factories.PASSWORD)
    phone.goto(f"/audits/{audit_id}/checklist?clause=7.2")
    card = phone.locator('[id="q-7.2-a"]')
    expect(card.locator("h3")).to_contain_text(asked("7.2-a", "en"))

    phone.get_by_label("Questions in").select_option("ka")
    phone.get_by_role("button", name="Show", exact=True).tap()
    expect(card.locator("h3")).to_contain_text(asked("7.2-a", "ka"))
    expect(card.get_by_text("What to look for")).to_be_visible()  # the interface stays English
    assert_fits_the_phone(phone)

    phone.get_by_label("Questions in").select_option("ar")
    phone.get_by_role("button", name="Show", exact=True).tap()
    question = card.locator("h3 [dir=auto]")
    expect(question).to_have_text(asked("7.2-a", "ar"))
    assert question.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert_fits_the_phone(phone)

    phone.get_by_role("link", name="7.3", exact=False).last.tap()
    expect(phone.locator('[id="q-7.3-a"] h3')).to_contain_text(asked("7.3-a", "ar"))
    assert_no_errors(live, phone)
