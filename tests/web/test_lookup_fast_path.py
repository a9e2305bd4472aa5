"""The public look-up's fast path (verification/fast_path.py): the same answers as Flask's view,
the same rate limit per address, the same log; everything unusual answered by Flask.

The app here has a database of its own (a SQLite file, or a schema on PostgreSQL), as a server
has: the session-wide test app runs on SQLite in memory, where only the session can read and the
fast path steps aside. It sits behind one proxy (PROXY_COUNT=1), so the address the limit and the
log use is the client's, from X-Forwarded-For.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask import request_started
from sqlalchemy.exc import OperationalError

from certification.extensions import db as _db
from certification.extensions import limiter
from certification.verification.reader import AnswerReader
from tests.own_database import own_app
from tests.services.test_verification import certificate

FOREVER = {"issued_on": date(2025, 3, 15), "expires_on": date(2999, 3, 14)}
CLIENT = {"REMOTE_ADDR": "10.0.0.1"}  # the proxy; the client is in X-Forwarded-For


@pytest.fixture(scope="module")
def fast_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fast_path")
    with own_app(tmp, "fastpath", TESTING=True, SECRET_KEY="fast-path", PROXY_COUNT=1) as app:
        yield app


@pytest.fixture
def made(fast_app):
    """made(**kw) -> (number, token) of a committed certificate; the limit starts afresh."""
    limiter.reset()

    def make(**kw):
        with fast_app.app_context():
            cert = certificate(**{**FOREVER, **kw})
            _db.session.commit()
            found = cert.number, cert.token
            _db.session.remove()
            return found

    yield make
    limiter.reset()


@pytest.fixture
def flask_saw(fast_app):
    """The paths of the requests that reached Flask (the fast path answers the others)."""
    seen: list[str] = []

    def started(sender, **extra):
        from flask import request

        seen.append(request.path)

    with request_started.connected_to(started, fast_app):
        yield seen


@contextmanager
def limit(app, setting: str):
    before = app.config.get("RATE_LIMIT_VERIFY")
    app.config["RATE_LIMIT_VERIFY"] = setting
    try:
        yield
    finally:
        app.config["RATE_LIMIT_VERIFY"] = before


def ask(app, path: str, address: str = "198.51.100.4", **kw):
    client = app.test_client(use_cookies=False)
    headers = {"X-Forwarded-For": address, **kw.pop("headers", {})}
    return client.open(path, headers=headers, environ_base=CLIENT, **kw)


def comparable(response) -> tuple:
    headers = sorted((k, v) for k, v in response.headers.items() if k not in ("Date", "Server"))
    return response.status_code, headers, response.get_data()


def test_a_found_number_is_answered_before_flask_exactly_as_flask_answers_it(
    fast_app, made, flask_saw
):
    number, _token = made()
    fast = ask(fast_app, f"/api/v1/certificates/{number}")
    assert flask_saw == []
    assert fast.status_code == 200
    assert fast.json["number"] == number and fast.json["status"] == "active"
    assert fast.headers["Cache-Control"] == "no-cache"
    assert "Accept-Language" in fast.headers["Vary"]
    assert fast.headers["X-Content-Type-Options"] == "nosniff"
    # A query string (which the view ignores) sends the same look-up through Flask: the very
    # same answer, byte for byte, headers and all.
    through_flask = ask(fast_app, f"/api/v1/certificates/{number}?through=flask")
    assert flask_saw == [f"/api/v1/certificates/{number}"]
    assert comparable(fast) == comparable(through_flask)
    # A cookie goes to Flask too (the session is Flask's).
    with_cookie = ask(fast_app, f"/api/v1/certificates/{number}", headers={"Cookie": "a=b"})
    assert comparable(with_cookie) == comparable(fast)
    assert len(flask_saw) == 2


def test_unusual_requests_are_left_to_flask(fast_app, made, flask_saw):
    number, _token = made()
    path = f"/api/v1/certificates/{number}"
    assert ask(fast_app, path + "?pretty=1").json["number"] == number
    assert ask(fast_app, path, method="HEAD").status_code == 200
    assert ask(fast_app, f"/api/v1/certificates/x//{number}").status_code in (308, 404)
    assert ask(fast_app, "/api/v1/certificates/%FF%FE").status_code == 404
    assert len(flask_saw) == 4


def test_a_number_not_found_is_answered_by_flask_in_the_readers_language(fast_app, made, flask_saw):
    made()
    response = ask(fast_app, "/api/v1/certificates/ACB-NONE", headers={"Accept-Language": "tr"})
    assert response.status_code == 404
    assert response.json["error"] == "Bu numaraya sahip bir belge yok."
    assert flask_saw == ["/api/v1/certificates/ACB-NONE"]


def test_the_fast_path_and_the_pages_share_one_limit_per_address(fast_app, made, flask_saw):
    number, token = made()
    path = f"/api/v1/certificates/{number}"
    with limit(fast_app, "4/minute"):
        assert ask(fast_app, path).status_code == 200
        assert ask(fast_app, "/api/v1/certificates/ACB-NONE").status_code == 404  # counted once
        assert ask(fast_app, f"/verify/{token}").status_code == 200
        assert ask(fast_app, path).status_code == 200
        refused = ask(fast_app, path)
        assert refused.status_code == 429
        assert "Too many look-ups" in refused.json["error"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert ask(fast_app, f"/verify/{token}").status_code == 429
        # another client behind the same proxy has its own count
        assert ask(fast_app, path, address="203.0.113.9").status_code == 200
    assert flask_saw.count(path) == 1  # only the refusal went to Flask


def test_under_many_threads_the_limit_lets_through_exactly_its_number(fast_app, made):
    number, _token = made()
    path = f"/api/v1/certificates/{number}"
    start = threading.Barrier(8)

    def burst(_):
        start.wait()
        return [ask(fast_app, path).status_code for _ in range(10)]

    with limit(fast_app, "30/minute"), ThreadPoolExecutor(8) as pool:
        codes = [code for codes in pool.map(burst, range(8)) for code in codes]
    assert codes.count(200) == 30
    assert codes.count(429) == 50


def test_every_fast_lookup_is_logged_with_the_clients_address(fast_app, made, caplog):
    number, _token = made()
    caplog.set_level(logging.INFO, logger="certification.verification")
    ask(fast_app, f"/api/v1/certificates/{number}", address="192.0.2.7")
    ask(fast_app, "/api/v1/certificates/ACB-NONE", address="192.0.2.7")
    spaced = ask(fast_app, f"/api/v1/certificates/%20{number}", address="192.0.2.7")
    assert spaced.json["number"] == number  # found, spaces around it ignored as by the view
    messages = [r.getMessage() for r in caplog.records if r.name == "certification.verification"]
    assert messages == [
        f"lookup from 192.0.2.7: api {number!r} -> {number}",
        "lookup from 192.0.2.7: api 'ACB-NONE' -> not found",
        f"lookup from 192.0.2.7: api {' ' + number!r} -> {number}",  # as it was asked
    ]


def test_a_suspension_and_a_lapse_show_in_the_very_next_fast_lookup(fast_app, made, flask_saw):
    number, _token = made()
    path = f"/api/v1/certificates/{number}"
    assert ask(fast_app, path).json["status"] == "active"
    with fast_app.app_context():
        from certification.certificates.models import Certificate

        cert = _db.session.query(Certificate).filter_by(number=number).one()
        cert.state = "suspended"
        _db.session.commit()
        _db.session.remove()
    assert ask(fast_app, path).json["status"] == "suspended"
    lapsed, _token = made(expires_on=date.today() - timedelta(days=1))
    assert ask(fast_app, f"/api/v1/certificates/{lapsed}").json["status"] == "expired"
    assert flask_saw == []


def test_a_database_that_fails_gets_flasks_answer(fast_app, made, monkeypatch, flask_saw):
    number, _token = made()

    def unreachable(self, kind, key):
        raise OperationalError("SELECT", (key,), OSError("connection refused"))

    monkeypatch.setattr(AnswerReader, "find", unreachable)
    response = ask(fast_app, f"/api/v1/certificates/{number}")
    assert response.status_code == 503
    assert flask_saw == [f"/api/v1/certificates/{number}"]
