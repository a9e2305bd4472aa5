"""Create forms sent once: the one-time token of each form shown, kept with what it made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from certification.extensions import db
from certification.models_base import utcnow


class FormSubmission(db.Model):
    """One sending of a create form. The unique key (user, token) lets only the first of two
    identical sendings (a double click, a second tab, a browser's retry) through; the others
    find this row and are shown what the first one made."""

    __tablename__ = "form_submissions"
    __table_args__ = (UniqueConstraint("user_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token: Mapped[str] = mapped_column(String(64))
    form: Mapped[str] = mapped_column(String(40))  # which form: "organisation", "quote", ...
    result_type: Mapped[str] = mapped_column(String(40), default="")
    result_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
