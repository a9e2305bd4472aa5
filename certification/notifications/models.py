"""The outbox of e-mails, each user's in-app notifications, muted reminders, extra recipients.

An outbox row is written in the same transaction as the change that caused it (see hooks.py);
the sender (sender.py) delivers it later, with retries, and never twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped, utcnow


class MessageState(StrEnum):
    PENDING = "pending"  # waiting for the sender (or for its next attempt)
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    FAILED = "failed"  # given up: the admin sees it and may retry

    @property
    def label(self) -> str:
        return str(
            {
                MessageState.PENDING: _l("Waiting"),
                MessageState.SENDING: _l("Being sent"),
                MessageState.SENT: _l("Sent"),
                MessageState.FAILED: _l("Failed"),
            }[self]
        )


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Unique: one event (or one reminder step) gives one message per recipient, never two.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    event: Mapped[str] = mapped_column(String(60))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str] = mapped_column(String(120), default="")
    attachment_type: Mapped[str] = mapped_column(String(100), default="")
    attachment_body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=MessageState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(40), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")

    recipient = relationship("User")

    @property
    def state_enum(self) -> MessageState:
        return MessageState(self.state)


class Notification(db.Model):
    """The bell: what happened, as data (event and values), shown in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(500), default="")  # a path inside the app
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MutedReminder(db.Model):
    """A reminder kind a user chose not to receive (every kind is on until muted)."""

    __tablename__ = "muted_reminders"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class ExtraRecipient(Timestamped, db.Model):
    """Someone at the client who gets its e-mails without a sign-in (its quality manager)."""

    __tablename__ = "extra_recipients"
    __table_args__ = (UniqueConstraint("organisation_id", "email", name="one_address_per_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation = relationship("Organisation")
