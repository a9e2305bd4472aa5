"""The 3-year audit programme: created on quote acceptance, dated by the decision, scheduled.

Scheduling lives in scheduling.py and the dates in dates.py; their verbs are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from flask_babel import get_locale
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.accounts.models import Role, User, user_name_key
from certification.activity.models import ActivityLog
from certification.activity.notes import log_note
from certification.activity.services import lock, record
from certification.extensions import db
from certification.listing import Listing
from certification.paging import Page, Part, Segment, page_of
from certification.programme import renewal
from certification.programme.dates import (
    due_badges,
    due_windows,
    earliest_start,
    refresh_programme_dates,
)
from certification.programme.errors import AssignmentRefused, ProgrammeError
from certification.programme.models import Audit, AuditKind, AuditTeamMember, Cycle
from certification.programme.scheduling import MEMBER_ROLES, cancel_audit, schedule_audit
from certification.workflow import AuditState

__all__ = [
    "MEMBER_ROLES",
    "AssignmentRefused",
    "ProgrammeError",
    "cancel_audit",
    "due_badges",
    "due_windows",
    "earliest_start",
    "refresh_programme_dates",
    "schedule_audit",
]

# The quote's frozen audit time for each audit of the programme (IAF MD 5).
DAYS_FROM_QUOTE = {
    AuditKind.STAGE1: "stage1_days",
    AuditKind.STAGE2: "stage2_days",
    AuditKind.SURVEILLANCE1: "surveillance_days",
    AuditKind.SURVEILLANCE2: "surveillance_days",
    AuditKind.RECERTIFICATION: "recertification_days",
}
# Audits not yet done (or cancelled); the schedule and the dashboards care only about these.
OPEN = (AuditState.PLANNED.value, AuditState.SCHEDULED.value)


# -- the programme ----------------------------------------------------------------------------


def create_programme(quote, actor, today: date) -> Cycle:
    """On acceptance: a new cycle with stage 1, stage 2, two surveillances and recertification."""
    application = quote.application
    lock(quote.organisation)  # cycle numbers count the organisation's cycles: one at a time
    earlier = db.session.scalar(
        select(func.count(Cycle.id)).where(Cycle.organisation_id == quote.organisation_id)
    )
    cycle = Cycle(
        organisation_id=quote.organisation_id,
        application_id=application.id,
        quote_id=quote.id,
        number=(earlier or 0) + 1,
        scheme=application.scheme,
        edition=application.edition,
    )
    for sequence, kind in enumerate(DAYS_FROM_QUOTE, start=1):
        cycle.audits.append(
            Audit(
                organisation_id=quote.organisation_id,
                kind=kind.value,
                sequence=sequence,
                state=AuditState.PLANNED.value,
                planned_days=float(getattr(quote, DAYS_FROM_QUOTE[kind])),
            )
        )
    db.session.add(cycle)
    db.session.flush()
    refresh_programme_dates(cycle)
    record(
        actor,
        cycle,
        "programme_created",
        note=log_note("programme_from_quote", number=quote.number, date=today),
    )
    db.session.flush()
    return cycle


# A cycle after recertification: the client is certified, so no stage 1 or stage 2.
NEXT_CYCLE = (AuditKind.SURVEILLANCE1, AuditKind.SURVEILLANCE2, AuditKind.RECERTIFICATION)


def start_next_cycle(actor, previous: Cycle, decision_date: date, expires_on: date) -> Cycle:
    """The recertification decision starts the next cycle (domain.md "The cycle"): two
    surveillances due 12 and 24 months after the decision and a recertification before the
    renewed certificate expires, with the auditor-days of the cycle before."""
    days = renewal.next_cycle_days(previous)
    cycle = Cycle(
        organisation_id=previous.organisation_id,
        application_id=previous.application_id,
        quote_id=previous.quote_id,
        number=previous.number + 1,
        scheme=previous.scheme,
        edition=previous.edition,
        decision_date=decision_date,
        expires_on=expires_on,
    )
    for sequence, kind in enumerate(NEXT_CYCLE, start=3):
        cycle.audits.append(
            Audit(
                organisation_id=previous.organisation_id,
                kind=kind.value,
                sequence=sequence,
                state=AuditState.PLANNED.value,
                planned_days=float(days.get(kind.value, 0)),
            )
        )
    db.session.add(cycle)
    db.session.flush()
    # The renewed certificate expires on the old expiry + 3 years, not decision + 3 years: the
    # recertification is due the day before that (refresh reads the cycle's expiry).
    refresh_programme_dates(cycle)
    record(
        actor,
        cycle,
        "programme_created",
        note=log_note("cycle_started", number=cycle.number, date=decision_date),
    )
    db.session.flush()
    return cycle


# -- reading ----------------------------------------------------------------------------------


def auditor_choices() -> list:
    """People who can sit on an audit team: active auditors by name in the reader's language,
    each with its `id` and `name` only. The lists' filters and the schedule form offer every
    one (625 at 50,000 certificates): sorted by the stored sort key, not loaded whole."""
    query = select(User.id, User.name).where(User.role == Role.AUDITOR.value, User.active.is_(True))
    return db.session.execute(query.order_by(user_name_key(get_locale()), User.id)).all()


def _with_details(query):
    return query.options(
        selectinload(Audit.organisation),
        selectinload(Audit.team).selectinload(AuditTeamMember.user),
    )


def _soonest_first(query):
    when = func.coalesce(Audit.start_date, Audit.due_by)
    return query.order_by(when.is_(None), when, Audit.id)


# Soonest first: a scheduled audit by its start date, a planned one (not yet dated) by its due-by
# date, each read from its own index, then the planned ones without a due date.
SOONEST = (
    Segment(
        key=(Audit.due_by, Audit.id),
        values=lambda audit: (audit.start_date or audit.due_by, audit.id),
        parts=(
            Part(Audit.state == AuditState.SCHEDULED.value, (Audit.start_date, Audit.id)),
            Part(
                and_(Audit.state == AuditState.PLANNED.value, Audit.due_by.is_not(None)),
                (Audit.due_by, Audit.id),
            ),
        ),
    ),
    Segment(
        key=(Audit.id,),
        where=and_(Audit.state == AuditState.PLANNED.value, Audit.due_by.is_(None)),
    ),
)


def open_audits_page(
    show: str,
    today: date,
    args: Mapping[str, str],
    per_page: int,
    due_within: int | None = None,
    kinds: tuple[str, ...] | None = None,
    chosen: Listing | None = None,
) -> Page:
    """Planner's list, a page at a time (paged by key: the last page costs what the first does),
    narrowed and sorted as `chosen` (by default: soonest first)."""
    chosen = chosen or Listing(segments=SOONEST)
    query = open_audits_query(show, today, due_within, kinds).where(*programme_where(chosen))
    return page_of(listing.joined(query, chosen, Audit), chosen.segments, args, per_page)


def programme_listing(args: Mapping[str, str], locale, kept: Mapping[str, object]) -> Listing:
    """The programme's search (organisation), auditor, date range (start, or due by) and sort
    as chosen in the address; `kept`: the list's other filters, kept in its links."""
    chosen = {
        "q": listing.text(args),
        "auditor": listing.number(args, "auditor"),
        "from": listing.day(args, "from"),
        "to": listing.day(args, "to"),
    }
    orders = {
        "when": SOONEST,
        "organisation": listing.by_organisation(Audit, locale),
        "state": (Segment(key=(Audit.state, Audit.id)),),
    }
    return listing.read(args, orders, SOONEST, {**kept, **chosen})


