"""Audit plans: prepared by the lead auditor or a planner, sent to the client, answered by it.

17021-1 9.2.3: a plan before each audit, communicated to the client. A plan once sent is never
edited: a change is a new version, and sending it supersedes the older ones.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from certification.activity.notes import log_note
from certification.activity.services import record, transition
from certification.applications.schemes import scheme_title
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.i18n.languages import LANGUAGES
from certification.models_base import utcnow
from certification.plans import rules, texts
from certification.plans.labels import ITEM_LABELS
from certification.plans.models import AuditPlan, PlanActivity, PlanSite, PlanTeamSeat
from certification.programme.models import Audit
from certification.workflow import (
    Action,
    AuditState,
    CertificateState,
    PlanState,
    TransitionError,
    next_state,
)

# A plan is prepared once the audit has its dates and team, and can change until it ends.
PLANNABLE = (AuditState.SCHEDULED.value, AuditState.IN_PROGRESS.value)
# The certificates whose scope the cycle's audits cover: in force, or lapsed and restorable.
SCOPE_STATES = (
    CertificateState.ACTIVE.value,
    CertificateState.SUSPENDED.value,
    CertificateState.EXPIRED.value,
)
# Seats a planner adds on the plan; the audit team itself comes from the programme.
EXTRA_ROLES = ("observer", "interpreter")
AUDITING_ROLES = ("lead", "auditor")  # their hours are audit time (IAF MD 5)


class PlanError(ValueError):
    """A refused plan action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class LineInput:
    day: date | None
    starts: str
    ends: str
    activity: str
    clauses: str
    auditors: str
    auditor_hours: Decimal | float | None


@dataclass
class PlanInput:
    objectives: str
    scope: str
    criteria: str
    client_documents: str
    representative: str
    language: str
    confidentiality: str
    extra_seats: list[tuple[str, str]]  # (name, role)
    lines: list[LineInput]


# -- reading -----------------------------------------------------------------------------------


def plans_of(audit: Audit) -> list[AuditPlan]:
    """Every version, newest first, with what the pages show."""
    return list(
        db.session.scalars(
            select(AuditPlan)
            .where(AuditPlan.audit_id == audit.id)
            .options(
                selectinload(AuditPlan.sites),
                selectinload(AuditPlan.team),
                selectinload(AuditPlan.activities),
            )
            .order_by(AuditPlan.version.desc())
        )
    )


def plan_in_force(audit: Audit) -> AuditPlan | None:
    """The newest version the client has received (sent, confirmed or with a change asked)."""
    return db.session.scalar(
        select(AuditPlan)
        .where(
            AuditPlan.audit_id == audit.id,
            AuditPlan.state.not_in((PlanState.DRAFT.value, PlanState.SUPERSEDED.value)),
        )
        .order_by(AuditPlan.version.desc())
        .limit(1)
    )


def visited_site_ids(audit: Audit) -> set[int]:
    """Sites an earlier plan of the same cycle took in (IAF MD 1: see other sites over time)."""
    rows = db.session.scalars(
        select(PlanSite.site_id)
        .join(AuditPlan, AuditPlan.id == PlanSite.plan_id)
        .join(Audit, Audit.id == AuditPlan.audit_id)
        .where(
            Audit.cycle_id == audit.cycle_id,
            Audit.id != audit.id,
            Audit.state != AuditState.CANCELLED.value,
            AuditPlan.state != PlanState.SUPERSEDED.value,
            PlanSite.site_id.is_not(None),
        )
    )
    return set(rows)


# -- preparing ---------------------------------------------------------------------------------


