"""Quotes: the audit time (IAF MD 5) and its price, sent to the client for acceptance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped
from certification.workflow import QuoteState

Days = Numeric(6, 1)
Money = Numeric(12, 2)


class Quote(Timestamped, db.Model):
    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint("adjustment_percent >= -30", name="reduction_at_most_30"),
        CheckConstraint(
            "site_reduction_percent >= 0 AND site_reduction_percent <= 50",
            name="site_reduction_at_most_50",
        ),
        CheckConstraint(
            "(adjustment_percent = 0 AND site_reduction_percent = 0) "
            "OR length(adjustment_justification) > 0",
            name="adjustment_justified",
        ),
        CheckConstraint(
            "state = 'draft' OR state = 'withdrawn' OR (issued_on IS NOT NULL "
            "AND valid_until IS NOT NULL)",
            name="issued_has_dates",
        ),
    )
    STATE = QuoteState

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=QuoteState.DRAFT, index=True)
    # Audit time, as computed by certification.audit_time and frozen on the quote.
    employees: Mapped[int]
    sites: Mapped[int] = mapped_column(default=1)
    table_days: Mapped[Decimal] = mapped_column(Days)
    adjustment_percent: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=0)
    adjustment_justification: Mapped[str] = mapped_column(Text, default="")
    initial_days: Mapped[Decimal] = mapped_column(Days)
    stage1_days: Mapped[Decimal] = mapped_column(Days)
    stage2_days: Mapped[Decimal] = mapped_column(Days)
    surveillance_days: Mapped[Decimal] = mapped_column(Days)
    recertification_days: Mapped[Decimal] = mapped_column(Days)
    sample_initial: Mapped[int] = mapped_column(default=1)
    sample_surveillance: Mapped[int] = mapped_column(default=1)
    sample_recertification: Mapped[int] = mapped_column(default=1)
    # IAF MD 1, several sites: each sampled site's further reduction, and each site's own time
    # as computed (name, personnel, central, table and audit days), frozen with the quote.
    site_reduction_percent: Mapped[Decimal] = mapped_column(
        Numeric(5, 1), default=0, server_default="0"
    )
    site_times: Mapped[list] = mapped_column(JSON, default=list)
    # Price: days x day rate + fees, in the client's currency.
    currency: Mapped[str] = mapped_column(String(3))
    day_rate: Mapped[Decimal] = mapped_column(Money)
    application_fee: Mapped[Decimal] = mapped_column(Money, default=0)
    certificate_fee: Mapped[Decimal] = mapped_column(Money, default=0)
    total: Mapped[Decimal] = mapped_column(Money)
    notes: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date | None]
    valid_until: Mapped[date | None] = mapped_column(index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation = relationship("Organisation")
    application = relationship("Application", back_populates="quotes")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    prepared_by = relationship("User", foreign_keys=[prepared_by_id])

    @property
    def state_enum(self) -> QuoteState:
        return QuoteState(self.state)
