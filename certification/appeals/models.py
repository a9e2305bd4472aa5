"""Appeals against certification decisions (17021-1 9.8): the client's grounds, the panel of
people not involved in the decision, and the panel's decision answered in writing."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped
from certification.workflow import AppealState

KIND_LABELS = {
    "refusal": _l("Refusal of certification"),
    "suspension": _l("Suspension of the certificate"),
    "withdrawal": _l("Withdrawal of the certificate"),
    "scope_reduction": _l("Reduction of the scope"),
    "rating_band": _l("Rating band"),
}
REMEDY_LABELS = {
    "restore": _l("The certificate is restored"),
    "reinstate": _l("The certificate is reinstated"),
    "reopen": _l("The audit file goes back to the committee to decide again"),
    "rerate": _l("The certificate is reissued with the rating band the panel found"),
}


class Appeal(Timestamped, db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        # One appeal per decision: a second request for the same decision finds the first.
        UniqueConstraint("decision_id", name="one_appeal_per_decision"),
        CheckConstraint(
            "state IN ('lodged', 'withdrawn') OR panel_appointed_on IS NOT NULL",
            name="reviewed_has_panel",
        ),
        CheckConstraint(
            "state NOT IN ('upheld', 'rejected') OR (length(reasons) > 0 AND length(answer) > 0)",
            name="decided_has_reasons_and_answer",
        ),
    )
    STATE = AppealState

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=AppealState.LODGED, index=True)
    grounds: Mapped[str] = mapped_column(Text)
    lodged_on: Mapped[date]
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The panel, appointed by the certification manager; the appeal is acknowledged then.
    panel_appointed_on: Mapped[date | None]
    panel_appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 17021-1 9.8: the decision stays in force during the appeal unless the panel says so.
    stays_decision: Mapped[bool] = mapped_column(default=False)
    stay_reason: Mapped[str] = mapped_column(Text, default="")
    # The panel's decision, its reasons, and the answer in writing to the client.
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reasons: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    remedy: Mapped[str] = mapped_column(String(20), default="")
    corrected_band: Mapped[str] = mapped_column(String(100), default="")
    remedy_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    withdrawn_on: Mapped[date | None]

    organisation = relationship("Organisation")
    decision = relationship("Decision", foreign_keys=[decision_id])
    remedy_decision = relationship("Decision", foreign_keys=[remedy_decision_id])
    certificate = relationship("Certificate")
    lodged_by = relationship("User", foreign_keys=[lodged_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    panel: Mapped[list[AppealPanelMember]] = relationship(
        back_populates="appeal", cascade="all, delete-orphan", order_by="AppealPanelMember.id"
    )
    attachments: Mapped[list[AppealAttachment]] = relationship(
        back_populates="appeal", order_by="AppealAttachment.id"
    )

    @property
    def state_enum(self) -> AppealState:
        return AppealState(self.state)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def remedy_label(self) -> str:
        return str(REMEDY_LABELS.get(self.remedy, self.remedy))


class AppealPanelMember(Timestamped, db.Model):
    __tablename__ = "appeal_panel_members"
    __table_args__ = (UniqueConstraint("appeal_id", "user_id", name="one_seat_per_panel_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    appeal: Mapped[Appeal] = relationship(back_populates="panel")
    user = relationship("User")


class AppealAttachment(Timestamped, db.Model):
    """A file the client sends with its appeal, stored like every upload."""

    __tablename__ = "appeal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    appeal: Mapped[Appeal] = relationship(back_populates="attachments")