def prepare_plan(actor, audit: Audit, today: date, seed: int | None = None) -> AuditPlan:
    """Version 1 of the plan, filled from the programme, the application and the MD 1 sample."""
    _check_plannable(audit)
    if db.session.scalar(select(AuditPlan.id).where(AuditPlan.audit_id == audit.id).limit(1)):
        raise PlanError(_("This audit has a plan already: open it, or make a new version."))
    organisation = audit.organisation
    language = (
        organisation.preferred_language if organisation.preferred_language in LANGUAGES else "en"
    )
    selection = _select_sites(audit, secrets.randbelow(1_000_000) if seed is None else seed)
    application = audit.cycle.application
    plan = AuditPlan(
        audit_id=audit.id,
        organisation_id=audit.organisation_id,
        version=1,
        objectives=texts.objectives(audit.kind, language),
        scope=_scope_to_audit(audit),
        criteria=scheme_title(audit.cycle.scheme, audit.cycle.edition),
        client_documents=texts.client_documents(
            [d.original_name for d in application.documents] if application else [], language
        ),
        start_date=audit.start_date,
        end_date=audit.end_date,
        audit_days=float(audit.planned_days),
        sampling_statement=texts.sampling_statement(selection, language),
        random_seed=selection.seed,
        representative=organisation.contact_name or "",
        language=language,
        confidentiality=texts.confidentiality(language),
        prepared_by_id=actor.id,
    )
    plan.sites = [_site_copy(site, reason, i) for i, (site, reason) in enumerate(selection.chosen)]
    plan.team = _audit_team(audit)
    plan.activities = _default_activities(plan, audit)
    _add_once(plan)
    record(actor, plan, "plan_prepared", note=_version_note(plan))
    db.session.flush()
    return plan


def _scope_to_audit(audit: Audit) -> str:
    """The scope as the cycle's current certificate states it (a transfer's certified scope, a
    reduced one); before the certificate, the scope the client applied for."""
    certificate = db.session.scalar(
        select(Certificate)
        .where(Certificate.cycle_id == audit.cycle_id, Certificate.state.in_(SCOPE_STATES))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(1)
    )
    if certificate is not None:
        return certificate.scope
    application = audit.cycle.application
    return application.scope if application else ""


def _check_plannable(audit: Audit) -> None:
    if audit.state not in PLANNABLE:
        raise PlanError(
            _(
                "An audit plan is prepared once the audit is scheduled and until it ends; "
                "this audit is %(state)s.",
                state=audit.state_enum.label,
            )
        )


def _select_sites(audit: Audit, seed: int) -> rules.SiteSelection:
    application = audit.cycle.application
    sites = list(application.sites) if application else list(audit.organisation.sites)
    visited = visited_site_ids(audit)
    candidates = [
        rules.Candidate(s.id, s.name, s.personnel or 0, s.is_head_office, s.id in visited)
        for s in sites
    ]
    try:
        return rules.choose_sites(candidates, audit.kind, seed)
    except rules.PlanRuleError:
        raise PlanError(
            _(
                "IAF MD 1: the central function is audited at every audit, so exactly one of "
                "the sites applied for must be marked as the head office."
            )
        ) from None


def _site_copy(site, reason: str, position: int) -> PlanSite:
    real = _site_by_id(site.id)
    return PlanSite(
        site_id=real.id,
        position=position,
        name=real.name,
        address=real.address or "",
        city=real.city or "",
        country=real.country or "",
        reason=reason,
    )


def _site_by_id(site_id: int):
    from certification.organisations.models import Site

    return db.session.get(Site, site_id)


def _audit_team(audit: Audit) -> list[PlanTeamSeat]:
    return [
        PlanTeamSeat(user_id=m.user_id, position=i, name=m.user.name, role=m.role)
        for i, m in enumerate(audit.team)
    ]


def _default_activities(plan: AuditPlan, audit: Audit) -> list[PlanActivity]:
    auditors = [seat.name for seat in plan.team if seat.role in AUDITING_ROLES]
    visited = [s.name for s in plan.sites if s.reason != "central"]
    lines = rules.default_timetable(
        plan.start_date,
        plan.end_date,
        plan.audit_days,
        auditors,
        texts.opening(plan.language),
        texts.closing(plan.language),
        texts.blocks(audit.kind, visited, plan.language),
    )
    return [
        PlanActivity(
            position=i,
            day=line.day,
            starts=line.starts,
            ends=line.ends,
            activity=line.activity,
            clauses=line.clauses,
            auditors=line.auditors,
            auditor_hours=_hours(line.auditor_hours),
        )
        for i, line in enumerate(lines)
    ]


