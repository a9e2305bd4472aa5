"""Complaints about the body or about a certified client, handled the ISO 10002 way (17021-1 9.7).

One row per complaint carries each step of ISO 10002 7.2 to 7.9 (who, when, what was said), and
the complainant's rating of the handling afterwards (8.3). The complainant's identity stays with
those handling the complaint unless they agreed to share it (ISO 10002 4.10).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped
from certification.workflow import ComplaintState


class LabelledChoice(StrEnum):
    """A stored code with a translatable label (LABELS holds the words)."""

    @property
    def label(self) -> str:
        return str(CHOICE_LABELS.get((type(self), self.value), self.value))


class Channel(LabelledChoice):
    WEB = "web"
    PORTAL = "portal"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"


class Category(LabelledChoice):
    """What the complaint is about: the rows of the management review's monthly figures."""

    AUDIT_CONDUCT = "audit_conduct"
    PERSONNEL = "personnel"
    DECISION = "decision"
    TIMELINESS = "timeliness"
    FEES = "fees"
    CERTIFIED_CLIENT = "certified_client"
    CERTIFICATE_USE = "certificate_use"
    OTHER = "other"


class About(LabelledChoice):
    BODY = "body"  # the body's own work
    CLIENT = "client"  # an organisation the body certifies


class Severity(LabelledChoice):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Urgency(LabelledChoice):
    NORMAL = "normal"
    URGENT = "urgent"


class Closure(LabelledChoice):
    """How a complaint came to be closed (ISO 10002 7.9)."""

    ACCEPTED = "accepted"
    NO_REPLY = "no_reply"
    RECOURSE_EXHAUSTED = "recourse_exhausted"
    ACCEPTED_AFTER_RECOURSE = "accepted_after_recourse"
    NOT_A_COMPLAINT = "not_a_complaint"


CHOICE_LABELS = {
    (Channel, "web"): _l("Web form"),
    (Channel, "portal"): _l("Client portal"),
    (Channel, "phone"): _l("Telephone"),
    (Channel, "email"): _l("E-mail"),
    (Channel, "letter"): _l("Letter"),
    (Channel, "in_person"): _l("In person"),
    (Category, "audit_conduct"): _l("How an audit was carried out"),
    (Category, "personnel"): _l("Conduct of the body's staff"),
    (Category, "decision"): _l("A certification decision"),
    (Category, "timeliness"): _l("Delays and communication"),
    (Category, "fees"): _l("Fees and invoices"),
    (Category, "certified_client"): _l("A certified organisation"),
    (Category, "certificate_use"): _l("Use of a certificate or mark"),
    (Category, "other"): _l("Something else"),
    (About, "body"): _l("The certification body's own work"),
    (About, "client"): _l("An organisation the body certifies"),
    (Severity, "low"): _l("Low"),
    (Severity, "medium"): _l("Medium"),
    (Severity, "high"): _l("High"),
    (Urgency, "normal"): _l("Normal"),
    (Urgency, "urgent"): _l("Urgent"),
    (Closure, "accepted"): _l("The complainant accepted the outcome"),
    (Closure, "no_reply"): _l("No reply from the complainant within the time given"),
    (Closure, "recourse_exhausted"): _l("Internal appeal and external recourse exhausted"),
    (Closure, "accepted_after_recourse"): _l("The complainant accepted after all"),
    (Closure, "not_a_complaint"): _l("Not a complaint"),
}


