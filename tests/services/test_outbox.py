"""The outbox: written with the change that caused it, delivered to a real SMTP server on
127.0.0.1, retried with back-off, never sent twice; reminders that do not repeat."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from certification.extensions import db as _db
from certification.models_base import utcnow
from certification.notifications import sender
from certification.notifications.models import (
    ExtraRecipient,
    MutedReminder,
    Notification,
    OutboxMessage,
)
from certification.notifications.reminders import send_reminders
from certification.quotes.services import issue_quote
from tests import factories
from tests.smtp import html_of, text_of

TODAY = factories.today()


def draft_quote(org=None, **client):
    org = org or factories.organisation(legal_name="Posta Müşterisi A.Ş.", preferred_language="tr")
    planner = factories.user("planner")
    application = factories.application(
        org, state="approved", reviewed_by_id=planner.id, reviewed_at=factories.now()
    )
    user = factories.user("client", organisation=org, **client)
    return planner, user, factories.quote(application, state="draft")


def messages():
    _db.session.expire_all()
    return list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_message_is_written_with_the_change_and_forgotten_with_its_rollback(db):
    planner, _user, quote = draft_quote()
    db.session.commit()
    issue_quote(planner, quote, TODAY)
    db.session.rollback()
    assert messages() == []
    issue_quote(planner, db.session.get(type(quote), quote.id), TODAY)
    db.session.commit()
    (message,) = messages()
    assert message.event == "quote_sent" and message.state == "pending"
    assert quote.number in message.subject


def test_each_recipient_reads_their_own_language(db):
    org = factories.organisation(legal_name="Dil Müşterisi A.Ş.", preferred_language="tr")
    planner, user, quote = draft_quote(org, locale="en", email="en.user@client.example.test")
    db.session.add(ExtraRecipient(organisation_id=org.id, email="kalite@client.example.test"))
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    by_address = {m.recipient_email: m for m in messages()}
    assert by_address["en.user@client.example.test"].subject.startswith("Quote ")
    turkish = by_address["kalite@client.example.test"]
    assert turkish.locale == "tr" and turkish.subject.startswith("Teklif ")
    # the user gets a bell notification too; the extra recipient has no sign-in, so none
    (notification,) = db.session.scalars(select(Notification)).all()
    assert notification.user_id == user.id and notification.link == f"/quotes/{quote.id}"


def test_a_language_the_app_does_not_speak_falls_back_to_the_default(db):
    planner, _user, quote = draft_quote(locale="xx")
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    assert messages()[0].locale == "en"


def test_delivered_to_the_smtp_server_with_text_html_and_an_absolute_link(db, app, mailbox):
    planner, user, quote = draft_quote(locale="en")
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    result = sender.send_pending()
    assert (result.sent, result.failed) == (1, 0)
    (email,) = mailbox.to(user.email)
    assert email["Subject"] == f"Quote {quote.number} is waiting for your answer"
    link = f"{app.config['BASE_URL']}/quotes/{quote.id}"
    assert link in text_of(email) and f'href="{link}"' in html_of(email)
    assert messages()[0].state == "sent" and messages()[0].sent_at is not None


def test_sending_twice_delivers_once(db, mailbox):
    planner, user, quote = draft_quote()
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    sender.send_pending()
    again = sender.send_pending()
    assert again.sent == 0 and len(mailbox.to(user.email)) == 1


def test_a_claimed_message_is_not_claimed_again(db):
    planner, _user, quote = draft_quote()
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    first = sender.claim("sender-a", utcnow(), 10)
    second = sender.claim("sender-b", utcnow(), 10)
    assert len(first) == 1 and second == []


def test_a_temporary_refusal_is_retried_later_a_permanent_one_is_not(db, mailbox):
    org = factories.organisation()
    planner, _user, quote = draft_quote(org, email="someone@busy.example.test")
    factories.user("client", organisation=org, email="nobody@refused.example.test")
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    now = utcnow()
    result = sender.send_pending(now)
    assert (result.sent, result.retrying, result.failed) == (0, 1, 1)
    by_address = {m.recipient_email: m for m in messages()}
    busy = by_address["someone@busy.example.test"]
    assert busy.state == "pending" and busy.attempts == 1 and "451" in busy.last_error
    assert abs(
        (busy.next_attempt_at.replace(tzinfo=None) - now.replace(tzinfo=None))
        - timedelta(minutes=5)
    ) < timedelta(seconds=1)
    refused = by_address["nobody@refused.example.test"]
    assert refused.state == "failed" and "550" in refused.last_error
    # not due yet: the next run leaves it alone; after the wait it is tried again
    assert sender.send_pending(now).retrying == 0
    later = sender.send_pending(now + timedelta(minutes=6))
    assert later.retrying == 1 and messages()[0].attempts + messages()[1].attempts == 3


def test_after_five_attempts_the_message_fails_and_the_admin_can_retry(db, mailbox):
    planner, _user, quote = draft_quote(email="again@busy.example.test")
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    now = utcnow()
    for hours in range(5):
        sender.send_pending(now + timedelta(hours=hours * 7))
    (message,) = messages()
    assert message.state == "failed" and message.attempts == 5
    sender.retry(message)
    db.session.commit()
    assert messages()[0].state == "pending"


def test_a_message_left_claimed_by_a_stopped_sender_is_failed_not_resent(db, mailbox):
    planner, user, quote = draft_quote()
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    (claimed,) = sender.claim("crashed", utcnow(), 10)
    claimed.claimed_at = utcnow() - timedelta(hours=1)  # ... and its sender never came back
    db.session.commit()
    result = sender.send_pending()
    assert result.stale == 1 and result.sent == 0
    assert mailbox.to(user.email) == []
    assert messages()[0].state == "failed" and "stopped" in messages()[0].last_error


def test_with_no_mail_server_messages_wait_in_the_outbox(db, app):
    planner, _user, quote = draft_quote()
    issue_quote(planner, quote, TODAY)
    db.session.commit()
    assert app.config["MAIL_SERVER"] == "" and not sender.configured()
    assert messages()[0].state == "pending"


def planned_audit_due(days: int):
    cycle = factories.cycle()
    return factories.audit(
        cycle, kind="surveillance1", state="planned", due_by=TODAY + timedelta(days=days)
    )


def test_reminders_are_written_once_per_step(db):
    planner = factories.user("planner")
    audit = planned_audit_due(25)
    db.session.commit()
    assert send_reminders(TODAY) == 1
    db.session.commit()
    assert send_reminders(TODAY) == 0  # the same day again: nothing new
    assert send_reminders(TODAY + timedelta(days=1)) == 0  # still in the 30-day window
    assert send_reminders(TODAY + timedelta(days=20)) == 1  # entered the 7-day window
    assert send_reminders(TODAY + timedelta(days=26)) == 1  # now overdue
    db.session.commit()
    subjects = [m.subject for m in messages()]
    assert (
        subjects
        == [f"Reminder: schedule the Surveillance 1 of {audit.organisation.legal_name}"] * 3
    )
    assert all(m.recipient_email == planner.email for m in messages())


def test_a_muted_reminder_is_not_sent(db):
    planner = factories.user("planner")
    db.session.add(MutedReminder(user_id=planner.id, kind="audit_due"))
    planned_audit_due(5)
    db.session.commit()
    assert send_reminders(TODAY) == 0


def test_the_send_command_twice_sends_nothing_new(db, app, mailbox):
    planner = factories.user("planner")
    planned_audit_due(3)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notifications", "send", "--today", TODAY.isoformat()])
    second = runner.invoke(args=["notifications", "send", "--today", TODAY.isoformat()])
    assert "1 new message(s)" in first.output and "Sent 1" in first.output
    assert "0 new message(s)" in second.output and "Sent 0" in second.output
    assert len(mailbox.to(planner.email)) == 1


def test_two_senders_at_once_deliver_each_message_once(db, app, mailbox):
    """On PostgreSQL, two senders in two threads claim with FOR UPDATE SKIP LOCKED and the
    conditional UPDATE: every message arrives exactly once."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite in memory has one connection; the race needs PostgreSQL")
    org = factories.organisation()
    planner = factories.user("planner")
    for n in range(30):
        factories.user("client", organisation=org, email=f"c{n}@many.example.test")
    application = factories.application(
        org, state="approved", reviewed_by_id=planner.id, reviewed_at=factories.now()
    )
    issue_quote(planner, factories.quote(application, state="draft"), TODAY)
    db.session.commit()
    results, barrier = [], threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            results.append(sender.send_pending())
            _db.session.remove()

    threads = [threading.Thread(target=run) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.sent for r in results) == 30
    addresses = sorted(m["To"] for m in mailbox.messages)
    assert addresses == sorted(f"c{n}@many.example.test" for n in range(30))
    sent = db.session.scalar(select(func.count()).where(OutboxMessage.state == "sent"))
    assert sent == 30


def test_an_invitation_link_goes_by_email_once(db, mailbox):
    """The function issue #9b's invitations and password resets call."""
    from certification.notifications.announce import account_link

    user = factories.user("client", email="new.user@client.example.test", locale="tr")
    url = "http://127.0.0.1:5000/invitations/abc123"
    assert account_link(user, "invitation", url, factories.now() + timedelta(days=7), "t1") == 1
    assert account_link(user, "invitation", url, None, "t1") == 0  # the same link: not again
    db.session.commit()
    sender.send_pending()
    (email,) = mailbox.to(user.email)
    assert email["Subject"] == "Hesabınız hazır: parolanızı seçin"
    assert url in text_of(email)
