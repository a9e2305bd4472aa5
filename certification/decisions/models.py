"""The certification committee's decisions on audit files, apart from the auditors' work.

17021-1 9.5: people who took no part in the audit decide; the auditor's recommendation (kept in
reports.AuditReport), the decision and each member's reasons are stored separately.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped


class Outcome(StrEnum):
    ACCEPT_REPORT = "accept_report"  # stage 1: the report is reviewed, stage 2 may go ahead
    GRANT = "grant"
    REFUSE = "refuse"
    MORE_INFORMATION = "more_information"  # the file goes back to the audit team
    MAINTAIN = "maintain"
    SUSPEND = "suspend"
    RESTORE = "restore"
    WITHDRAW = "withdraw"
    RENEW = "renew"
    EXTEND_SCOPE = "extend_scope"
    REDUCE_SCOPE = "reduce_scope"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.ACCEPT_REPORT: _l("Accept the stage 1 report: stage 2 may go ahead"),
    Outcome.GRANT: _l("Grant certification"),
    Outcome.REFUSE: _l("Refuse certification"),
    Outcome.MORE_INFORMATION: _l("Send back for more information"),
    Outcome.MAINTAIN: _l("Maintain certification"),
    Outcome.SUSPEND: _l("Suspend the certificate"),
    Outcome.RESTORE: _l("Restore the certificate"),
    Outcome.WITHDRAW: _l("Withdraw the certificate"),
    Outcome.RENEW: _l("Renew certification"),
    Outcome.EXTEND_SCOPE: _l("Extend the scope"),
    Outcome.REDUCE_SCOPE: _l("Reduce the scope"),
}


class Decision(Timestamped, db.Model):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"), index=True)
    # The audit file decided on; None for decisions without an audit (suspension on request).
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    decided_on: Mapped[date]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reasons: Mapped[str] = mapped_column(Text, default="")
    # The auditor's recommendation as it stood when the committee decided (a copy, for the record).
    recommendation: Mapped[str] = mapped_column(String(30), default="")
    scope: Mapped[str] = mapped_column(Text, default="")  # the scope granted or changed to

    organisation = relationship("Organisation")
    cycle = relationship("Cycle")
    audit = relationship("Audit")
    certificate = relationship("Certificate")
    decided_by = relationship("User")
    members: Mapped[list[DecisionMember]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionMember.id"
    )

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)


class DecisionMember(Timestamped, db.Model):
    """One committee member's vote and reasons on a decision."""

    __tablename__ = "decision_members"
    __table_args__ = (UniqueConstraint("decision_id", "member_id", name="one_vote_per_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agrees: Mapped[bool] = mapped_column(default=True)
    reasons: Mapped[str] = mapped_column(Text, default="")

    decision: Mapped[Decision] = relationship(back_populates="members")
    member = relationship("User")
