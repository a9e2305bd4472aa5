"""Impartiality records (17021-1 5.2, 5.3): the risk register, the yearly review by the
impartiality committee with its minutes, and each person's yearly declaration."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped

THREATS = {
    "self_interest": _l("Self-interest"),
    "self_review": _l("Self-review"),
    "familiarity": _l("Familiarity (or trust)"),
    "intimidation": _l("Intimidation"),
    "advocacy": _l("Advocacy"),
    "management": _l("Management (the body's own interests)"),
    "other": _l("Other"),
}
SOURCES = {
    "client": _l("A client"),
    "person": _l("A person of the body"),
    "relation": _l("A relation (ownership, family, commercial, former employer)"),
}
LEVELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}


class ImpartialityRisk(Timestamped, db.Model):
    """A threat to impartiality, where it comes from, what is done about it, when it is next
    reviewed (17021-1 5.2.3)."""

    __tablename__ = "impartiality_risks"
    __table_args__ = (
        CheckConstraint(
            "source_kind != 'client' OR organisation_id IS NOT NULL", name="client_source_named"
        ),
        CheckConstraint("source_kind != 'person' OR person_id IS NOT NULL", name="person_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    threat: Mapped[str] = mapped_column(String(20), index=True)
    source_kind: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    relation: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(10), default="medium")
    action_taken: Mapped[str] = mapped_column(Text)
    identified_on: Mapped[date]
    review_on: Mapped[date] = mapped_column(index=True)  # the next review
    last_reviewed_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation = relationship("Organisation")
    person = relationship("User", foreign_keys=[person_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])

    @property
    def threat_label(self) -> str:
        return str(THREATS.get(self.threat, self.threat))

    @property
    def source_label(self) -> str:
        return str(SOURCES.get(self.source_kind, self.source_kind))

    @property
    def level_label(self) -> str:
        return str(LEVELS.get(self.level, self.level))


class ImpartialityReview(Timestamped, db.Model):
    """The impartiality committee's yearly review of the risks, with its minutes (5.2.3)."""

    __tablename__ = "impartiality_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(index=True)
    members: Mapped[str] = mapped_column(Text)
    conclusions: Mapped[str] = mapped_column(Text)
    minutes_name: Mapped[str] = mapped_column(String(255))
    minutes_stored: Mapped[str] = mapped_column(String(64), unique=True)
    minutes_type: Mapped[str] = mapped_column(String(100))
    minutes_size: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by = relationship("User")


class Declaration(Timestamped, db.Model):
    """A person's confidentiality and impartiality declaration for one year (5.2.13, 8.4)."""

    __tablename__ = "impartiality_declarations"
    __table_args__ = (UniqueConstraint("user_id", "year", name="one_declaration_a_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    signed_on: Mapped[date]
    statement: Mapped[str] = mapped_column(Text)  # the text as it was signed
    interests: Mapped[str] = mapped_column(Text, default="")  # ties the person declares
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # paper: the admin

    user = relationship("User", foreign_keys=[user_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
