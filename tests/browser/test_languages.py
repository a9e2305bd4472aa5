"""Arabic pages read right to left: navigation, tables, forms and the phone checklist are
mirrored and nothing runs off the side; Georgian pages draw with the bundled web font."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from certification.audits import services as audit_services
from certification.models_base import utcnow
from certification.programme.models import AuditTeamMember
from tests import factories
from tests.browser.helpers import sign_in
from tests.browser.test_onsite_journey import PHONE, assert_fits_the_phone

pytestmark = pytest.mark.browser

PLANNER = "planner@languages.example.test"
LEAD = "lead@languages.example.test"
# The main pages of each kind: lists with tables, a detail page, forms, the public pages.
STAFF_PAGES = [
    "/organisations/",
    "/applications/",
    "/quotes/",
    "/programme/",
    "/findings/",
    "/certificates/",
    "/organisations/new",
    "/account",
]
PUBLIC_PAGES = ["/login", "/verify", "/register"]

LAYOUT = """() => {
    const box = (selector) => {
        const element = document.querySelector(selector);
        if (!element) return null;
        const r = element.getBoundingClientRect();
        return {left: r.left, right: r.right};
    };
    const heads = [...document.querySelectorAll("table thead th")].map((th) => {
        const r = th.getBoundingClientRect();
        return {left: r.left, right: r.right};
    });
    return {
        dir: document.documentElement.dir,
        width: window.innerWidth,
        scrollWidth: document.scrollingElement.scrollWidth,
        brand: box(".brand"),
        session: box(".session"),
        label: box(".field label"),
        heads: heads,
    };
}"""


def layout(page, path: str) -> dict:
    page.goto(path)
    page.wait_for_load_state()
    return page.evaluate(LAYOUT)


def assert_mirrored(found: dict, path: str) -> None:
    """Right to left: the brand starts at the right edge, the language and account controls
    sit on the left, a table's first column is its rightmost, labels start on the right."""
    middle = found["width"] / 2
    assert found["dir"] == "rtl", path
    assert found["brand"]["left"] > middle, f"{path}: the brand is not on the right: {found}"
    assert found["session"]["right"] < middle, f"{path}: the session is not on the left"
    heads = found["heads"]
    if len(heads) > 1:
        assert heads[0]["left"] > heads[-1]["left"], f"{path}: the first column is not rightmost"
    if found["label"]:
        assert found["label"]["right"] > middle, f"{path}: form labels do not start on the right"
    assert found["scrollWidth"] <= found["width"], f"{path}: runs off the side: {found}"


def assert_left_to_right(found: dict, path: str) -> None:
    middle = found["width"] / 2
    assert found["dir"] == "ltr", path
    assert found["brand"]["right"] < middle and found["session"]["left"] > middle, path
    if len(found["heads"]) > 1:
        assert found["heads"][0]["left"] < found["heads"][-1]["left"], path


def seed_planner_with_data(seed, locale: str) -> None:
    with seed():
        organisation = factories.organisation(
            legal_name="شركة الخليج للخدمات", english_name="Gulf Services", country="AE"
        )
        factories.organisation(legal_name="Anadolu Perakende A.Ş.")
        factories.quote(factories.application(organisation))
        factories.user("planner", email=PLANNER, locale=locale)


def test_arabic_staff_pages_are_mirrored_and_fit_the_screen(page, seed, live):
    seed_planner_with_data(seed, "ar")
    sign_in(page, PLANNER, factories.PASSWORD)
    for path in STAFF_PAGES:
        assert_mirrored(layout(page, path), path)
    assert not live.errors


def test_arabic_public_pages_are_mirrored(chromium, live):
    """A browser set to Arabic (Accept-Language: ar) gets the public pages right to left."""
    context = chromium.new_context(base_url=live.url, locale="ar")
    try:
        page = context.new_page()
        for path in PUBLIC_PAGES:
            assert_mirrored(layout(page, path), path)
    finally:
        context.close()


def test_the_same_pages_in_english_read_left_to_right(page, seed):
    seed_planner_with_data(seed, "en")
    sign_in(page, PLANNER, factories.PASSWORD)
    for path in ("/organisations/", "/quotes/"):
        assert_left_to_right(layout(page, path), path)


