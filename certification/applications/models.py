"""Applications for certification and the documents clients send with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped
from certification.workflow import ApplicationState

application_sites = Table(
    "application_sites",
    db.metadata,
    Column("application_id", ForeignKey("applications.id"), primary_key=True),
    Column("site_id", ForeignKey("sites.id"), primary_key=True),
)


class Application(Timestamped, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        # A reviewed application records who reviewed it and when (17021-1 9.1.2).
        CheckConstraint(
            "state = 'submitted' OR state = 'withdrawn' OR "
            "(reviewed_by_id IS NOT NULL AND reviewed_at IS NOT NULL)",
            name="reviewed_has_reviewer",
        ),
        Index("ix_applications_state_id", "state", "id"),  # the list: waiting ones first
    )
    STATE = ApplicationState

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(60))  # checklist scheme id, e.g. "iso10002"
    edition: Mapped[str] = mapped_column(String(20))  # e.g. "2018"
    kind: Mapped[str] = mapped_column(String(20), default="initial")  # initial | recertification
    scope: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=ApplicationState.SUBMITTED)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Application review
    competence_confirmed: Mapped[bool] = mapped_column(default=False)
    review_notes: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation = relationship("Organisation")
    sites = relationship("Site", secondary=application_sites, order_by="Site.id")
    documents: Mapped[list[Document]] = relationship(
        back_populates="application", order_by="Document.id"
    )
    quotes = relationship("Quote", back_populates="application", order_by="Quote.id")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def state_enum(self) -> ApplicationState:
        return ApplicationState(self.state)


class Document(Timestamped, db.Model):
    """An uploaded file, stored under a random name outside the static folder."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="management_system")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application | None] = relationship(back_populates="documents")
    uploaded_by = relationship("User")
