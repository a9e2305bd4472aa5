"""The public answer of each certificate, ready to send: the look-up reads one row by its key."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from certification.extensions import db


class PublicAnswer(db.Model):
    """What the public may know of one certificate (verification.services.public_view) as JSON,
    rewritten in the same transaction as every change that alters it (verification.answers).

    The status in `answer` is the stored state; the look-up corrects it for today (a certificate
    past its expiry date reads expired before the nightly sweep), which is why the certificate's
    state and `expires_on` sit beside it.
    """

    __tablename__ = "public_answers"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[str] = mapped_column(String(60), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    certificate_state: Mapped[str] = mapped_column(String(20))
    expires_on: Mapped[date]
    superseded_by: Mapped[str | None] = mapped_column(String(60))  # the replacing revision
    answer: Mapped[str] = mapped_column(Text)