class Complaint(Timestamped, db.Model):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(
            "satisfaction_score IS NULL OR satisfaction_score BETWEEN 1 AND 5",
            name="satisfaction_one_to_five",
        ),
        # ISO 10002 7.6: an investigation has an investigator; 7.7: an answer has its text.
        CheckConstraint(
            "state IN ('received', 'acknowledged', 'assessed', 'dismissed') "
            "OR investigator_id IS NOT NULL",
            name="investigated_has_investigator",
        ),
        CheckConstraint(
            "state NOT IN ('answered', 'in_recourse', 'closed', 'dismissed') "
            "OR length(response) > 0",
            name="answered_has_response",
        ),
    )
    STATE = ComplaintState

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # the tracking number
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the private tracking link
    # The public form's idempotency key: a double submit finds the complaint it already made.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20), default=ComplaintState.RECEIVED, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="en")
    about: Mapped[str] = mapped_column(String(10), default=About.BODY)
    category: Mapped[str] = mapped_column(String(30), default=Category.OTHER, index=True)
    # The certified client complained about, once known; the name as the complainant wrote it.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    named_organisation: Mapped[str] = mapped_column(String(300), default="")
    # A client filing in the portal: its organisation and user.
    complainant_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"), index=True)
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_email: Mapped[str] = mapped_column(String(254), default="")
    complainant_phone: Mapped[str] = mapped_column(String(50), default="")
    # Folded contact, to count repeat complainants without showing who they are (8.2).
    complainant_key: Mapped[str] = mapped_column(String(254), default="", index=True)
    identity_shared: Mapped[bool] = mapped_column(default=False)  # 4.10: the complainant agreed
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # 7.2 receipt and the time limits fixed then (working days, from the settings of the day)
    received_on: Mapped[date] = mapped_column(index=True)
    acknowledge_by: Mapped[date] = mapped_column(index=True)
    answer_by: Mapped[date] = mapped_column(index=True)
    # 7.4 acknowledgement
    acknowledged_on: Mapped[date | None]
    acknowledgement: Mapped[str] = mapped_column(Text, default="")
    # 7.5 initial assessment
    assessed_on: Mapped[date | None]
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    severity: Mapped[str] = mapped_column(String(10), default="")
    urgency: Mapped[str] = mapped_column(String(10), default="")
    assessment: Mapped[str] = mapped_column(Text, default="")
    # 7.6 investigation, by someone not involved
    investigator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_on: Mapped[date | None]
    findings: Mapped[str] = mapped_column(Text, default="")
    proposed_on: Mapped[date | None]
    # the decision, reviewed and approved by someone not involved either
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    approved_on: Mapped[date | None]
    approval_note: Mapped[str] = mapped_column(Text, default="")
    # 7.7, 7.8 the response communicated
    response: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None]
    # 7.9 the complainant's reply and the closing
    reply: Mapped[str] = mapped_column(String(20), default="")  # accepted | not_accepted
    replied_on: Mapped[date | None]
    reply_comment: Mapped[str] = mapped_column(Text, default="")
    recourse_note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(index=True)
    closure: Mapped[str] = mapped_column(String(30), default="")
    closing_note: Mapped[str] = mapped_column(Text, default="")
    # the certified client's say, when the complaint is about it
    client_response: Mapped[str] = mapped_column(Text, default="")
    client_responded_on: Mapped[date | None]
    client_responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 8.3 satisfaction with the handling, through the private link after closing
    satisfaction_score: Mapped[int | None]
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    complainant_organisation = relationship(
        "Organisation", foreign_keys=[complainant_organisation_id]
    )
    filed_by = relationship("User", foreign_keys=[filed_by_id])
    audit = relationship("Audit")
    assessed_by = relationship("User", foreign_keys=[assessed_by_id])
    investigator = relationship("User", foreign_keys=[investigator_id])
    approver = relationship("User", foreign_keys=[approver_id])
    client_responded_by = relationship("User", foreign_keys=[client_responded_by_id])
    involved: Mapped[list[ComplaintInvolvement]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintInvolvement.id"
    )
    attachments: Mapped[list[ComplaintAttachment]] = relationship(
        back_populates="complaint", order_by="ComplaintAttachment.id"
    )

    @property
    def state_enum(self) -> ComplaintState:
        return ComplaintState(self.state)

    @property
    def category_enum(self) -> Category:
        return Category(self.category)

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label if self.severity else ""

    @property
    def urgency_label(self) -> str:
        return Urgency(self.urgency).label if self.urgency else ""

    @property
    def closure_label(self) -> str:
        return Closure(self.closure).label if self.closure else ""


class ComplaintInvolvement(Timestamped, db.Model):
    """A person of the body involved in the matter complained about: never its investigator
    or approver (17021-1 9.7; ISO 10002 annex D, objectivity)."""

    __tablename__ = "complaint_involvements"
    __table_args__ = (UniqueConstraint("complaint_id", "user_id", name="one_row_per_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")

    complaint: Mapped[Complaint] = relationship(back_populates="involved")
    user = relationship("User")


class ComplaintAttachment(Timestamped, db.Model):
    """A file sent with a complaint, stored like every upload (random name, outside static)."""

    __tablename__ = "complaint_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship(back_populates="attachments")
