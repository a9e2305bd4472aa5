"""Findings of an audit (nonconformities, observations, opportunities for improvement) and the
client's corrective actions with the auditor's review."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.audits.models import Grade
from certification.extensions import db
from certification.findings.rules import NONCONFORMITIES
from certification.models_base import Timestamped, sql_constant, utcnow
from certification.workflow import FindingState


class Finding(Timestamped, db.Model):
    """A nonconformity (major/minor), an observation or an opportunity for improvement."""

    __tablename__ = "findings"
    # One running number per cycle (so one organisation's findings never share one); the cycle's
    # row is locked while the next is taken and this constraint stops any duplicate that slips by.
    __table_args__ = (
        UniqueConstraint("cycle_id", "number", name="finding_number_per_cycle"),
        # The staff list of open findings, soonest plan due first, is paged by this key.
        Index("ix_findings_plan_due_on_id", "plan_due_on", "id"),
        # ... and that list's rows (nonconformities not closed: a few grades and states) are
        # found by grade and state, not among every open observation of the body's history.
        Index("ix_findings_grade_state_plan_due_on_id", "grade", "state", "plan_due_on", "id"),
    )
    STATE = FindingState

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    number: Mapped[int]  # 1, 2, ... within the cycle, across its audits
    reference: Mapped[str] = mapped_column(String(20))  # "S2-3" (rules.finding_reference)
    question_id: Mapped[str] = mapped_column(String(40))
    clause: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(20))  # minor, major, observation, ofi
    statement: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    requirement: Mapped[str] = mapped_column(Text, default="")
    # Nonconformities run through FindingState; observations and OFIs stay "open" for the record.
    state: Mapped[str] = mapped_column(String(20), default=FindingState.OPEN, index=True)
    raised_on: Mapped[date]
    plan_due_on: Mapped[date | None]  # the client's corrective-action plan is due
    # The day the correction and corrective action were verified (17021-1 9.5.3.2 counts it).
    verified_on: Mapped[date | None]

    audit = relationship("Audit")
    organisation = relationship("Organisation")
    answer = relationship("Answer")
    actions: Mapped[list[CorrectiveAction]] = relationship(
        back_populates="finding", order_by="CorrectiveAction.id", cascade="all, delete-orphan"
    )

    @property
    def grade_enum(self) -> Grade:
        return Grade(self.grade)

    @property
    def state_enum(self) -> FindingState:
        return FindingState(self.state)


def open_nonconformity():
    """SQL: a nonconformity (minor, major) not yet closed: the terms of the partial index below,
    which the staff list of open findings names to read it.

    That list pages soonest plan due first. Walking the index of every finding by plan due date,
    PostgreSQL passed the body's closed findings (the oldest due dates) before the first open one
    (10,864 rows for a page of 21 at 10,000 certificates: 9.6 ms; 0.05 ms through this index).
    The constants are written into the SQL, not bound, so that both databases see the query's
    terms imply the index's."""
    not_closed = [state.value for state in FindingState if state != FindingState.CLOSED]
    return and_(
        Finding.grade.in_([sql_constant(grade) for grade in NONCONFORMITIES]),
        Finding.state.in_([sql_constant(state) for state in not_closed]),
    )


Index(
    "ix_findings_open_nonconformities_plan_due_on_id",
    Finding.plan_due_on,
    Finding.id,
    sqlite_where=open_nonconformity(),
    postgresql_where=open_nonconformity(),
)


class CorrectiveAction(Timestamped, db.Model):
    """The client's answer to a nonconformity and the auditor's review of it."""

    __tablename__ = "corrective_actions"
    __table_args__ = (
        CheckConstraint(
            "accepted IS NULL OR accepted OR length(review_comment) > 0",
            name="rejection_has_comment",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    correction: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted: Mapped[bool | None]  # None: waiting for the auditor
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    finding: Mapped[Finding] = relationship(back_populates="actions")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
