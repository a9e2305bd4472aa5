"""On-site work of one audit: the checklist file it used, the graded answers and their evidence.

The audit itself (dates, team, state) lives in the programme domain; findings and corrective
actions in the findings domain; figures, scores and the recommendation in the reports domain.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped, utcnow


class Grade(StrEnum):
    CONFORMING = "conforming"
    MINOR = "minor"
    MAJOR = "major"
    OBSERVATION = "observation"
    OFI = "ofi"  # opportunity for improvement
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return str(GRADE_LABELS[self])

    @property
    def is_nonconformity(self) -> bool:
        return self in (Grade.MINOR, Grade.MAJOR)

    @property
    def raises_finding(self) -> bool:
        """Grades that are written up as a finding of the report."""
        return self in (Grade.MINOR, Grade.MAJOR, Grade.OBSERVATION, Grade.OFI)


GRADE_LABELS = {
    Grade.CONFORMING: _l("Conforming"),
    Grade.MINOR: _l("Minor nonconformity"),
    Grade.MAJOR: _l("Major nonconformity"),
    Grade.OBSERVATION: _l("Observation"),
    Grade.OFI: _l("Opportunity for improvement"),
    Grade.NOT_APPLICABLE: _l("Not applicable"),
}


class AuditChecklist(Timestamped, db.Model):
    """The checklist file an audit used, kept verbatim so an old audit shows what was asked."""

    __tablename__ = "audit_checklists"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    scheme: Mapped[str] = mapped_column(String(60))
    edition: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the file
    source: Mapped[str] = mapped_column(Text)  # the TOML text as used

    audit = relationship("Audit")


class Answer(db.Model):
    """One question of the checklist, as graded on site. `version` refuses stale saves."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("audit_id", "question_id", name="one_answer_per_question"),
        CheckConstraint("points IS NULL OR (points >= 0 AND points <= 4)", name="points_0_4"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    clause: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str | None] = mapped_column(String(20))
    points: Mapped[int | None]
    evidence: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    updated_by = relationship("User")

    @property
    def grade_enum(self) -> Grade | None:
        return Grade(self.grade) if self.grade else None


class Attachment(Timestamped, db.Model):
    """Evidence: a photo or document on an answer, or a file with a corrective action."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(
            "answer_id IS NOT NULL OR corrective_action_id IS NOT NULL",
            name="attached_to_something",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    corrective_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("corrective_actions.id"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    uploaded_by = relationship("User")
