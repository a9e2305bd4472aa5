"""Delivering the outbox by SMTP: claim, send, record; retry with back-off; never twice.

A sender first claims rows with a conditional UPDATE (state pending -> sending, only if still
pending), choosing candidates with FOR UPDATE SKIP LOCKED on PostgreSQL, so two senders running
at once never take the same message. A claimed row is marked sent right after the server took
it. A row left "sending" by a sender that stopped midway is not sent again automatically (it
may have arrived): it is marked failed for the admin to look at and retry.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from certification.extensions import db
from certification.models_base import utcnow
from certification.notifications import rules
from certification.notifications.models import MessageState, OutboxMessage

BATCH = 50


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    stale: int = 0
    errors: list[str] = field(default_factory=list)


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_pending(now: datetime | None = None, limit: int = 500) -> SendResult:
    """Deliver what is due now, in batches; each message's outcome is committed at once."""
    now = now or utcnow()
    result = SendResult(stale=release_stale(now))
    worker = uuid.uuid4().hex
    while result.sent + result.retrying + result.failed < limit:
        claimed = claim(worker, now, min(BATCH, limit))
        if not claimed:
            break
        _deliver(claimed, now, result)
    return result


def release_stale(now: datetime) -> int:
    """Rows a stopped sender left claimed: failed, with the reason, for the admin."""
    stale = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.state == MessageState.SENDING.value,
            OutboxMessage.claimed_at < rules.stale_before(now),
        )
        .values(
            state=MessageState.FAILED.value,
            last_error="The sender stopped while sending this message; it was not sent again "
            "automatically, so that it cannot arrive twice. Retry it if it did not arrive.",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return stale or 0


def claim(worker: str, now: datetime, limit: int) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this sender alone."""
    candidates = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.state == MessageState.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.commit()
        return []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.state == MessageState.PENDING.value)
        .values(state=MessageState.SENDING.value, claimed_by=worker, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.claimed_by == worker,
                OutboxMessage.state == MessageState.SENDING.value,
            )
            .order_by(OutboxMessage.id)
        )
    )


def _deliver(messages: list[OutboxMessage], now: datetime, result: SendResult) -> None:
    try:
        connection = connect()
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            _failed(message, _code(error), _describe(error), now, result)
        return
    try:
        for message in messages:
            if connection is None:  # the server went away and did not come back: try later
                _failed(message, None, "SMTPServerDisconnected", now, result)
                continue
            try:
                connection.send_message(build_email(message))
            except smtplib.SMTPServerDisconnected as error:
                _failed(message, None, _describe(error), now, result)
                connection = _reconnect()
            except (OSError, smtplib.SMTPException) as error:
                _failed(message, _code(error), _describe(error), now, result)
            else:
                message.state, message.sent_at = MessageState.SENT.value, utcnow()
                message.attempts += 1
                message.last_error = ""
                db.session.commit()
                result.sent += 1
    finally:
        try:
            if connection is not None:
                connection.quit()
        except (OSError, smtplib.SMTPException):
            pass


def _reconnect() -> smtplib.SMTP | None:
    try:
        return connect()
    except (OSError, smtplib.SMTPException):
        return None


def _failed(message, code, text, now, result: SendResult) -> None:
    message.attempts += 1
    message.state, message.next_attempt_at = rules.after_failure(message.attempts, code, now)
    message.last_error = text[:2000]
    db.session.commit()
    if message.state == MessageState.FAILED.value:
        result.failed += 1
    else:
        result.retrying += 1
    result.errors.append(f"{message.recipient_email}: {text}")


def _code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return max(codes) if codes else None
    return getattr(error, "smtp_code", None)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def connect() -> smtplib.SMTP:
    config = current_app.config
    connection = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30)
    if config.get("MAIL_USE_TLS"):
        connection.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return connection


def build_email(message: OutboxMessage) -> EmailMessage:
    """Plain text with an HTML alternative, and the attachment (a calendar file) if any."""
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = formataddr((config["BODY_NAME"], config["MAIL_FROM"]))
    email["To"] = message.recipient_email
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
    email["Content-Language"] = message.locale
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    if message.attachment_body:
        maintype, _slash, subtype = message.attachment_type.partition("/")
        email.add_attachment(
            message.attachment_body.encode("utf-8"),
            maintype=maintype,
            subtype=subtype,
            filename=message.attachment_name,
        )
    return email


def retry(message: OutboxMessage, now: datetime | None = None) -> None:
    """The admin sends a failed message again (one more attempt, now)."""
    if message.state != MessageState.FAILED.value:
        raise ValueError(_("Only a failed message can be sent again."))
    message.state = MessageState.PENDING.value
    message.next_attempt_at = now or utcnow()
    message.claimed_by, message.claimed_at = "", None
    db.session.flush()
