"""A committee member double-clicks "Record the decision": one decision, one certificate.

The browser sends the form twice (the second click restarts the navigation while the first request
is still on the server); the live server handles both at once in its threads, each waiting after
reading the file until the other has read it too. One decides; the other finds the file decided
and changes nothing.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from flask import request, request_started, request_tearing_down
from playwright.sync_api import expect
from sqlalchemy import event, func, select

from certification.certificates.models import Certificate
from certification.decisions.models import Decision
from certification.extensions import db as _db
from certification.organisations.models import Organisation
from tests import factories, scenarios
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

MEMBER = "aylin.komite@body.example.test"


def test_double_clicking_grant_records_one_decision_and_one_certificate(page, seed, live):
    with seed() as session:
        audit_id = scenarios.submitted_stage2(session, date.today()).audit.id
        factories.committee_member(email=MEMBER, name="Aylin Komite")
    posts, finished = [], threading.Semaphore(0)
    both_read, racing = threading.Barrier(2, timeout=1.0), threading.local()

    def count_posts(sender, **extra):
        if request.method == "POST" and request.path.endswith("/decide"):
            posts.append(request.path)
            racing.on = True

    def wait_for_each_other(_conn, _cursor, statement, *_args):
        """Each request, once it has read the file, waits (at most a second) until the other has
        read it too: the moment two grants once made two certificates."""
        if getattr(racing, "on", False) and "FROM audits" in statement:
            racing.on = False
            try:
                both_read.wait()
            except threading.BrokenBarrierError:
                pass  # the other could not read meanwhile (SQLite: it waits for the write lock)

    def count_finished(sender, **extra):
        if request.method == "POST" and request.path.endswith("/decide"):
            finished.release()

    request_started.connect(count_posts, live.app, weak=False)
    request_tearing_down.connect(count_finished, live.app, weak=False)
    with live.app.app_context():
        engine = _db.engine
    event.listen(engine, "after_cursor_execute", wait_for_each_other)
    try:
        sign_in(page, MEMBER, factories.PASSWORD)
        page.goto(f"/decisions/audits/{audit_id}")
        page.get_by_label("Grant certification").check()
        page.get_by_label("Reasons for the decision").fill("Every clause conforms.")
        button = page.get_by_role("button", name="Record the decision")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        # Two clicks as a hand double-clicks (the mouse itself, which waits for nothing).
        page.mouse.click(x, y)
        page.wait_for_timeout(150)  # the first request is on the server now
        page.mouse.click(x, y)
        page.wait_for_load_state()
        expect(page.locator("#certificate")).to_contain_text("Active")
        for _post in posts:  # both requests are done on the server, whatever the page shows
            assert finished.acquire(timeout=30)
    finally:
        request_started.disconnect(count_posts, live.app)
        request_tearing_down.disconnect(count_finished, live.app)
        event.remove(engine, "after_cursor_execute", wait_for_each_other)

    assert len(posts) == 2, posts  # the browser did send the form twice
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    expect(page.locator("table.decisions tbody tr")).to_have_count(1)
    with seed() as session:
        assert session.scalar(select(func.count(Decision.id))) == 1
        assert session.scalar(select(func.count(Certificate.id))) == 1


PLANNER = "selin.planlama@body.example.test"


def test_double_clicking_save_on_a_new_organisation_registers_it_once(page, seed, live):
    """The create form's one-time token: the second click is shown the first one's result."""
    with seed():
        factories.user("planner", email=PLANNER, name="Selin Planlama")
    posts, finished = [], threading.Semaphore(0)

    def count_posts(sender, **extra):
        if request.method == "POST" and request.path == "/organisations/new":
            posts.append(request.path)
            if len(posts) == 1:  # still in flight at the second click, however busy the machine
                time.sleep(0.5)

    def count_finished(sender, **extra):
        if request.method == "POST" and request.path == "/organisations/new":
            finished.release()

    request_started.connect(count_posts, live.app, weak=False)
    request_tearing_down.connect(count_finished, live.app, weak=False)
    try:
        sign_in(page, PLANNER, factories.PASSWORD)
        page.goto("/organisations/new")
        page.locator('[name="legal_name"]').fill("Mekong Electronics Co.")
        page.locator('[name="country"]').select_option("VN")
        page.locator('[name="city"]').fill("Cần Thơ")
        page.locator('[name="sector_code"]').select_option("19")
        page.locator('[name="effective_personnel"]').fill("85")
        page.locator('[name="sites-0-name"]').fill("Head office")
        page.locator('[name="sites-0-personnel"]').fill("85")
        button = page.get_by_role("button", name="Save")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.click(x, y)
        page.wait_for_timeout(100)  # the first request is on the server now
        page.mouse.click(x, y)
        page.wait_for_load_state()
        expect(page.locator("h1")).to_contain_text("Mekong Electronics Co.")
        for _post in posts:
            assert finished.acquire(timeout=30)
    finally:
        request_started.disconnect(count_posts, live.app)
        request_tearing_down.disconnect(count_finished, live.app)

    assert len(posts) == 2, posts  # the browser did send the form twice
    with seed() as session:
        assert session.scalar(select(func.count(Organisation.id))) == 1
