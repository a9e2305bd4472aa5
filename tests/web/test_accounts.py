"""Signing in, and each user's own account page: password and language."""

from __future__ import annotations

import flask_babel
import pytest
from flask import g
from sqlalchemy import select

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from tests import factories

NEW_PASSWORD = "another long secret"


def fresh_request_state() -> None:
    """The tests' app context outlives requests, so forget what `g` cached (user, locale)."""
    flask_babel.refresh()
    g.pop("_login_user", None)


def sign_in(client, email: str, password: str):
    fresh_request_state()
    return client.post("/login", data={"email": email, "password": password})


def account_form(**overrides) -> dict:
    data = {"locale": "en", "current_password": "", "new_password": "", "confirm_password": ""}
    return data | overrides


def test_sign_in_and_wrong_password(client, db):
    person = factories.user(Role.PLANNER, email="planner@example.com")
    db.session.commit()
    page = sign_in(client, "planner@example.com", "not the password").get_data(as_text=True)
    assert "Email or password is not right." in page
    assert sign_in(client, "Planner@Example.com", factories.PASSWORD).status_code == 302
    assert person.name in client.get("/account").get_data(as_text=True)


def test_demo_style_test_domain_addresses_can_sign_in(client, db):
    """Demo accounts use the reserved .test domain; sign-in must not refuse its format."""
    factories.user(Role.ADMIN, email="admin@demo.test")
    db.session.commit()
    assert sign_in(client, "admin@demo.test", factories.PASSWORD).status_code == 302


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_an_account_page(client, login_as, role):
    person = login_as(role)
    page = client.get("/account").get_data(as_text=True)
    assert person.email in page and "Change my password" in page


def test_account_page_needs_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_current_password_is_refused(client, db, login_as):
    person = login_as("auditor")
    data = account_form(
        current_password="not my password", new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD
    )
    page = client.post("/account", data=data).get_data(as_text=True)
    assert "The current password is not right." in page
    db.session.refresh(person)
    assert person.check_password(factories.PASSWORD)


@pytest.mark.parametrize(
    "new, confirm, message",
    [
        ("short", "short", "at least 10 characters"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords differ."),
    ],
)
def test_bad_new_password_is_refused(client, db, login_as, new, confirm, message):
    person = login_as("committee")
    data = account_form(
        current_password=factories.PASSWORD, new_password=new, confirm_password=confirm
    )
    assert message in client.post("/account", data=data).get_data(as_text=True)
    db.session.refresh(person)
    assert person.check_password(factories.PASSWORD)


def test_password_change_then_sign_in_with_the_new_one(client, db, login_as):
    person = login_as("client", email="client@example.com")
    data = account_form(
        current_password=factories.PASSWORD,
        new_password=NEW_PASSWORD,
        confirm_password=NEW_PASSWORD,
    )
    page = client.post("/account", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Your password was changed." in page
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "password_changed"))
    assert entry.actor_id == person.id and NEW_PASSWORD not in entry.reason
    client.post("/logout")
    page = sign_in(client, "client@example.com", factories.PASSWORD).get_data(as_text=True)
    assert "Email or password is not right." in page
    assert sign_in(client, "client@example.com", NEW_PASSWORD).status_code == 302


def test_language_choice_persists_for_later_pages_and_sessions(app, client, db, login_as):
    person = login_as("planner", email="dil@example.com")
    assert '<html lang="en" dir="ltr">' in client.get("/account").get_data(as_text=True)
    client.post("/account", data=account_form(locale="tr"))
    fresh_request_state()
    assert '<html lang="tr" dir="ltr">' in client.get("/account").get_data(as_text=True)
    db.session.refresh(person)
    assert person.locale == "tr"
    other_browser = app.test_client()
    sign_in(other_browser, "dil@example.com", factories.PASSWORD)
    assert '<html lang="tr" dir="ltr">' in other_browser.get("/account").get_data(as_text=True)


def test_language_switch_in_the_header_still_works(client, db, login_as):
    person = login_as("auditor")
    client.post("/language", data={"locale": "tr"})
    db.session.refresh(person)
    assert person.locale == "tr"