def programme_where(chosen: Listing) -> list:
    """SQL conditions of the chosen search, auditor and dates."""
    values, where = chosen.chosen, []
    if values.get("q"):
        where.append(listing.matching(values["q"], Audit.organisation_id))
    if values.get("auditor"):
        on_team = select(AuditTeamMember.audit_id).where(
            AuditTeamMember.user_id == values["auditor"]
        )
        where.append(Audit.id.in_(on_team))
    start, end = (date.fromisoformat(values[k]) if values.get(k) else None for k in ("from", "to"))
    return where + listing.between(func.coalesce(Audit.start_date, Audit.due_by), start, end)


def open_audits_query(
    show: str, today: date, due_within: int | None = None, kinds: tuple[str, ...] | None = None
):
    """Planner's list: open audits across organisations; "overdue" keeps the late ones,
    `due_within` those due within so many days (or past due), `kinds` those of these kinds."""
    query = select(Audit).where(Audit.state.in_(OPEN))
    if show == "overdue":
        query = query.where(overdue_clause(today))
    elif show in OPEN:
        query = query.where(Audit.state == show)
    if due_within is not None:
        query = query.where(Audit.due_by <= today + timedelta(days=max(due_within, 0)))
    if kinds:
        query = query.where(Audit.kind.in_(kinds))
    return _soonest_first(_with_details(query))


