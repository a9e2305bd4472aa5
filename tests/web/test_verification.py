"""The public verification pages, the JSON API, rate limiting, the look-up log, the register."""

from __future__ import annotations

import logging
import time
from datetime import date

import pytest

from certification.extensions import limiter
from tests import factories
from tests.services.test_verification import certificate

STATUS_WORDS = {
    "active": "Valid: this certificate is active.",
    "suspended": "Not valid: this certificate is suspended.",
    "withdrawn": "Not valid: this certificate has been withdrawn.",
    "expired": "Not valid: this certificate has expired.",
    "superseded": "Not valid in this revision",
}
OTHER = {"REMOTE_ADDR": "192.0.2.7"}


@pytest.fixture(autouse=True)
def fresh_counters(app):
    """Look-ups of earlier tests must not count against this one."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def low_limit(app):
    before = app.config.get("RATE_LIMIT_VERIFY")
    app.config["RATE_LIMIT_VERIFY"] = "3/minute"
    yield 3
    app.config["RATE_LIMIT_VERIFY"] = before


def far_future() -> dict:
    """Dates that stay valid whatever day the suite runs on."""
    return {"issued_on": date(2025, 3, 15), "expires_on": date(2999, 3, 14)}


@pytest.mark.parametrize("state", list(STATUS_WORDS))
def test_the_page_words_every_status_clearly(client, db, state):
    cert = certificate(state=state, **far_future())
    html = client.get(f"/verify/{cert.token}").get_data(as_text=True)
    assert STATUS_WORDS[state] in html
    assert cert.number in html and "Örnek Hizmet" in html and "ISO 10002:2018" in html
    assert f"Checked on {_today_text()}" in html
    if state != "active":
        assert "Valid: this certificate is active." not in html


@pytest.mark.parametrize("state", list(STATUS_WORDS))
def test_the_json_gives_every_status(client, db, state):
    cert = certificate(state=state, **far_future())
    response = client.get(f"/api/v1/certificates/{cert.number}")
    assert response.status_code == 200
    assert response.json["status"] == state
    assert response.json["organisation"]["city"] == "İstanbul"
    # a status can change any minute: a shared cache must ask again before answering
    assert response.headers["Cache-Control"] == "no-cache"


def test_page_and_json_say_the_same(client, db):
    org = factories.organisation(
        legal_name="თბილისის სერვისი", english_name="Tbilisi Service", city="თბილისი", country="GE"
    )
    cert = certificate(org, **far_future())
    factories.audit(cert.cycle, kind="surveillance1", due_by=date(2999, 1, 15))
    data = client.get(f"/api/v1/certificates/{cert.number}").json
    html = client.get(f"/verify?number={cert.number}").get_data(as_text=True)
    assert data["next_surveillance_due"] == "2999-01-15" and "Jan 15, 2999" in html
    assert data["organisation"]["name"] == "თბილისის სერვისი"
    for text in (
        "თბილისის სერვისი",
        "Tbilisi Service",
        "თბილისი, GE",
        "Head office",
        "Retail services",
        "Mar 14, 2999",
        "Mar 15, 2022",
    ):
        assert text in html


def test_a_past_expiry_is_never_shown_valid(client, db):
    cert = certificate(
        expires_on=date(2024, 3, 14),
        issued_on=date(2021, 3, 15),
        original_issued_on=date(2021, 3, 15),
    )
    html = client.get(f"/verify/{cert.token}").get_data(as_text=True)
    assert STATUS_WORDS["expired"] in html and STATUS_WORDS["active"] not in html
    assert client.get(f"/api/v1/certificates/{cert.number}").json["status"] == "expired"


def test_a_superseded_page_links_to_the_current_revision(client, db):
    old = certificate(state="superseded", **far_future())
    new = certificate(old.organisation, cycle=old.cycle, supersedes=old, revision=1, **far_future())
    html = client.get(f"/verify/{old.token}").get_data(as_text=True)
    assert f"/verify?number={new.number}" in html


def test_a_confidential_certificate_shows_only_number_and_status(client, db):
    cert = certificate(state="active", confidential=True, **far_future())
    html = client.get(f"/verify/{cert.token}").get_data(as_text=True)
    assert cert.number in html and STATUS_WORDS["active"] in html
    assert "Örnek Hizmet" not in html and "Retail services" not in html
    data = client.get(f"/api/v1/certificates/{cert.number}").json
    assert data["number"] == cert.number and data["status"] == "active"
    assert all(data[key] is None for key in data if key not in ("number", "status"))


def test_the_json_has_exactly_the_published_fields(client, db):
    cert = certificate(**far_future())
    data = client.get(f"/api/v1/certificates/{cert.number}").json
    assert set(data) == {
        "number",
        "status",
        "organisation",
        "standard",
        "scheme",
        "scope",
        "sites",
        "issued_on",
        "original_issued_on",
        "expires_on",
        "next_surveillance_due",
        "revision",
        "accreditation",
    }
    assert set(data["organisation"]) == {"name", "english_name", "city", "country"}
    assert set(data["sites"][0]) == {"name", "address", "scope"}
    assert data["next_surveillance_due"] is None


def test_unknown_token_and_number_give_404(client, db):
    response = client.get("/verify/not-a-token")
    assert response.status_code == 404
    assert "does not lead to any certificate" in response.get_data(as_text=True)
    response = client.get("/verify?number=ACB-9999")
    assert response.status_code == 404
    assert "no certificate with the number ACB-9999" in response.get_data(as_text=True)
    response = client.get("/api/v1/certificates/ACB-9999")
    assert response.status_code == 404
    assert response.json == {"error": "No certificate has this number."}


def test_the_lookup_form_needs_no_login(client, db):
    response = client.get("/verify")
    assert response.status_code == 200
    assert 'name="number"' in response.get_data(as_text=True)


def test_rate_limit_per_address(client, db, low_limit):
    cert = certificate(**far_future())
    path = f"/api/v1/certificates/{cert.number}"
    for _ in range(low_limit):
        assert client.get(path).status_code == 200
    refused = client.get(path)
    assert refused.status_code == 429
    assert "Too many look-ups" in refused.json["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = client.get(f"/verify/{cert.token}")
    assert page.status_code == 429 and "Too many look-ups" in page.get_data(as_text=True)
    assert page.headers["Retry-After"]
    # another address is not affected
    assert client.get(path, environ_base=OTHER).status_code == 200


def test_rate_limit_can_be_switched_off(app, client, db):
    app.config["RATE_LIMIT_VERIFY"] = "off"
    try:
        assert all(client.get("/api/v1/certificates/X").status_code == 404 for _ in range(70))
    finally:
        app.config.pop("RATE_LIMIT_VERIFY")


def test_every_lookup_is_logged(client, db, caplog):
    cert = certificate(**far_future())
    caplog.set_level(logging.INFO, logger="certification.verification")
    client.get(f"/api/v1/certificates/{cert.number}", environ_base=OTHER)
    client.get("/api/v1/certificates/ACB-NONE")
    client.get(f"/verify/{cert.token}")
    client.get(f"/verify?number={cert.number}")
    records = [r for r in caplog.records if r.name == "certification.verification"]
    messages = [r.getMessage() for r in records]
    assert len(messages) == 4
    assert "from 192.0.2.7: api" in messages[0] and messages[0].endswith(f"-> {cert.number}")
    assert "'ACB-NONE' -> not found" in messages[1]
    assert "token" in messages[2] and cert.token not in messages[2]  # the token is shortened
    assert "number" in messages[3]
    assert all(abs(r.created - time.time()) < 60 for r in records)  # each with its time


def test_a_suspension_shows_in_the_very_next_lookup(client, db):
    cert = certificate(**far_future())
    path = f"/api/v1/certificates/{cert.number}"
    assert client.get(path).json["status"] == "active"
    cert.state = "suspended"
    db.session.commit()
    assert client.get(path).json["status"] == "suspended"
    html = client.get(f"/verify/{cert.token}").get_data(as_text=True)
    assert STATUS_WORDS["suspended"] in html


def test_the_register_lists_only_active_public_certificates(client, db):
    listed = certificate(
        factories.organisation(legal_name="Işık Lojistik A.Ş.", city="İzmir"), **far_future()
    )
    hidden = certificate(confidential=True, **far_future())
    suspended = certificate(state="suspended", **far_future())
    html = client.get("/register").get_data(as_text=True)
    assert listed.number in html and "Işık Lojistik" in html
    assert hidden.number not in html and suspended.number not in html
    found = client.get("/register?q=ISIK").get_data(as_text=True)
    assert listed.number in found
    nothing = client.get("/register?q=Nowhere").get_data(as_text=True)
    assert "No valid certificate matches" in nothing


def test_the_register_is_paginated(app, client, db):
    for _ in range(app.config["PAGE_SIZE"] + 1):
        certificate(**far_future())
    first = client.get("/register").get_data(as_text=True)
    assert 'rel="next"' in first and 'rel="last"' in first
    last = client.get("/register?last=1").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last


def _today_text() -> str:
    from flask_babel import format_date

    return format_date(date.today(), "medium")
