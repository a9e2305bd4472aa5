"""Transfers of certification from another body (IAF MD 2): the other body's certificate as the
client states it, the pre-transfer review, and the committee's decision."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped
from certification.transfers.rules import same_scope
from certification.workflow import TransferState

STATUS_LABELS = {
    "active": _l("Valid"),
    "suspended": _l("Suspended"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
}
LAST_AUDIT_LABELS = {
    "stage2": _l("Initial certification audit (stage 2)"),
    "surveillance1": _l("Surveillance 1"),
    "surveillance2": _l("Surveillance 2"),
    "recertification": _l("Recertification"),
}


class Transfer(Timestamped, db.Model):
    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("expires_on > issued_on", name="expires_after_issue"),
        CheckConstraint("original_issued_on <= issued_on", name="original_not_after_issue"),
        # IAF MD 2: the review is recorded before the committee decides.
        CheckConstraint(
            "state IN ('received', 'withdrawn') OR (reviewed_by_id IS NOT NULL "
            "AND reviewed_on IS NOT NULL)",
            name="reviewed_has_reviewer",
        ),
    )
    STATE = TransferState

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default=TransferState.RECEIVED, index=True)
    received_on: Mapped[date]
    # The other body and its certificate, as the client states them.
    issuing_body: Mapped[str] = mapped_column(String(300))
    accreditation_body: Mapped[str] = mapped_column(String(20))  # code in the MLA list
    accreditation_number: Mapped[str] = mapped_column(String(60), default="")
    certificate_number: Mapped[str] = mapped_column(String(60))
    certificate_status: Mapped[str] = mapped_column(String(20))
    issued_on: Mapped[date]
    original_issued_on: Mapped[date]  # the original certification date, kept on our certificate
    expires_on: Mapped[date]
    last_audit_kind: Mapped[str] = mapped_column(String(20))
    last_audit_on: Mapped[date]
    open_nonconformities: Mapped[str] = mapped_column(Text, default="")
    complaints: Mapped[str] = mapped_column(Text, default="")
    # The pre-transfer review (IAF MD 2): documents, and a visit when the reviewer decides so.
    reviewed_on: Mapped[date | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reports_reviewed: Mapped[bool] = mapped_column(default=False)
    nonconformities_reviewed: Mapped[bool] = mapped_column(default=False)
    complaints_reviewed: Mapped[bool] = mapped_column(default=False)
    cycle_checked: Mapped[bool] = mapped_column(default=False)
    visited: Mapped[bool] = mapped_column(default=False)
    visited_on: Mapped[date | None]
    visit_notes: Mapped[str] = mapped_column(Text, default="")
    review_findings: Mapped[str] = mapped_column(Text, default="")
    recommended: Mapped[bool] = mapped_column(default=False)
    # IAF MD 2: the cycle continues with the same scope: the scope on the other body's
    # certificate, as the reviewer read it there; our certificate carries it. None on the
    # transfers reviewed before it was recorded (theirs carries the application's scope).
    certified_scope: Mapped[str | None] = mapped_column(Text)
    # The committee's decision and, on a grant, our certificate.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)

    organisation = relationship("Organisation")
    application = relationship("Application")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    decision = relationship("Decision")
    certificate = relationship("Certificate")

    @property
    def state_enum(self) -> TransferState:
        return TransferState(self.state)

    @property
    def scope_to_certify(self) -> str:
        """The scope our certificate carries on a grant."""
        return self.certified_scope or self.application.scope

    @property
    def scope_differs(self) -> bool:
        """The application asked for another scope than the other body certified."""
        if self.certified_scope is None:
            return False
        return not same_scope(self.certified_scope, self.application.scope)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.certificate_status, self.certificate_status))

    @property
    def last_audit_label(self) -> str:
        return str(LAST_AUDIT_LABELS.get(self.last_audit_kind, self.last_audit_kind))
