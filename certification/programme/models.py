"""The 3-year audit programme: a certification cycle and its audits with their teams."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    not_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certification.extensions import db
from certification.models_base import Timestamped, sql_constant
from certification.workflow import AuditState


class AuditKind(StrEnum):
    STAGE1 = "stage1"
    STAGE2 = "stage2"
    SURVEILLANCE1 = "surveillance1"
    SURVEILLANCE2 = "surveillance2"
    RECERTIFICATION = "recertification"
    SPECIAL = "special"

    @property
    def label(self) -> str:
        return str(AUDIT_KIND_LABELS[self])


AUDIT_KIND_LABELS = {
    AuditKind.STAGE1: _l("Stage 1"),
    AuditKind.STAGE2: _l("Stage 2"),
    AuditKind.SURVEILLANCE1: _l("Surveillance 1"),
    AuditKind.SURVEILLANCE2: _l("Surveillance 2"),
    AuditKind.RECERTIFICATION: _l("Recertification"),
    AuditKind.SPECIAL: _l("Special audit"),
}


class TeamRole(StrEnum):
    LEAD = "lead"
    AUDITOR = "auditor"
    EXPERT = "expert"

    @property
    def label(self) -> str:
        return str(
            {
                TeamRole.LEAD: _l("Lead auditor"),
                TeamRole.AUDITOR: _l("Auditor"),
                TeamRole.EXPERT: _l("Technical expert"),
            }[self]
        )


class Cycle(Timestamped, db.Model):
    """One 3-year certification cycle; it starts on the certification decision date."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"))
    number: Mapped[int] = mapped_column(default=1)
    scheme: Mapped[str] = mapped_column(String(60))
    edition: Mapped[str] = mapped_column(String(20))
    decision_date: Mapped[date | None]  # set by the committee's certification decision
    # The expiry of this cycle's certificate: the recertification is due the day before.
    expires_on: Mapped[date | None]

    organisation = relationship("Organisation")
    application = relationship("Application")
    quote = relationship("Quote")
    audits: Mapped[list[Audit]] = relationship(
        back_populates="cycle",
        order_by="(Audit.sequence, Audit.id)",
        cascade="all, delete-orphan",
    )


class Audit(Timestamped, db.Model):
    __tablename__ = "audits"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        CheckConstraint(
            "state IN ('planned', 'cancelled') "
            "OR (start_date IS NOT NULL AND end_date IS NOT NULL)",
            name="scheduled_has_dates",
        ),
        # The programme lists open audits soonest first: scheduled ones by start date, planned
        # ones by due date, each read in order from one of these. The second holds the kind
        # and end date too, so the planner's count of overdue audits (home.planning.overdue_
        # audits) reads it alone.
        Index("ix_audits_state_start_date_id", "state", "start_date", "id"),
        Index(
            "ix_audits_state_due_by_id_kind_end_date", "state", "due_by", "id", "kind", "end_date"
        ),
        # A certificate's next surveillance: its cycle's audits by due date (the register, the
        # public answer); without it SQLite reads every planned audit of the body per row.
        Index("ix_audits_cycle_id_due_by", "cycle_id", "due_by"),
    )
    STATE = AuditState

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    kind: Mapped[str] = mapped_column(String(20))
    sequence: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(20), default=AuditState.PLANNED)
    planned_days: Mapped[float] = mapped_column(default=0)
    window_start: Mapped[date | None]
    due_by: Mapped[date | None] = mapped_column(index=True)
    start_date: Mapped[date | None] = mapped_column(index=True)
    end_date: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    # Recertification: the effective personnel the client declared at renewal (IAF MD 5).
    declared_personnel: Mapped[int | None]
    # Scheduled after its due-by date: the planner's justified exception, seen by the committee.
    late_justification: Mapped[str] = mapped_column(Text, default="", server_default="")

    cycle: Mapped[Cycle] = relationship(back_populates="audits")
    organisation = relationship("Organisation")
    team: Mapped[list[AuditTeamMember]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="AuditTeamMember.id"
    )

    @property
    def kind_enum(self) -> AuditKind:
        return AuditKind(self.kind)

    @property
    def state_enum(self) -> AuditState:
        return AuditState(self.state)

    @property
    def lead(self):
        return next((m.user for m in self.team if m.role == TeamRole.LEAD), None)


def overdue_candidate(audits=None):
    """An audit that will be overdue once its due-by date has passed (rules.audit_overdue, less
    the date): a surveillance or recertification, not cancelled, not held by its due date.

    The partial index below holds exactly these audits by due date, so the committee's list
    for suspension reads the few past their date in order instead of every audit of every
    active certificate. The constants are written into the SQL, not bound: SQLite and
    PostgreSQL use a partial index only when they can see the query's terms imply its own."""
    from certification.certificates.rules import DUE_KINDS, HELD_STATES

    table = (audits if audits is not None else Audit.__table__).c
    held = and_(
        table.state.in_([sql_constant(state) for state in HELD_STATES]),
        table.start_date.is_not(None),
        table.start_date <= table.due_by,
    )
    return and_(
        table.kind.in_([sql_constant(kind) for kind in DUE_KINDS]),
        table.due_by.is_not(None),
        table.state != sql_constant("cancelled"),
        not_(held),
    )


def arranged_recertification(audit=None):
    """SQL: a recertification audit with dates (or held): `audit` (the model or an alias of it)
    arranges its cycle's renewal (home.rules.ARRANGED_STATES). The terms of the partial index
    below, written as constants so that both databases see a query's terms imply the index's.

    The homes count the certificates expiring soon without one: PostgreSQL hashes the arranged
    recertifications of the body's history against them, read from this index (index-only)
    rather than by a scan of every audit, and SQLite looks each cycle up in it without reading
    the audits' rows (figures: migration f3b8d2a6c0e9)."""
    from certification.home.rules import ARRANGED_STATES

    audit = audit if audit is not None else Audit
    return and_(
        audit.kind == sql_constant("recertification"),
        audit.state.in_([sql_constant(state) for state in ARRANGED_STATES]),
    )


class AuditTeamMember(Timestamped, db.Model):
    __tablename__ = "audit_team_members"
    __table_args__ = (
        UniqueConstraint("audit_id", "user_id", name="one_seat_per_person"),
        # Picking someone unqualified or conflicted needs a written reason (logged too).
        CheckConstraint(
            "NOT overridden OR length(override_reason) > 0", name="override_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=TeamRole.AUDITOR)
    overridden: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str] = mapped_column(Text, default="")

    audit: Mapped[Audit] = relationship(back_populates="team")
    user = relationship("User")


# The committee's list for suspension (certificates.lifecycle.overdue_audits): see
# overdue_candidate. With the cycle, its count reads the index alone.
Index(
    "ix_audits_overdue_candidate_due_by_id_cycle_id",
    Audit.due_by,
    Audit.id,
    Audit.cycle_id,
    sqlite_where=overdue_candidate(),
    postgresql_where=overdue_candidate(),
)


# The homes' count of certificates expiring without a recertification arranged: see
# arranged_recertification.
Index(
    "ix_audits_arranged_recertification_cycle_id",
    Audit.cycle_id,
    sqlite_where=arranged_recertification(),
    postgresql_where=arranged_recertification(),
)
