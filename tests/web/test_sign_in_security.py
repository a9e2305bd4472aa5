"""Sign-in protections: throttling, sessions ended server-side, the password policy, TOTP
two-factor sign-in, invitation and reset links."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from certification.accounts import passwords, sealing
from certification.accounts.models import AccountLink, RecoveryCode, Role, User
from certification.notifications.models import OutboxMessage
from certification.settings import services as settings
from tests import factories

NEW_PASSWORD = "violet kettle under ninety lanterns"


def sign_in(client, email: str, password: str, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)


# --- throttling ----------------------------------------------------------------------------


def test_sixty_wrong_passwords_then_the_right_one_is_refused(client, db):
    person = factories.user(Role.PLANNER, email="planner@example.test")
    db.session.commit()
    answers = [sign_in(client, person.email, "wrong password") for _ in range(12)]
    assert all("Email or password is not right." in text(a) for a in answers[:10])
    refused = sign_in(client, person.email, factories.PASSWORD)
    assert refused.status_code == 429
    # 15 minutes from the first failure: 14 when the twelve tries took over a minute (a busy CI).
    assert re.search(r"Too many failed sign-ins: try again in 1[45] minutes\.", text(refused))
    assert client.get("/account").status_code == 302  # not signed in
    # another account from the same address still signs in
    other = factories.user(Role.AUDITOR, email="auditor@example.test")
    db.session.commit()
    assert sign_in(client, other.email, factories.PASSWORD).status_code == 302


def test_failures_are_counted_per_address_too(app, client, db):
    app.config["LOGIN_LIMIT_ADDRESS"] = "3/minute"
    try:
        person = factories.user(Role.PLANNER, email="planner@example.test")
        db.session.commit()
        for n in range(3):
            sign_in(client, f"guess{n}@example.test", "anything at all")
        refused = sign_in(client, person.email, factories.PASSWORD)
        assert refused.status_code == 429 and "Too many failed sign-ins" in text(refused)
        elsewhere = sign_in(
            client, person.email, factories.PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.9"}
        )
        assert elsewhere.status_code == 302
    finally:
        app.config["LOGIN_LIMIT_ADDRESS"] = "50/15 minutes"


def test_an_unknown_email_costs_a_password_hash_like_a_known_one(client, db, monkeypatch):
    checked = []
    real = passwords.check_password_hash
    monkeypatch.setattr(
        passwords, "check_password_hash", lambda h, p: checked.append(h) or real(h, p)
    )
    factories.user(Role.PLANNER, email="known@example.test")
    db.session.commit()
    sign_in(client, "known@example.test", "wrong password")
    sign_in(client, "nobody@example.test", "wrong password")
    assert len(checked) == 2 and checked[1] == passwords._dummy_hash()


# --- sessions end on the server -----------------------------------------------------------


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_logout_stops_working(app, client, db):
    person = factories.user(Role.PLANNER, email="planner@example.test")
    db.session.commit()
    sign_in(client, person.email, factories.PASSWORD)
    copied = session_cookie(client)
    assert client.get("/account").status_code == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/account").status_code == 302  # sent to the login page


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, client, db):
    person = factories.user(Role.PLANNER, email="planner@example.test")
    db.session.commit()
    laptop = app.test_client()
    sign_in(laptop, person.email, factories.PASSWORD)
    sign_in(client, person.email, factories.PASSWORD)
    changed = client.post(
        "/account",
        data={
            "locale": "en",
            "current_password": factories.PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "Your password was changed." in text(changed)
    assert client.get("/account").status_code == 200
    assert laptop.get("/account").status_code == 302


# --- the password policy ------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, refused",
    [
        ("short", "at least 10"),
        ("password123", "too easy to guess"),
        ("1234567890", "too easy to guess"),
        ("qwertyuiop12", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("mehmet.demir", "too easy to guess"),  # the person's own name
        (NEW_PASSWORD, None),
    ],
)
def test_the_password_policy(password, refused, app):
    with app.test_request_context():
        problem = passwords.password_problem(password, ("Mehmet Demir", "mehmet@example.test"))
    assert (problem is None) if refused is None else (refused in problem)


def test_a_weak_new_password_is_refused_on_the_account_page(client, db, login_as):
    person = login_as("planner")
    page = text(
        client.post(
            "/account",
            data={
                "locale": "en",
                "current_password": factories.PASSWORD,
                "new_password": "password123",
                "confirm_password": "password123",
            },
        )
    )
    assert "too easy to guess" in page
    db.session.refresh(person)
    assert person.check_password(factories.PASSWORD)


# --- two-factor sign-in -------------------------------------------------------------------


def enrol(client, db, person) -> list[str]:
    page = text(client.get("/account/two-factor"))
    assert "<svg" in page  # the QR code
    with client.session_transaction() as session:
        kept = session["two_factor_secret"]
    secret = sealing.unseal(kept, client.application.config)
    assert secret in page and secret not in kept  # the cookie is signed, not encrypted
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert "This code is not right" in text(wrong)
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    page = text(done)
    assert "Your recovery codes" in page
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", page)
    assert len(codes) == 10
    db.session.expire_all()
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept as hashes only
    return codes


def test_two_factor_enrolment_then_sign_in_with_a_code_and_a_recovery_code(app, client, db):
    person = factories.user(Role.AUDITOR, email="auditor@example.test")
    db.session.commit()
    sign_in(client, person.email, factories.PASSWORD)
    codes = enrol(client, db, person)
    client.post("/logout")

    fresh = app.test_client()
    step = sign_in(fresh, person.email, factories.PASSWORD)
    assert step.headers["Location"].endswith("/login/code")
    assert fresh.get("/account").status_code == 302  # the password alone signs nobody in
    assert "not right" in text(fresh.post("/login/code", data={"code": "123456"}))
    stored = db.session.get(User, person.id).totp_secret
    assert sealing.is_sealed(stored)  # never in the clear in the database
    secret = sealing.unseal(stored, app.config)
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the enrolment spent this step's code
    assert fresh.post("/login/code", data={"code": code}).status_code == 302
    assert fresh.get("/account").status_code == 200

    again = app.test_client()  # the same code a second time is refused
    sign_in(again, person.email, factories.PASSWORD)
    assert "not right" in text(again.post("/login/code", data={"code": code}))
    assert again.post("/login/code", data={"code": codes[0]}).status_code == 302
    assert again.get("/account").status_code == 200

    spent = app.test_client()  # a recovery code works once
    sign_in(spent, person.email, factories.PASSWORD)
    assert "not right" in text(spent.post("/login/code", data={"code": codes[0]}))


def test_the_setting_sends_committee_members_to_enrol_at_sign_in(client, db):
    settings.put("two_factor_for_staff", True)
    member = factories.user(Role.COMMITTEE, email="committee@example.test")
    planner = factories.user(Role.PLANNER, email="planner@example.test")
    db.session.commit()
    signed = sign_in(client, member.email, factories.PASSWORD, follow_redirects=True)
    assert "Turn on two-factor sign-in" in text(signed)
    assert client.get("/decisions/").headers["Location"].endswith("/account/two-factor")
    client.post("/logout")
    assert sign_in(client, planner.email, factories.PASSWORD).headers["Location"].endswith("/")


def test_a_member_yet_to_enrol_still_gets_json_from_the_public_api(client, db):
    """The public JSON API is open to anyone: a JSON client cannot follow a redirect to a page."""
    settings.put("two_factor_for_staff", True)
    member = factories.user(Role.COMMITTEE, email="committee@example.test")
    db.session.commit()
    sign_in(client, member.email, factories.PASSWORD)
    assert client.get("/decisions/").status_code == 302  # the pages wait for the enrolment
    response = client.get("/api/v1/certificates/NO-SUCH-NUMBER")
    assert response.status_code == 404
    assert response.get_json() == {"error": "No certificate has this number."}


def test_the_admin_turns_the_requirement_on_in_settings(client, db, login_as):
    login_as("admin")
    page = text(client.get("/admin/settings"))
    assert "Administrators and committee members must sign in with a second factor" in page


# --- invitation and reset links -----------------------------------------------------------


def link_from(page: str) -> str:
    start = page.index("http://localhost/account/set-password/")
    return page[start : page.index('"', start)].removeprefix("http://localhost")


def test_a_client_user_is_invited_by_a_link_that_works_once(client, db, login_as):
    login_as("admin")
    organisation = factories.organisation()
    db.session.commit()
    page = text(
        client.post(
            "/admin/users/new",
            data={
                "name": "Zeynep Kaya",
                "email": "zeynep@musteri.example",
                "role": "client",
                "organisation_id": str(organisation.id),
                "locale": "tr",
                "active": "y",
                "password": "",
            },
        )
    )
    assert "Invitation link" in page and "Zeynep Kaya" in page
    path = link_from(page)
    user = db.session.scalar(select(User).where(User.email == "zeynep@musteri.example"))
    assert not user.has_password
    assert path.rsplit("/", 1)[1] not in {
        link.token_hash for link in db.session.scalars(select(AccountLink))
    }  # only the hash is stored

    with client.session_transaction() as session:
        session.clear()
    weak = client.post(path, data={"password": "password123", "confirm": "password123"})
    assert "too easy to guess" in text(weak)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    again = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert again.status_code == 404 and "does not work any more" in text(again)
    assert sign_in(client, "zeynep@musteri.example", NEW_PASSWORD).status_code == 302


def test_a_client_user_cannot_be_given_a_password_by_hand(client, db, login_as):
    login_as("admin")
    organisation = factories.organisation()
    db.session.commit()
    page = text(
        client.post(
            "/admin/users/new",
            data={
                "name": "Zeynep Kaya",
                "email": "zeynep@musteri.example",
                "role": "client",
                "organisation_id": str(organisation.id),
                "locale": "tr",
                "active": "y",
                "password": NEW_PASSWORD,
            },
        )
    )
    assert "choose their own password from an invitation link" in page
    assert db.session.scalar(select(User).where(User.email == "zeynep@musteri.example")) is None


def test_an_expired_link_is_refused(client, db, login_as):
    login_as("admin")
    person = factories.user(Role.CLIENT, email="client@example.test")
    db.session.commit()
    path = link_from(text(client.post(f"/admin/users/{person.id}/link")))
    link = db.session.scalar(select(AccountLink))
    link.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_forgot_password_is_neutral_and_emails_a_reset_link(app, client, db):
    person = factories.user(Role.CLIENT, email="client@example.test")
    admin = factories.user(Role.ADMIN, email="admin@example.test")
    db.session.commit()
    old = app.test_client()
    sign_in(old, person.email, factories.PASSWORD)
    answers = [
        text(client.post("/forgot-password", data={"email": email}, follow_redirects=True))
        for email in ("client@example.test", "nobody@example.test")
    ]
    assert all("If an account has this address" in a for a in answers)
    (message,) = db.session.scalars(select(OutboxMessage)).all()  # nothing for the unknown one
    assert message.recipient_email == person.email and message.event == "password_reset"
    start = message.text_body.index("/account/set-password/")
    path = message.text_body[start:].split()[0]

    sign_in(client, admin.email, factories.PASSWORD)
    users = text(client.get("/admin/users"))
    assert "Asked for a new password" in users and "client@example.test" in users
    client.post("/logout")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert old.get("/portal/").status_code == 302  # the session from before the reset ended
    assert sign_in(client, person.email, NEW_PASSWORD).status_code == 302
    client.post("/logout")
    sign_in(client, admin.email, factories.PASSWORD)
    assert "Asked for a new password" not in text(client.get("/admin/users"))


def test_the_admin_link_is_emailed_too(client, db, login_as):
    login_as("admin")
    person = factories.user(Role.CLIENT, email="client@example.test")
    db.session.commit()
    page = text(client.post(f"/admin/users/{person.id}/link"))
    assert "Password reset link" in page and "We e-mailed this link" in page
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient_email == person.email
    assert link_from(page) in message.text_body  # the same link, on BASE_URL's host
    client.post(f"/admin/users/{person.id}/link")  # a new link: a new message, the old stops
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_forgot_password_requests_are_limited_per_address(app, client, db):
    app.config["LOGIN_LIMIT_ADDRESS"] = "2/minute"
    try:
        for _ in range(2):
            assert client.post("/forgot-password", data={"email": "a@b.test"}).status_code == 302
        refused = client.post("/forgot-password", data={"email": "a@b.test"})
        assert refused.status_code == 429 and "Too many failed sign-ins" in text(refused)
    finally:
        app.config["LOGIN_LIMIT_ADDRESS"] = "50/15 minutes"


def test_an_admin_cannot_set_a_client_users_password_by_hand(client, db, login_as):
    login_as("admin")
    person = factories.user(Role.CLIENT, email="client@example.test")
    db.session.commit()
    page = text(
        client.post(
            f"/admin/users/{person.id}",
            data={
                "name": person.name,
                "email": person.email,
                "role": "client",
                "organisation_id": str(person.organisation_id),
                "locale": "en",
                "active": "y",
                "password": NEW_PASSWORD,
            },
        )
    )
    assert "choose their own password from an invitation link" in page
    db.session.refresh(person)
    assert person.check_password(factories.PASSWORD)


def test_a_secret_no_key_opens_refuses_app_codes_but_not_recovery_codes(app, db):
    from certification.accounts import two_factor

    person = factories.user(Role.ADMIN, email="keys@example.test")
    plain = pyotp.random_base32()
    person.totp_secret = sealing.seal(plain, {"SECRET_KEY": "a key this app does not have"})
    codes = two_factor._new_recovery_codes(person)
    db.session.flush()
    now = datetime.now(UTC)

    assert two_factor.verify(person, pyotp.TOTP(plain).at(now), now) is False
    assert two_factor.verify(person, codes[0], now) is True
