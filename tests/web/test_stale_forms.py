"""A form left open longer than its CSRF token lives: nothing is saved, what was typed comes back
in the user's language with a way to send it again, and an open page can get a fresh token."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from certification.quotes.models import Quote
from tests import factories

TYPED = "Reise inklusive — ölçüm «да» ğ"


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    return app


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def once_of(page: str) -> str:
    return re.search(r'name="once"[^>]*value="([^"]+)"', page).group(1)


def quote_form(client, login_as, locale="en"):
    login_as(factories.user("planner", locale=locale))
    application = factories.application(
        factories.organisation(effective_personnel=40),
        state="approved",
        competence_confirmed=True,
        reviewed_by_id=factories.user("planner").id,
        reviewed_at=datetime.now(UTC),
    )
    factories.db.session.commit()
    page = text(client.get(f"/quotes/new/{application.id}"))
    data = {
        "csrf_token": token_of(page),
        "once": once_of(page),
        "adjust_percent": "0",
        "justification": "",
        "currency": "EUR",
        "notes": TYPED,
    }
    return application, data


def quotes(db) -> int:
    return db.session.scalar(select(func.count(Quote.id)))


def test_an_expired_token_keeps_what_was_typed_and_sends_it_again(
    csrf_on, client, db, login_as, monkeypatch
):
    application, data = quote_form(client, login_as)
    monkeypatch.setitem(csrf_on.config, "WTF_CSRF_TIME_LIMIT", -1)  # the hour has passed
    response = client.post(f"/quotes/new/{application.id}", data=data)
    page = text(response)
    assert response.status_code == 400 and "Bad Request" not in page
    assert "This page was open too long" in page and "nothing was saved" in page
    assert TYPED in unescape(page)
    assert quotes(db) == 0  # nothing saved

    monkeypatch.setitem(csrf_on.config, "WTF_CSRF_TIME_LIMIT", 3600)
    resend = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page))
    resend |= {
        name: unescape(value)
        for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page)
    }
    assert resend["once"] == data["once"] and resend["csrf_token"]
    assert resend["notes"] == TYPED
    sent = client.post(f"/quotes/new/{application.id}", data=resend, follow_redirects=True)
    assert "was prepared as a draft" in text(sent)
    assert db.session.scalar(select(Quote.notes)) == TYPED


def test_the_message_is_in_the_users_language(csrf_on, client, db, login_as, monkeypatch):
    application, data = quote_form(client, login_as, locale="tr")
    monkeypatch.setitem(csrf_on.config, "WTF_CSRF_TIME_LIMIT", -1)
    page = text(client.post(f"/quotes/new/{application.id}", data=data))
    assert "Bu sayfa çok uzun süre açık kaldı" in page and "Yeniden gönder" in page


def test_a_token_of_another_session_gets_no_send_again(csrf_on, app, client, db, login_as):
    application, data = quote_form(client, login_as)
    # signed by this app, for another session (an attacker's own page gives such a token)
    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    data["csrf_token"] = serializer.dumps("f" * 40)
    page = text(client.post(f"/quotes/new/{application.id}", data=data))
    assert "This page was open too long" in page
    assert "Send again" not in page and TYPED not in unescape(page)
    assert quotes(db) == 0


def test_an_open_page_gets_a_fresh_token_that_is_accepted(
    csrf_on, client, db, login_as, monkeypatch
):
    application, data = quote_form(client, login_as)
    response = client.get("/csrf-token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    fresh = response.get_json()["csrf_token"]
    sent = client.post(
        f"/quotes/new/{application.id}", data=data | {"csrf_token": fresh}, follow_redirects=True
    )
    assert "was prepared as a draft" in text(sent)


def test_a_script_gets_json_with_a_fresh_token(csrf_on, client, db, login_as, monkeypatch):
    application, data = quote_form(client, login_as)
    monkeypatch.setitem(csrf_on.config, "WTF_CSRF_TIME_LIMIT", -1)
    response = client.post(
        f"/quotes/new/{application.id}", data=data, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "csrf" and body["csrf_token"] and "open too long" in body["message"]


def test_a_token_refresh_in_flight_during_sign_in_cannot_undo_it(csrf_on, app, client, db):
    """The login page's script asks for a fresh token while the person signs in: that request
    carries the cookie of before the sign-in, so its answer must not send a session cookie back
    (arriving after the sign-in's, it would replace it and sign the person out). It did: loading
    the user marked the anonymous session, which was then saved again."""
    person = factories.user("planner")
    db.session.commit()
    login_page = client.get("/login")
    before = client.get_cookie("session").value  # the login page's session: its form token
    signed = client.post(
        "/login",
        data={
            "email": person.email,
            "password": factories.PASSWORD,
            "csrf_token": token_of(text(login_page)),
        },
    )
    assert signed.status_code == 302 and client.get_cookie("session").value != before

    late = app.test_client()  # the refresh, sent with the cookie of before the sign-in
    late.set_cookie("session", before)
    refreshed = late.get("/csrf-token")
    assert refreshed.status_code == 200 and refreshed.get_json()["csrf_token"]
    assert "Set-Cookie" not in refreshed.headers
    assert client.get("/home/").status_code == 200  # still signed in


def test_every_page_names_where_app_js_gets_a_fresh_token(client, db):
    assert 'data-csrf-url="/csrf-token"' in text(client.get("/login"))


def test_kept_fields_carry_the_labels_the_user_saw_in_their_language(
    csrf_on, client, db, login_as, monkeypatch
):
    application, data = quote_form(client, login_as, locale="tr")
    monkeypatch.setitem(csrf_on.config, "WTF_CSRF_TIME_LIMIT", -1)
    page = unescape(text(client.post(f"/quotes/new/{application.id}", data=data)))
    labels = re.findall(r'<label for="kept-\d+">([^<]*)</label>', page)
    assert "Müşteriye notlar" in labels  # the quote form's "Notes for the client"
    assert "notes" not in labels and "justification" not in labels


@pytest.mark.parametrize(
    ("life", "every"), [(3600, 1_200_000), (3, 1000), (1, 1000), (None, 1_200_000)]
)
def test_an_open_page_refreshes_its_token_every_third_of_its_life(
    app, client, db, monkeypatch, life, every
):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", life)
    assert f'data-csrf-refresh-ms="{every}"' in text(client.get("/login"))
