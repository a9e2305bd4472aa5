"""The bell, the admin's outbox, each user's reminder choices and the client's extra recipients."""

from __future__ import annotations

import re

from sqlalchemy import select

from certification.notifications.models import (
    ExtraRecipient,
    MutedReminder,
    Notification,
    OutboxMessage,
)
from tests import factories


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def notify(user, event="quote_sent", **params):
    values = {"number": "Q-2026-00042", "organisation": "X", "total": "1 EUR", "valid_until": None}
    row = Notification(user_id=user.id, event=event, params={**values, **params}, link="/home/")
    factories._add(row)
    return row


def test_the_bell_counts_unread_and_lists_them_in_the_readers_language(client, db, login_as):
    user = login_as("client", locale="tr")
    notify(user)
    notify(user, number="Q-2026-00043")
    db.session.commit()
    page = page_text(client.get("/home/"))
    assert 'class="bell-count">2<' in page and "2 okunmamış bildirim" in page
    listed = page_text(client.get("/notifications/"))
    assert "Teklif Q-2026-00042 yanıtınızı bekliyor" in listed


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, db, login_as):
    user = login_as("planner")
    row = notify(user)
    db.session.commit()
    response = client.post(f"/notifications/{row.id}/open")
    assert response.headers["Location"] == "/home/"
    db.session.refresh(row)
    assert row.read_at is not None
    assert "bell-count" not in page_text(client.get("/home/"))


def test_someone_elses_notification_cannot_be_opened(client, db, login_as):
    row = notify(factories.user("planner"))
    login_as("planner")
    assert client.post(f"/notifications/{row.id}/open").status_code == 404
    db.session.refresh(row)
    assert row.read_at is None


def test_mark_all_read(client, db, login_as):
    user = login_as("auditor")
    notify(user)
    notify(user)
    db.session.commit()
    client.post("/notifications/read")
    unread = db.session.scalars(select(Notification).where(Notification.read_at.is_(None))).all()
    assert unread == []


def test_the_admin_sees_failures_and_sends_one_again(client, db, login_as):
    message = factories._add(
        OutboxMessage(
            key="k1",
            event="quote_sent",
            recipient_email="a@refused.example.test",
            locale="en",
            subject="Quote Q-1",
            text_body="t",
            html_body="h",
            state="failed",
            attempts=1,
            last_error="550 No such mailbox here",
        )
    )
    login_as("admin")
    home = page_text(client.get("/home/"))
    assert re.search(r'tile-count">1</span> <span class="tile-label">e-mails that failed', home)
    outbox = page_text(client.get("/notifications/outbox?state=failed"))
    assert "a@refused.example.test" in outbox and "550 No such mailbox here" in outbox
    assert "No mail server is configured" in outbox
    client.post(f"/notifications/outbox/{message.id}/retry")
    db.session.refresh(message)
    assert message.state == "pending"


def test_each_user_chooses_their_reminders_on_the_account_page(client, db, login_as):
    user = login_as("planner")
    page = page_text(client.get("/account"))
    assert "Audits to schedule, before their due date" in page
    assert "My audits, a week before they start" not in page  # an auditor's reminder
    client.post("/notifications/reminders", data={"kind": ["audit_due", "suspension_limit"]})
    muted = db.session.scalars(
        select(MutedReminder.kind).where(MutedReminder.user_id == user.id)
    ).all()
    assert muted == ["certificate_expiring"]
    client.post(
        "/notifications/reminders",
        data={"kind": ["audit_due", "certificate_expiring", "suspension_limit"]},
    )
    assert db.session.scalars(select(MutedReminder)).all() == []


def test_a_client_adds_and_removes_an_extra_recipient(client, db, login_as):
    user = login_as("client")
    response = client.post(
        "/notifications/recipients", data={"email": "Kalite@Client.example.test", "name": "Ayla"}
    )
    assert response.status_code == 302
    (extra,) = db.session.scalars(select(ExtraRecipient)).all()
    assert extra.email == "kalite@client.example.test"
    assert extra.organisation_id == user.organisation_id
    again = client.post("/notifications/recipients", data={"email": "kalite@client.example.test"})
    assert again.status_code == 400 and "already gets our e-mails" in page_text(again)
    bad = client.post("/notifications/recipients", data={"email": "not an address"})
    assert bad.status_code == 400
    client.post(f"/notifications/recipients/{extra.id}/remove")
    assert db.session.scalars(select(ExtraRecipient)).all() == []


def test_a_client_cannot_remove_another_clients_recipient(client, db, login_as):
    other = factories.organisation()
    extra = factories._add(ExtraRecipient(organisation_id=other.id, email="q@other.example.test"))
    login_as("client")
    assert client.post(f"/notifications/recipients/{extra.id}/remove").status_code == 404
    assert db.session.get(ExtraRecipient, extra.id) is not None


def outbox_messages(count: int) -> list:
    made = []
    for n in range(count):
        made.append(
            factories._add(
                OutboxMessage(
                    key=f"list-{n}",
                    event="quote_sent",
                    recipient_email=f"person{n:02d}@client{n % 3}.example.test",
                    locale="en",
                    subject=f"Quote Q-{n:02d}",
                    text_body="t",
                    html_body="h",
                    state="failed" if n % 4 == 0 else "pending",
                )
            )
        )
    factories.db.session.commit()
    return made


def outbox_rows(client, url: str) -> list[str]:
    """The subjects shown, reading every page forwards."""
    from tests.paging import link

    page = client.get(url).get_data(as_text=True)
    shown = re.findall(r"Quote Q-\d\d", page)
    while 'rel="next"' in page:
        page = client.get(link(page, "next")).get_data(as_text=True)
        shown += re.findall(r"Quote Q-\d\d", page)
    return shown


def test_the_outbox_pages_by_key_newest_first_and_is_searched_and_sorted(client, db, login_as):
    outbox_messages(45)
    login_as("admin")
    assert outbox_rows(client, "/notifications/outbox") == [
        f"Quote Q-{n:02d}" for n in reversed(range(45))
    ]
    by_recipient = outbox_rows(client, "/notifications/outbox?sort=to")
    assert by_recipient == [f"Quote Q-{n:02d}" for n in range(45)]  # person00 ... person44
    found = outbox_rows(client, "/notifications/outbox?q=CLIENT1.example")  # case folded
    assert found == [f"Quote Q-{n:02d}" for n in reversed(range(45)) if n % 3 == 1]
    failed = outbox_rows(client, "/notifications/outbox?state=failed&q=Q-0")
    assert failed == ["Quote Q-08", "Quote Q-04", "Quote Q-00"]
    assert outbox_rows(client, "/notifications/outbox?q=%25_") == []  # wildcards found as text


def test_the_bell_list_pages_by_key_newest_first(app, client, db, login_as):
    from tests.paging import link

    user = login_as("planner")
    for n in range(app.config["PAGE_SIZE"] + 5):
        factories._add(
            Notification(
                user_id=user.id, event="quote_sent", params={"number": f"Q-{n:02d}"}, link="/"
            )
        )
    db.session.commit()
    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get(link(first, "next")).get_data(as_text=True)
    assert "Q-24" in first and "Q-05" in first and "Q-04" not in first
    assert "Q-04" in second and "Q-00" in second and "Q-24" not in second
