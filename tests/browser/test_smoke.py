"""The browser reaches the live app, and signing in works in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_login_page_renders(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()


def test_wrong_password_is_refused(page, seed):
    with seed():
        factories.user("admin", email="admin@example.test")
    sign_in(page, "admin@example.test", "not the password")
    expect(page.get_by_role("alert")).to_have_text("Email or password is not right.")
    expect(page).to_have_url(re.compile(r"/login"))


def test_client_signs_in_and_out(page, seed):
    with seed():
        org = factories.organisation(
            legal_name="შპს ქართული ხარისხი",
            english_name="Georgian Quality LLC",
            country="GE",
            city="თბილისი",
        )
        factories.user("client", email="client@example.test", name="ნინო", organisation=org)
    sign_in(page, "client@example.test", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("შპს ქართული ხარისხი")
    sign_out(page)
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
