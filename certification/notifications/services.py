"""Writing to the outbox: who gets a message, in which language, with which link.

`enqueue` adds one outbox row (the e-mail) and, for users, one bell notification per recipient,
in the caller's transaction; it never commits. The sender (sender.py) delivers later.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certification.accounts.models import Role, User
from certification.extensions import db
from certification.notifications.events import EVENTS
from certification.notifications.models import (
    ExtraRecipient,
    MutedReminder,
    Notification,
    OutboxMessage,
)


@dataclass(frozen=True)
class Recipient:
    email: str
    locale: str
    user_id: int | None = None
    name: str = ""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    body: str


# -- who -----------------------------------------------------------------------------------------


def language(code: str | None) -> str:
    """The code if the app speaks it (config LANGUAGES, which may grow), else the default."""
    languages = current_app.config["LANGUAGES"]
    return code if code in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def of_users(users) -> list[Recipient]:
    return [
        Recipient(u.email, language(u.locale), u.id, u.name) for u in users if u.active and u.email
    ]


def team(audit) -> list[Recipient]:
    return of_users(member.user for member in audit.team)


def client_people(organisation) -> list[Recipient]:
    """The client's users in their own language, and its extra recipients (no sign-in) in the
    organisation's preferred language."""
    users = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id, User.active.is_(True))
    )
    extras = db.session.scalars(
        select(ExtraRecipient).where(ExtraRecipient.organisation_id == organisation.id)
    )
    contact_language = language(organisation.preferred_language)
    return of_users(users) + [Recipient(e.email, contact_language, None, e.name) for e in extras]


def people_with_role(*roles: Role) -> list[Recipient]:
    users = db.session.scalars(
        select(User).where(User.role.in_([r.value for r in roles]), User.active.is_(True))
    )
    return of_users(users)


def muted(user_ids: list[int], kind: str) -> set[int]:
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(MutedReminder.user_id).where(
                MutedReminder.user_id.in_(user_ids), MutedReminder.kind == kind
            )
        )
    )


# -- links ---------------------------------------------------------------------------------------


def path_for(endpoint: str, **values) -> str:
    """A path inside the app, built without a request (the sender and the CLI have none)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc or "localhost", script_name=base.path or "/")
    return adapter.build(endpoint, values)


def absolute(path: str) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    return f"{base.scheme or 'http'}://{base.netloc}{path}"


# -- writing -------------------------------------------------------------------------------------


def enqueue(
    event: str,
    recipients: list[Recipient],
    params: dict,
    link: tuple[str, dict],
    key: str,
    *,
    organisation_id: int | None = None,
    attachment: Attachment | None = None,
    reminder: str | None = None,
) -> int:
    """Write one message per recipient (and a bell notification for users); returns how many.

    `key` names the cause (an activity-log row, a reminder step): with the recipient's address
    it is unique, so the same cause never gives anyone a second message, however often this
    runs. A recipient who muted the `reminder` kind gets nothing.
    """
    path = path_for(link[0], **link[1])
    silenced = muted([r.user_id for r in recipients if r.user_id], reminder) if reminder else set()
    written = 0
    for recipient in _unique(recipients):
        if recipient.user_id in silenced:
            continue
        message_key = f"{key}:{recipient.email.lower()}"[:200]
        if _known(message_key):
            continue
        message = _message(event, recipient, params, path, message_key, organisation_id)
        if attachment is not None:
            message.attachment_name = attachment.name
            message.attachment_type = attachment.content_type
            message.attachment_body = attachment.body
        if _add(message, recipient, event, params, path):
            written += 1
    return written


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    seen, unique = set(), []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            unique.append(recipient)
    return unique


def _known(key: str) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None


def _add(message: OutboxMessage, recipient: Recipient, event, params, path) -> bool:
    """Insert in a savepoint: a second sender writing the same reminder at the same moment
    hits the unique key, and only this message is left out."""
    try:
        with db.session.begin_nested():
            db.session.add(message)
            if recipient.user_id is not None:
                db.session.add(
                    Notification(user_id=recipient.user_id, event=event, params=params, link=path)
                )
    except IntegrityError:
        return False
    return True


def _message(event, recipient: Recipient, params, path, key, organisation_id) -> OutboxMessage:
    subject, text, html = render_message(event, params, absolute(path), recipient)
    return OutboxMessage(
        key=key,
        event=event,
        recipient_email=recipient.email,
        recipient_user_id=recipient.user_id,
        organisation_id=organisation_id,
        locale=recipient.locale,
        subject=subject[:300],
        text_body=text,
        html_body=html,
    )


def render_message(event: str, params: dict, url: str, recipient: Recipient):
    """(subject, plain text, HTML) in the recipient's language."""
    spec = EVENTS[event]
    with force_locale(recipient.locale):
        subject = spec.subject(params)
        lines = [line for line in spec.lines(params) if line]
        context = dict(
            subject=subject,
            lines=lines,
            url=url,
            name=recipient.name,
            body_name=current_app.config["BODY_NAME"],
            account_url=absolute(path_for("accounts.account")) if recipient.user_id else "",
            locale=recipient.locale,
        )
        text = render_template("notifications/email.txt", **context)
        html = render_template("notifications/email.html", **context)
    return subject, text, html


def subject_of(notification: Notification) -> str:
    """A bell notification's words, in the reader's language (the current locale)."""
    spec = EVENTS.get(notification.event)
    return spec.subject(notification.params) if spec else notification.event
