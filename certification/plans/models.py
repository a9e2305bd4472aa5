"""An audit plan and its versions: the sites to visit, the team, the timetable.

17021-1 9.2.3: objectives, scope, criteria, dates and places, the sites (and why), the timetable,
the team with roles, the client's representative, language and confidentiality. Each version is a
row of its own; sending a new version supersedes the older ones, which stay readable.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped
from certification.workflow import PlanState

# Roles on an audit plan (17021-1 9.2.3): the audit team and those who accompany it.
PLAN_ROLES = {
    "lead": _l("Lead auditor"),
    "auditor": _l("Auditor"),
    "expert": _l("Technical expert"),
    "observer": _l("Observer"),
    "interpreter": _l("Interpreter"),
}
# Why a site is on the plan (IAF MD 1).
SITE_REASONS = {
    "central": _l("Central function: audited at every audit (IAF MD 1)"),
    "random": _l("Chosen at random (IAF MD 1: at least a quarter of the sample)"),
    "coverage": _l("Chosen so that different sites are seen over the cycle: not yet visited"),
    "coverage_visited": _l("Chosen to complete the sample: every site was visited already"),
    "all": _l("Every site is audited: no sampling"),
}


class AuditPlan(Timestamped, db.Model):
    __tablename__ = "audit_plans"
    __table_args__ = (
        UniqueConstraint("audit_id", "version", name="one_plan_per_version"),
        CheckConstraint("version >= 1", name="plan_version_positive"),
        CheckConstraint("end_date >= start_date", name="plan_dates_in_order"),
        CheckConstraint(
            "state = 'draft' OR sent_at IS NOT NULL", name="sent_plan_has_sending_time"
        ),
    )
    STATE = PlanState

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=PlanState.DRAFT.value, index=True)
    objectives: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")  # standard and edition
    client_documents: Mapped[str] = mapped_column(Text, default="")  # the client's own documents
    start_date: Mapped[date]
    end_date: Mapped[date]
    audit_days: Mapped[float] = mapped_column(default=0)  # the audit time the timetable fills
    sampling_statement: Mapped[str] = mapped_column(Text, default="")
    random_seed: Mapped[int] = mapped_column(default=0)
    representative: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    confidentiality: Mapped[str] = mapped_column(Text, default="")
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client_comment: Mapped[str] = mapped_column(Text, default="")

    audit = relationship("Audit")
    organisation = relationship("Organisation")
    prepared_by = relationship("User", foreign_keys=[prepared_by_id])
    sent_by = relationship("User", foreign_keys=[sent_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    sites: Mapped[list[PlanSite]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanSite.position"
    )
    team: Mapped[list[PlanTeamSeat]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTeamSeat.position"
    )
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanActivity.position"
    )

    @property
    def state_enum(self) -> PlanState:
        return PlanState(self.state)

    @property
    def auditor_hours(self) -> float:
        return float(sum(float(a.auditor_hours) for a in self.activities))


class PlanSite(db.Model):
    """A site on the plan, copied (a later edit of the site does not change a sent plan)."""

    __tablename__ = "audit_plan_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("audit_plans.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    reason: Mapped[str] = mapped_column(String(20))  # a key of SITE_REASONS

    plan: Mapped[AuditPlan] = relationship(back_populates="sites")

    @property
    def reason_label(self) -> str:
        return str(SITE_REASONS.get(self.reason, self.reason))


class PlanTeamSeat(db.Model):
    """Someone on the plan: the audit team (copied from the programme) and the observers or
    interpreters who accompany it."""

    __tablename__ = "audit_plan_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("audit_plans.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # a key of PLAN_ROLES

    plan: Mapped[AuditPlan] = relationship(back_populates="team")

    @property
    def role_label(self) -> str:
        return str(PLAN_ROLES.get(self.role, self.role))


class PlanActivity(db.Model):
    """One line of the timetable: when, what (process or clause), who, and its auditor-hours."""

    __tablename__ = "audit_plan_activities"
    __table_args__ = (CheckConstraint("auditor_hours >= 0", name="hours_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("audit_plans.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    day: Mapped[date]
    starts: Mapped[str] = mapped_column(String(5), default="")  # "09:00"
    ends: Mapped[str] = mapped_column(String(5), default="")
    activity: Mapped[str] = mapped_column(Text)
    clauses: Mapped[str] = mapped_column(String(100), default="")
    auditors: Mapped[str] = mapped_column(String(300), default="")
    auditor_hours: Mapped[float] = mapped_column(Numeric(6, 2), default=0)

    plan: Mapped[AuditPlan] = relationship(back_populates="activities")
