"""The audit report: the client's complaints figures, the recommendation and its submission."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped


class Recommendation(StrEnum):
    RECOMMENDED = "recommended"
    RECOMMENDED_AFTER_PLAN = "recommended_after_plan"  # minors: once the plans are accepted
    NOT_RECOMMENDED = "not_recommended"  # open majors: not until verified closed

    @property
    def label(self) -> str:
        return str(
            {
                Recommendation.RECOMMENDED: _l("Recommended for certification"),
                Recommendation.RECOMMENDED_AFTER_PLAN: _l(
                    "Recommended once the corrective-action plans are accepted"
                ),
                Recommendation.NOT_RECOMMENDED: _l(
                    "Not recommended until the major nonconformities are verified closed"
                ),
            }[self]
        )


class AuditFigures(Timestamped, db.Model):
    """The client's complaints-handling figures recorded at an audit (for the report's trend)."""

    __tablename__ = "audit_figures"
    __table_args__ = (
        CheckConstraint(
            "complaints_closed <= complaints_received", name="closed_not_above_received"
        ),
        CheckConstraint(
            "satisfaction_percent IS NULL OR (satisfaction_percent >= 0 "
            "AND satisfaction_percent <= 100)",
            name="satisfaction_is_percent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    complaints_received: Mapped[int] = mapped_column(default=0)
    complaints_closed: Mapped[int] = mapped_column(default=0)
    median_days_to_close: Mapped[float | None] = mapped_column(Numeric(6, 1))
    satisfaction_percent: Mapped[float | None] = mapped_column(Numeric(5, 1))


class Readiness(StrEnum):
    """Stage 1 ends with the lead auditor's conclusion on readiness for stage 2 (17021-1 9.3.1)."""

    READY = "ready"
    NOT_READY = "not_ready"

    @property
    def label(self) -> str:
        return str(
            {
                Readiness.READY: _l("Ready for stage 2"),
                Readiness.NOT_READY: _l("Not ready for stage 2: stage 1 is to be repeated"),
            }[self]
        )


class ScopeVerdict(StrEnum):
    """17021-1 9.4.8: the report says whether the scope of certification is appropriate."""

    APPROPRIATE = "appropriate"
    NOT_APPROPRIATE = "not_appropriate"

    @property
    def label(self) -> str:
        return str(
            {
                ScopeVerdict.APPROPRIATE: _l("The scope of certification is appropriate"),
                ScopeVerdict.NOT_APPROPRIATE: _l("The scope of certification is not appropriate"),
            }[self]
        )


class AuditReport(Timestamped, db.Model):
    """The team's conclusion: the computed recommendation, the lead's confirmation or override."""

    __tablename__ = "audit_reports"
    __table_args__ = (
        CheckConstraint(
            "recommendation = computed_recommendation OR length(override_reason) > 0",
            name="override_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    computed_recommendation: Mapped[str] = mapped_column(String(30))
    recommendation: Mapped[str] = mapped_column(String(30))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    overall_percent: Mapped[float | None] = mapped_column(Numeric(5, 1))
    band: Mapped[str] = mapped_column(String(100), default="")
    # Stage 1 only: the lead auditor's conclusion (Readiness); "" for the other audits.
    readiness: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # 17021-1 9.4.8, typed by the lead auditor at submission ("" where there is nothing to say):
    plan_deviations: Mapped[str] = mapped_column(Text, default="", server_default="")
    unresolved_issues: Mapped[str] = mapped_column(Text, default="", server_default="")
    scope_verdict: Mapped[str] = mapped_column(String(20), default="", server_default="")
    scope_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    marks_use: Mapped[str] = mapped_column(Text, default="", server_default="")
    # One language per report (issue 11), chosen at submission; "": the client's preferred one.
    language: Mapped[str] = mapped_column(String(5), default="", server_default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 17021-1 9.2.3 / 9.4.8: the audit plan (version) the audit followed, fixed at submission.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("audit_plans.id"))

    submitted_by = relationship("User")
    plan = relationship("AuditPlan")

    @property
    def scope_verdict_label(self) -> str:
        return ScopeVerdict(self.scope_verdict).label if self.scope_verdict else ""
