"""The certification agreement's versions, each client's acceptance, and the mark files.

17021-1 5.1.2: a legally enforceable agreement with each client, in force before certification;
the body keeps the version the client accepted. 8.3: the rules for using the body's mark go with
it (here: an annex of each version).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped, utcnow


class AgreementVersion(Timestamped, db.Model):
    """A published text of the agreement and of the rules for using the marks, per language.

    Never edited once published: a change is a new version."""

    __tablename__ = "agreement_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    texts: Mapped[dict] = mapped_column(JSON)  # language -> the agreement's text
    mark_rules: Mapped[dict] = mapped_column(JSON)  # language -> the rules for using the marks
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    published_by = relationship("User")

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts.get("en") or next(iter(self.texts.values()))

    def rules(self, language: str) -> str:
        found = self.mark_rules.get(language) or self.mark_rules.get("en")
        return found or next(iter(self.mark_rules.values()), "")


class AgreementAcceptance(db.Model):
    """A client's acceptance of one version: who, when, which version, from where."""

    __tablename__ = "agreement_acceptances"
    __table_args__ = (
        UniqueConstraint("organisation_id", "version_id", name="one_acceptance_per_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"))
    accepted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    address: Mapped[str] = mapped_column(String(45), default="")  # the client's IP address
    language: Mapped[str] = mapped_column(String(5), default="en")  # the text it was shown in
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"))

    version = relationship("AgreementVersion")
    accepted_by = relationship("User")


class MarkFile(Timestamped, db.Model):
    """A file of the body's certification mark (artwork) that certified clients download."""

    __tablename__ = "mark_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
