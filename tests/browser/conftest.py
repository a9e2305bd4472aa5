"""Browser journeys: the app served by a real HTTP server, driven by Debian's Chromium.

The live app is its own app instance with its own database, so it never fights with the
session-wide `app` fixture of tests/conftest.py (whose `db` fixture empties every table after each
test):

- on SQLite (DATABASE_URL unset or a sqlite:/// URL) it is a file in a temporary directory,
  shared by the server's threads and by the test's own set-up code;
- on PostgreSQL (DATABASE_URL names a server) it is the same database, but a schema of its own
  (`browser_<pid>`, put first on the search path of every connection): the tables of the other
  tests stay in the default schema, untouched. The schema is dropped at the end of the session.

Each test starts from empty tables; `seed()` opens the live app's context to add what a journey
takes as given (accounts, for example) through tests/factories.py.

Chromium is /usr/bin/chromium (`apt-get install -y chromium`); Playwright's own browser download
is not used. Without it the tests are skipped, unless CI_REQUIRE_SERVICES=1 (CI), where a missing
browser fails them.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import make_server

from certification.extensions import db as _db
from tests.own_database import own_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


def services_required() -> bool:
    return os.environ.get("CI_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def missing_service(message: str):
    if services_required():
        pytest.fail(f"{message} (CI_REQUIRE_SERVICES is set, so this fails instead of skipping)")
    pytest.skip(message)


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


# --- the live server -------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("live")
    with own_app(
        tmp_dir,
        "browser",
        SECRET_KEY="browser-tests",
        # never a demo key pair lying in instance/signing (as tests/conftest.py's app)
        SIGNING_DEMO_FOLDER=str(tmp_dir / "no-signing-key"),
        # CSRF stays on: the browser posts the real forms with their tokens.
    ) as app:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")

        def record(sender, exception, **extra):
            live.errors.append(exception)

        got_request_exception.connect(record, app, weak=False)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield live
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()


@pytest.fixture
def live(live_server):
    """The live server with empty tables; a request that raised fails the test."""
    live_server.errors.clear()
    yield live_server
    with live_server.app.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())
    errors, live_server.errors[:] = list(live_server.errors), []
    assert not errors, f"the live server raised: {errors!r}"


@pytest.fixture
def seed(live):
    """`with seed():` runs set-up code in the live app's context and commits at the end."""

    @contextmanager
    def in_live_app():
        with live.app.app_context():
            try:
                yield _db.session
                _db.session.commit()
            finally:
                _db.session.remove()

    return in_live_app


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    executable = chromium_path()
    if executable is None:
        missing_service("Chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        missing_service("the playwright package is not installed")
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as error:
        playwright.stop()
        missing_service(f"Chromium at {executable} did not start: {error}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(chromium, live, request, tmp_path):
    """new_page() -> a page in a fresh browser context (own cookies), with the live URL as base.

    Several pages let one test play several people (a planner, then a client). When the test
    fails, a screenshot of each page is kept in the test's tmp_path.
    """
    contexts = []

    def make():
        context = chromium.new_context(base_url=live.url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    # BROWSER_SCREENSHOTS=DIR keeps the last view of every page of every test, to look at.
    keep = os.environ.get("BROWSER_SCREENSHOTS")
    for n, context in enumerate(contexts):
        if failed or keep:
            for m, page in enumerate(context.pages):
                folder = Path(keep) if keep and not failed else tmp_path
                folder.mkdir(parents=True, exist_ok=True)
                shot = folder / f"{request.node.name}-{n}-{m}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"screenshot of {page.url}: {shot}")
                except Exception:  # noqa: BLE001 - a screenshot is a courtesy only
                    pass
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
