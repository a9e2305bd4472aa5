"""An accreditation the body holds: from an accreditation body, with a number, a scope (schemes
and IAF sectors) and validity dates; its mark image is printed on the certificates it covers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from certification.extensions import db
from certification.models_base import Timestamped


class Accreditation(Timestamped, db.Model):
    __tablename__ = "accreditations"
    __table_args__ = (
        CheckConstraint(
            "valid_until IS NULL OR valid_until >= valid_from", name="accreditation_dates"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    accreditation_body: Mapped[str] = mapped_column(String(200))  # e.g. TÜRKAK
    number: Mapped[str] = mapped_column(String(60), default="")  # e.g. AB-0123-MS
    schemes: Mapped[list] = mapped_column(JSON, default=list)  # ["iso10002:2018", ...]
    sectors: Mapped[list] = mapped_column(JSON, default=list)  # IAF codes: ["29", "32"]
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    mark_stored_name: Mapped[str | None] = mapped_column(String(64))
    mark_content_type: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def label(self) -> str:
        return f"{self.accreditation_body} {self.number}".strip()
