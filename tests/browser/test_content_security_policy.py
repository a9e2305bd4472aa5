"""The Content-Security-Policy is on, and no page breaks it: real Chromium walks the main pages
of every role on the demo data and fails on any CSP violation or script error."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from certification import demo
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

PAGES_PER_ROLE = 14
# Downloads and actions are not pages to look at.
SKIP = re.compile(r"/logout|\.pdf|/pdf|/export|/download|/attachments?/|/documents?/|workbook")
ROLES = {
    "admin@demo.test": ["/admin/users", "/admin/settings", "/account/two-factor"],
    "planner@demo.test": ["/organisations/", "/quotes/", "/certificates/"],
    "committee@demo.test": ["/decisions/", "/programme/"],
    "auditor@demo.test": [],  # the audits in progress: the checklist page and its script
    "musteri@anadolu-perakende.com.tr": [],
}


def watch(page) -> list[str]:
    """Collect CSP violations (console messages) and uncaught script errors of a page."""
    problems: list[str] = []

    def seen(message) -> None:
        where = message.location.get("url", "")
        if where.endswith("/favicon.ico"):  # the browser asks for it on its own; there is none
            return
        if "Content Security Policy" in message.text or message.type == "error":
            problems.append(f"{page.url}: {message.text} ({where})")

    page.on("console", seen)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def walk(page, base: str, start: list[str]) -> list[str]:
    """Visit the start pages and the site's own links found on them, breadth first."""
    queue, seen = ["/", *start], set()
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        page.goto(path)
        page.wait_for_load_state("load")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" == base and parts.path not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return sorted(seen)


@pytest.fixture
def demo_data(seed):
    with seed():
        demo.build(date.today())


def test_no_page_breaks_the_content_security_policy(new_page, live, demo_data):
    anonymous = new_page()
    problems = watch(anonymous)
    for path in ("/login", "/verify", "/register", "/forgot-password"):
        anonymous.goto(path)
    csp = anonymous.goto("/register").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    visited = 0
    for email, start in ROLES.items():
        page = new_page()
        problems += watch(page)
        sign_in(page, email, demo.DEMO_PASSWORD)
        visited += len(walk(page, live.url, start))
    assert visited >= 40
    assert problems == []


def test_the_language_menu_works_from_its_script_file(page, live):
    """The menu's former inline `onchange` handler now lives in static/app.js."""
    page.goto("/login")
    page.get_by_label("Language").select_option("tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giriş yap")