# An auditor's own audits (tens, not thousands: no index needed) by the day they start or are
# due, those with neither last.
WHEN = func.coalesce(Audit.start_date, Audit.due_by)
BY_WHEN = (
    Segment(
        key=(WHEN, Audit.id),
        where=WHEN.is_not(None),
        values=lambda audit: (audit.start_date or audit.due_by, audit.id),
    ),
    Segment(key=(Audit.id,), where=WHEN.is_(None)),
)


def my_audits_page(
    user: User,
    include_done: bool,
    args: Mapping[str, str],
    per_page: int,
    where: Sequence = (),
    chosen: Listing | None = None,
) -> Page:
    """The auditor's list a page at a time, paged by key; `where`: further conditions (the
    auditor's home: audits in one state); `chosen`: search and sort (by default: by when)."""
    chosen = chosen or Listing(segments=BY_WHEN)
    query = my_audits_query(user, include_done).where(*where)
    if chosen.chosen.get("q"):
        query = query.where(listing.matching(chosen.chosen["q"], Audit.organisation_id))
    return page_of(listing.joined(query, chosen, Audit), chosen.segments, args, per_page)


def my_audits_listing(args: Mapping[str, str], locale, kept: Mapping[str, object]) -> Listing:
    """The auditor's search (organisation) and sort as chosen in the address."""
    orders = {
        "when": BY_WHEN,
        "organisation": listing.by_organisation(Audit, locale),
        "state": (Segment(key=(Audit.state, Audit.id)),),
    }
    return listing.read(args, orders, BY_WHEN, {**kept, "q": listing.text(args)})


def overdue_ways(today: date) -> tuple:
    """SQL, the two ways an open audit is not held by its due date: planned and past it, or
    scheduled to end after it. Apart, each is a range of ix_audits_state_due_by_id_kind_end_
    date by its state."""
    return (
        and_(
            Audit.state == AuditState.PLANNED.value, Audit.due_by.is_not(None), Audit.due_by < today
        ),
        and_(
            Audit.state == AuditState.SCHEDULED.value,
            Audit.due_by.is_not(None),
            Audit.end_date > Audit.due_by,
        ),
    )


def overdue_clause(today: date):
    """SQL: an open audit not held by its due date (planned past it, or dated after it)."""
    return or_(*overdue_ways(today))


def my_audits_query(user: User, include_done: bool = False):
    """The audits this person sits on the team of."""
    mine = select(AuditTeamMember.audit_id).where(AuditTeamMember.user_id == user.id)
    query = select(Audit).where(Audit.id.in_(mine))
    if not include_done:
        query = query.where(
            Audit.state.not_in((AuditState.CLOSED.value, AuditState.CANCELLED.value))
        )
    return _soonest_first(_with_details(query))


def load_cycle(cycle_id: int) -> Cycle | None:
    return db.session.scalar(
        select(Cycle)
        .where(Cycle.id == cycle_id)
        .options(
            selectinload(Cycle.organisation),
            selectinload(Cycle.audits).selectinload(Audit.team).selectinload(AuditTeamMember.user),
        )
    )


def audit_timeline(audit: Audit) -> list[ActivityLog]:
    """Log lines about this audit, oldest first."""
    query = (
        select(ActivityLog)
        .where(ActivityLog.subject_type == "Audit", ActivityLog.subject_id == audit.id)
        .options(selectinload(ActivityLog.actor))
        .order_by(ActivityLog.at, ActivityLog.id)
    )
    return list(db.session.scalars(query))