def _hours(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _add_once(plan: AuditPlan) -> None:
    """Two people preparing (or revising) at once: the version's unique key lets one through."""
    try:
        with db.session.begin_nested():
            db.session.add(plan)
            db.session.flush()
    except IntegrityError:
        raise PlanError(
            _("Someone else made this version of the plan a moment ago: reload the page.")
        ) from None


def _version_note(plan: AuditPlan) -> dict:
    return log_note("plan_version", version=plan.version, start=plan.start_date, end=plan.end_date)


# -- editing a draft ---------------------------------------------------------------------------


def update_plan(actor, plan: AuditPlan, values: PlanInput) -> AuditPlan:
    """Save a draft's texts, extra seats and timetable; every check runs before any change."""
    if plan.state != PlanState.DRAFT:
        raise PlanError(_("A plan sent to the client is not edited: make a new version."))
    _check_plannable(plan.audit)
    if values.language not in LANGUAGES:
        raise PlanError(_("Choose the language of the audit."), "language")
    seats = _checked_seats(values.extra_seats)
    lines = _checked_lines(values.lines, plan.audit)
    plan.objectives = values.objectives.strip()
    plan.scope = values.scope.strip()
    plan.criteria = values.criteria.strip()
    plan.client_documents = values.client_documents.strip()
    plan.representative = values.representative.strip()
    plan.language = values.language
    plan.confidentiality = values.confidentiality.strip()
    plan.start_date, plan.end_date = plan.audit.start_date, plan.audit.end_date
    plan.audit_days = float(plan.audit.planned_days)
    team = _audit_team(plan.audit)
    team += [
        PlanTeamSeat(position=len(team) + i, name=name, role=role)
        for i, (name, role) in enumerate(seats)
    ]
    plan.team.clear()
    plan.activities.clear()
    db.session.flush()
    plan.team.extend(team)
    plan.activities.extend(lines)
    db.session.flush()
    record(actor, plan, "plan_updated", note=_version_note(plan))
    return plan


def _checked_seats(seats: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kept = []
    for name, role in seats:
        name = (name or "").strip()
        if not name:
            continue
        if role not in EXTRA_ROLES:
            raise PlanError(_("An added person is an observer or an interpreter."), "seats")
        kept.append((name[:200], role))
    return kept


def _checked_lines(lines: list[LineInput], audit: Audit) -> list[PlanActivity]:
    kept = []
    for line in lines:
        activity = (line.activity or "").strip()
        if not activity and line.auditor_hours in (None, 0) and line.day is None:
            continue  # an empty row of the form
        number = len(kept) + 1
        if not activity:
            raise PlanError(_("Line %(n)d: say what is audited.", n=number), "lines")
        if line.day is None or not audit.start_date <= line.day <= audit.end_date:
            raise PlanError(
                _("Line %(n)d: the day must fall within the audit's dates.", n=number), "lines"
            )
        for clock in (line.starts, line.ends):
            if clock and not rules.valid_clock(clock):
                raise PlanError(_("Line %(n)d: write times as 09:00.", n=number), "lines")
        hours = line.auditor_hours
        if hours is None or hours < 0:
            raise PlanError(_("Line %(n)d: give the auditor-hours (0 or more).", n=number), "lines")
        kept.append(
            PlanActivity(
                position=number,
                day=line.day,
                starts=line.starts or "",
                ends=line.ends or "",
                activity=activity,
                clauses=(line.clauses or "").strip()[:100],
                auditors=(line.auditors or "").strip()[:300],
                auditor_hours=Decimal(str(hours)).quantize(Decimal("0.01")),
            )
        )
    problem = rules.hours_problem([a.auditor_hours for a in kept], audit.planned_days)
    if problem is not None:
        raise PlanError(hours_message(*problem, audit.planned_days), "lines")
    return kept


def hours_message(given: Fraction, required: Fraction, days) -> str:
    return _(
        "IAF MD 5: the timetable's auditor-hours (%(given)s) must add up to the audit time, "
        "%(days)s auditor-days of 8 hours (%(required)s hours).",
        given=_number(given),
        days=_number(Fraction(str(days))),
        required=_number(required),
    )


def _number(value: Fraction) -> str:
    from certification.i18n import formatting

    return formatting.number(float(value), 2)


# -- sending and answering ---------------------------------------------------------------------


def send_plan(actor, plan: AuditPlan, today: date) -> AuditPlan:
    """To the client; a plan that lacks a 9.2.3 item, or whose hours do not add up, stays."""
    _check_move(plan, Action.SEND)
    _check_plannable(plan.audit)
    missing = rules.missing_items(plan)
    if missing:
        raise PlanError(
            _(
                "ISO/IEC 17021-1 9.2.3: the plan still lacks %(items)s.",
                items=", ".join(str(ITEM_LABELS[item]) for item in missing),
            )
        )
    problem = rules.hours_problem([a.auditor_hours for a in plan.activities], plan.audit_days)
    if problem is not None:
        raise PlanError(hours_message(*problem, plan.audit_days))
    older = [p for p in plans_of(plan.audit) if p.id != plan.id and p.state != PlanState.SUPERSEDED]
    plan.sent_by_id, plan.sent_at = actor.id, utcnow()
    transition(actor, plan, Action.SEND, note=_version_note(plan))
    for old in older:
        if old.state != PlanState.DRAFT:
            transition(
                actor,
                old,
                Action.SUPERSEDE,
                note=log_note("plan_replaced", version=plan.version),
            )
    return plan


def confirm_plan(actor, plan: AuditPlan, today: date) -> AuditPlan:
    """The client agrees to the plan as sent."""
    _check_move(plan, Action.CONFIRM)
    plan.answered_by_id, plan.answered_at = actor.id, utcnow()
    transition(actor, plan, Action.CONFIRM, note=_version_note(plan))
    return plan


def request_change(actor, plan: AuditPlan, comment: str, today: date) -> AuditPlan:
    """The client asks for a change, saying what; the planner answers with a new version."""
    comment = (comment or "").strip()
    if not comment:
        raise PlanError(_("Say what should change in the plan."), "comment")
    _check_move(plan, Action.REQUEST_CHANGE)
    plan.answered_by_id, plan.answered_at = actor.id, utcnow()
    plan.client_comment = comment
    transition(actor, plan, Action.REQUEST_CHANGE, reason=comment)
    return plan


def revise_plan(actor, plan: AuditPlan, today: date) -> AuditPlan:
    """A new draft version, copied from this one, with the audit's present dates and team."""
    _check_plannable(plan.audit)
    versions = plans_of(plan.audit)
    if versions[0].id != plan.id or plan.state in (PlanState.DRAFT, PlanState.SUPERSEDED):
        raise PlanError(_("Only the newest plan sent to the client can be changed."))
    audit = plan.audit
    draft = AuditPlan(
        audit_id=plan.audit_id,
        organisation_id=plan.organisation_id,
        version=plan.version + 1,
        start_date=audit.start_date,
        end_date=audit.end_date,
        audit_days=float(audit.planned_days),
        prepared_by_id=actor.id,
        **{name: getattr(plan, name) for name in COPIED},
    )
    draft.sites = [
        PlanSite(**{name: getattr(site, name) for name in SITE_FIELDS}) for site in plan.sites
    ]
    draft.team = _audit_team(audit) + [
        PlanTeamSeat(position=100 + s.position, name=s.name, role=s.role)
        for s in plan.team
        if s.role in EXTRA_ROLES
    ]
    draft.activities = [
        PlanActivity(**{name: getattr(line, name) for name in LINE_FIELDS})
        for line in plan.activities
    ]
    _add_once(draft)
    record(actor, draft, "plan_revised", note=_version_note(draft))
    db.session.flush()
    return draft


COPIED = (
    "objectives",
    "scope",
    "criteria",
    "client_documents",
    "sampling_statement",
    "random_seed",
    "representative",
    "language",
    "confidentiality",
)
SITE_FIELDS = ("site_id", "position", "name", "address", "city", "country", "reason")
LINE_FIELDS = (
    "position",
    "day",
    "starts",
    "ends",
    "activity",
    "clauses",
    "auditors",
    "auditor_hours",
)


def _check_move(plan: AuditPlan, action: Action) -> None:
    try:
        next_state(plan.state_enum, action)
    except TransitionError:
        raise PlanError(
            _("This cannot be done now: the plan is %(state)s.", state=plan.state_enum.label)
        ) from None
