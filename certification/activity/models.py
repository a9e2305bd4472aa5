"""The activity log: who did what, when, from which state to which, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import utcnow


class ActivityLog(db.Model):
    """One row per thing done. Read by subject (a certificate's history) and by organisation
    (its timeline, newest first): both have an index, so a page reads only its own rows."""

    __tablename__ = "activity_log"
    __table_args__ = (
        Index("ix_activity_log_subject", "subject_type", "subject_id"),
        # The sweep's flags, found by their code (home.planning.flagged_clause).
        Index("ix_activity_log_action", "action", "subject_type", "subject_id"),
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
    # Text a person typed (the reason they gave), kept as written.
    reason: Mapped[str] = mapped_column(Text, default="")
    # What else happened, as data worded at read time in the reader's language
    # (activity/notes.py); None on rows written before it existed, whose reason holds a sentence.
    params: Mapped[dict | None] = mapped_column(JSON)
    # Rows of one checklist's detail work (grades, evidence files) share a key: the audit, the
    # day and the action; a timeline shows them as one entry (organisations/timeline.py).
    group_key: Mapped[str | None] = mapped_column(String(60))

    @property
    def text(self) -> str:
        """What the row says beyond its action, in the reader's language."""
        from certification.activity.notes import text

        return text(self)

    actor = relationship("User")
