"""A page left open longer than its form token lives still sends its form: while it is open, the
page fetches a fresh token from /csrf-token (static/app.js) and puts it into its forms.

The token's life is made three seconds here (an hour in production), so the page refreshes it
every second; the auditor waits past the first token's life before sending.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from certification.calendar.models import Unavailability
from certification.extensions import db as _db
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

AUDITOR = "nino.tetkikci@body.example.test"
LIFE_SECONDS = 3


def test_a_form_left_open_past_the_tokens_life_is_still_accepted(page, seed, live, monkeypatch):
    with seed():
        factories.user("auditor", email=AUDITOR, name="Nino Tetkikçi")
    monkeypatch.setitem(live.app.config, "WTF_CSRF_TIME_LIMIT", LIFE_SECONDS)
    sign_in(page, AUDITOR, factories.PASSWORD)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "/csrf-token" in r.url else None)
    page.goto("/account")
    form = page.locator("#leave form")
    first_token = form.locator("input[name=csrf_token]").input_value()
    start = date.today() + timedelta(days=40)
    form.get_by_label("First day").fill(start.isoformat())
    form.get_by_label("Last day").fill((start + timedelta(days=2)).isoformat())
    form.get_by_label("Note (optional, e.g. leave, training)").fill("Yıllık izin")

    page.wait_for_timeout((LIFE_SECONDS + 2) * 1000)  # the page's first token has expired
    assert fetched, "the open page never asked for a fresh token"
    assert form.locator("input[name=csrf_token]").input_value() != first_token
    form.get_by_role("button", name="Add these days").click()
    page.wait_for_load_state()

    expect(page.get_by_text("Your unavailable days were recorded.")).to_be_visible()
    expect(page.get_by_text("Yıllık izin")).to_be_visible()
    with live.app.app_context():
        kept = _db.session.scalars(select(Unavailability)).all()
        assert [(x.start_date, x.note) for x in kept] == [(start, "Yıllık izin")]


def test_without_the_refresh_the_expired_form_is_refused_and_kept(page, seed, live, monkeypatch):
    """The same wait with the refresh turned off (a page that cannot reach the server): the
    token has expired, nothing is saved, and what was typed is offered again."""
    with seed():
        factories.user("auditor", email=AUDITOR, name="Nino Tetkikçi")
    monkeypatch.setitem(live.app.config, "WTF_CSRF_TIME_LIMIT", LIFE_SECONDS)
    sign_in(page, AUDITOR, factories.PASSWORD)
    page.route("**/csrf-token", lambda route: route.abort())
    page.goto("/account")
    form = page.locator("#leave form")
    start = date.today() + timedelta(days=40)
    form.get_by_label("First day").fill(start.isoformat())
    form.get_by_label("Last day").fill(start.isoformat())
    form.get_by_label("Note (optional, e.g. leave, training)").fill("Yıllık izin")
    page.wait_for_timeout((LIFE_SECONDS + 2) * 1000)
    form.get_by_role("button", name="Add these days").click()
    page.wait_for_load_state()

    expect(page.get_by_text("This page was open too long")).to_be_visible()
    expect(page.locator('[name="note"]')).to_have_value("Yıllık izin")  # what was typed is kept
    with live.app.app_context():
        assert _db.session.scalars(select(Unavailability)).all() == []
