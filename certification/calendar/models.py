"""Each user's private calendar feed, and auditors' unavailable days (leave)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped


class CalendarFeed(Timestamped, db.Model):
    """The secret of /calendar/<token>.ics: whoever has the address reads the feed, so the user
    can revoke it (no feed) or make a new one (the old address stops working)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)

    user = relationship("User")


class Unavailability(Timestamped, db.Model):
    """Days an auditor cannot audit (leave, training, another engagement)."""

    __tablename__ = "unavailability"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="leave_dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User")