def test_the_phone_checklist_in_arabic_is_mirrored_and_fits(chromium, live, seed):
    today = date.today()
    with seed() as session:
        organisation = factories.organisation(legal_name="شركة الخليج للخدمات")
        lead = factories.user("auditor", email=LEAD, locale="ar")
        planner = factories.user("planner")
        application = factories.application(
            organisation, state="contracted", competence_confirmed=True,
            reviewed_by_id=planner.id, reviewed_at=utcnow(),
        )  # fmt: skip
        quote = factories.quote(
            application, state="accepted", issued_on=today - timedelta(days=40),
            valid_until=today - timedelta(days=10), prepared_by_id=planner.id,
        )  # fmt: skip
        cycle = factories.cycle(quote)
        factories.concluded_stage1(cycle, today - timedelta(days=14))  # 17021-1 9.3.1
        audit = factories.audit(
            cycle, kind="stage2", state="scheduled", start_date=today, end_date=today,
        )  # fmt: skip
        session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
        session.flush()
        factories.sent_plan(audit, planner, today)  # 17021-1 9.2.3
        audit_services.start_audit(lead, audit, today)
        audit_id = audit.id
    context = chromium.new_context(base_url=live.url, locale="en-GB", **PHONE)
    try:
        phone = context.new_page()
        sign_in(phone, LEAD, factories.PASSWORD)
        phone.goto(f"/audits/{audit_id}/checklist")
        expect(phone.locator(".question").first).to_be_visible()
        assert_fits_the_phone(phone)
        found = phone.evaluate(
            """() => {
                const card = document.querySelector(".question");
                const grades = [...card.querySelectorAll(".grades .choice")];
                const next = document.querySelector(".clause-steps [rel=next]");
                return {
                    dir: document.documentElement.dir,
                    width: window.innerWidth,
                    cardRight: card.getBoundingClientRect().right,
                    heading: card.querySelector("h3").getBoundingClientRect().right,
                    first: grades[0].getBoundingClientRect().left,
                    second: grades[1].getBoundingClientRect().left,
                    sameRow: grades[0].getBoundingClientRect().top
                        === grades[1].getBoundingClientRect().top,
                    next: next && next.getBoundingClientRect().left,
                };
            }"""
        )
        assert found["dir"] == "rtl"
        # The question's text starts at the card's right edge, the grades run leftwards.
        assert found["cardRight"] - found["heading"] < 40, found
        if found["sameRow"]:
            assert found["first"] > found["second"], found
        # "Next clause" leads on the left, as the reading goes on leftwards.
        if found["next"] is not None:
            assert found["next"] < found["width"] / 2, found
    finally:
        context.close()
    assert not live.errors


def test_georgian_text_is_drawn_with_the_bundled_font(page, seed):
    with seed():
        factories.organisation(legal_name="შპს საქართველოს წყალი", country="GE", city="თბილისი")
        factories.user("planner", email=PLANNER, locale="ka")
    sign_in(page, PLANNER, factories.PASSWORD)
    page.goto("/organisations/")
    name = page.get_by_role("link", name="შპს საქართველოს წყალი")
    expect(name).to_be_visible()
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate(
        "() => document.fonts.check('16px \"Noto Sans Georgian\"', 'საქართველო')"
    ), "the Georgian web font did not load"
    # The font Chromium really drew the Georgian letters with (DevTools' platform fonts).
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "tbody td a"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    used = {font["familyName"]: font["glyphCount"] for font in fonts}
    assert "Noto Sans Georgian" in used, used
    georgian_letters = sum(1 for char in "შპს საქართველოს წყალი" if char != " ")
    assert used["Noto Sans Georgian"] == georgian_letters, used


def test_arabic_text_is_drawn_with_the_bundled_font(page, seed):
    seed_planner_with_data(seed, "ar")
    sign_in(page, PLANNER, factories.PASSWORD)
    page.goto("/organisations/")
    expect(page.get_by_role("link", name="شركة الخليج للخدمات")).to_be_visible()
    page.evaluate("() => document.fonts.ready")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    link = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "tbody td a"})
    fonts = {}
    for node in link["nodeIds"]:
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            fonts[font["familyName"]] = fonts.get(font["familyName"], 0) + font["glyphCount"]
    assert "Noto Sans Arabic" in fonts, fonts
