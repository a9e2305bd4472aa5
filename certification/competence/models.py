"""The evidence behind a competence record (17021-1 7.1.2, 7.2.10, 7.2.11): training attended,
audits witnessed with the witness's evaluation, and each year's performance evaluation.

The records themselves (role, scheme, IAF sector, validity): accounts.models.AuditorQualification.
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
    """How a witnessed audit or a yearly evaluation went."""

    SATISFACTORY = "satisfactory"
    IMPROVEMENT_NEEDED = "improvement_needed"
    UNSATISFACTORY = "unsatisfactory"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.SATISFACTORY: _l("Satisfactory"),
    Outcome.IMPROVEMENT_NEEDED: _l("Improvement needed"),
    Outcome.UNSATISFACTORY: _l("Unsatisfactory"),
}


class TrainingRecord(Timestamped, db.Model):
    """A course a person attended: what, given by whom, finished when."""

    __tablename__ = "competence_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    person = relationship("User")


class WitnessedAudit(Timestamped, db.Model):
    """An audit in which someone watched the person work, and what they made of it (7.2.11)."""

    __tablename__ = "competence_witnessed_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    witness_name: Mapped[str] = mapped_column(String(200))
    witnessed_on: Mapped[date]
    audit_reference: Mapped[str] = mapped_column(String(300))  # client and audit, in words
    outcome: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    person = relationship("User")

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)


class PerformanceEvaluation(Timestamped, db.Model):
    """The yearly evaluation of a person's performance (17021-1 7.2.10): one per person a year."""

    __tablename__ = "competence_evaluations"
    __table_args__ = (UniqueConstraint("person_id", "year", name="one_evaluation_a_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    year: Mapped[int]
    evaluated_on: Mapped[date] = mapped_column(index=True)
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    person = relationship("User", foreign_keys=[person_id])
    evaluator = relationship("User", foreign_keys=[evaluator_id])

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)
