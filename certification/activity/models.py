"""The activity log: who did what, when, from which state to which, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import utcnow


class ActivityLog(db.Model):
    """One row per thing done. Read by subject (a certificate's history) and by organisation
    (its timeline, newest first): both have an index, so a page reads only its own rows."""

    __tablename__ = "activity_log"
    __table_args__ = (
        Index("ix_activity_log_subject", "subject_type", "subject_id"),
        Index("ix_activity_log_organisation_at", "organisation_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Rows about an organisation itself carry its id here too (activity.services.record).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")

    actor = relationship("User")
