"""The 3-year audit programme: created on quote acceptance, dated by the decision, scheduled."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from certification.accounts.models import ConflictKind, Role, User
from certification.activity.models import ActivityLog
from certification.activity.services import lock, record, refused_again, transition
from certification.applications.schemes import scheme_title
from certification.extensions import db
from certification.i18n.collation import sorted_by_name
from certification.paging import Page, Part, Segment, page_of
from certification.programme import rules
from certification.programme.models import Audit, AuditKind, AuditTeamMember, Cycle, TeamRole
from certification.settings import services as settings
from certification.templating import format_day
from certification.workflow import (
    Action,
    AuditState,
    TransitionError,
    next_state,
    recertification_deadline,
)

# The quote's frozen audit time for each audit of the programme (IAF MD 5).
DAYS_FROM_QUOTE = {
    AuditKind.STAGE1: "stage1_days",
    AuditKind.STAGE2: "stage2_days",
    AuditKind.SURVEILLANCE1: "surveillance_days",
    AuditKind.SURVEILLANCE2: "surveillance_days",
    AuditKind.RECERTIFICATION: "recertification_days",
}
MEMBER_ROLES = (TeamRole.AUDITOR.value, TeamRole.EXPERT.value)
# Audits not yet done (or cancelled); the schedule and the dashboards care only about these.
OPEN = (AuditState.PLANNED.value, AuditState.SCHEDULED.value)


class ProgrammeError(ValueError):
    """A refused programme action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class AssignmentRefused(ProgrammeError):
    """Someone picked for the team is unqualified or conflicted, without a written reason."""

    def __init__(self, refusals: dict[int, str]):
        super().__init__(" ".join(refusals.values()), field="team")
        self.refusals = refusals


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
        reason=_(
            "Audit programme created from quote %(number)s on %(date)s.",
            number=quote.number,
            date=format_day(today),
        ),
    )
    db.session.flush()
    return cycle


# A cycle after recertification: the client is certified, so no stage 1 or stage 2.
NEXT_CYCLE = (AuditKind.SURVEILLANCE1, AuditKind.SURVEILLANCE2, AuditKind.RECERTIFICATION)


def start_next_cycle(actor, previous: Cycle, decision_date: date, expires_on: date) -> Cycle:
    """The recertification decision starts the next cycle (domain.md "The cycle"): two
    surveillances due 12 and 24 months after the decision and a recertification before the
    renewed certificate expires, with the auditor-days of the cycle before."""
    days = {audit.kind: audit.planned_days for audit in previous.audits}
    cycle = Cycle(
        organisation_id=previous.organisation_id,
        application_id=previous.application_id,
        quote_id=previous.quote_id,
        number=previous.number + 1,
        scheme=previous.scheme,
        edition=previous.edition,
        decision_date=decision_date,
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
    refresh_programme_dates(cycle)
    # The renewed certificate expires on the old expiry + 3 years, not decision + 3 years.
    recertification = cycle.audits[-1]
    recertification.due_by = recertification_deadline(expires_on)
    record(
        actor,
        cycle,
        "programme_created",
        reason=_(
            "Cycle %(number)s started by the recertification decision of %(date)s.",
            number=cycle.number,
            date=format_day(decision_date),
        ),
    )
    db.session.flush()
    return cycle


def refresh_programme_dates(cycle: Cycle) -> Cycle:
    """Recompute every audit's window from the decision date and the audits already dated."""
    by_kind = {audit.kind: audit for audit in cycle.audits}
    windows = rules.programme_windows(
        cycle.decision_date,
        stage1_last_day=_last_day(by_kind.get(AuditKind.STAGE1)),
        surveillance1_last_day=_last_day(by_kind.get(AuditKind.SURVEILLANCE1)),
        stage1_void_months=int(settings.get("stage1_void_months")),
    )
    for kind, window in windows.items():
        audit = by_kind.get(kind)
        if audit is not None:
            audit.window_start, audit.due_by = window.start, window.due_by
    db.session.flush()
    return cycle


def _last_day(audit: Audit | None) -> date | None:
    if audit is None or audit.state == AuditState.CANCELLED:
        return None
    return audit.end_date


def due_windows() -> tuple[int, ...]:
    return tuple(int(d) for d in settings.get("due_windows"))


def due_badges(audits, today: date) -> dict[int, str | None]:
    """Dashboard badge of each audit by id: "overdue", "due_30", ... or None."""
    windows = due_windows()
    return {
        a.id: rules.audit_due_status(a.state, a.due_by, a.end_date, today, windows) for a in audits
    }


# -- scheduling -------------------------------------------------------------------------------


def schedule_audit(
    actor,
    audit: Audit,
    start: date | None,
    end: date | None,
    lead_id: int | None,
    team: list[tuple[int, str]],
    overrides: dict[int, str],
    *,
    today: date,
) -> Audit:
    """Fix the dates and the team; a planned audit becomes scheduled, a scheduled one moves.

    Every check runs before anything changes, so a refusal leaves the audit as it was.
    """
    lock(audit)
    action = Action.SCHEDULE if audit.state == AuditState.PLANNED else Action.RESCHEDULE
    _check_allowed(audit, action)
    _check_dates(start, end, today)
    seats = _seats(lead_id, team)
    people = _load_people(seats)
    overrides = {int(k): (v or "").strip() for k, v in (overrides or {}).items()}
    problems = {uid: _problem(people[uid], audit, start, end) for uid, _role in seats}
    refusals = {
        uid: _(
            "%(problem)s To assign them anyway, write the reason in their override field.",
            problem=problem,
        )
        for uid, problem in problems.items()
        if problem and not overrides.get(uid)
    }
    if refusals:
        raise AssignmentRefused(refusals)

    before = (audit.start_date, audit.end_date)
    audit.team.clear()
    db.session.flush()  # the old seats go before the new ones take the same people
    audit.start_date, audit.end_date = start, end
    for user_id, role in seats:
        overridden = bool(problems[user_id])
        audit.team.append(
            AuditTeamMember(
                user_id=user_id,
                role=role,
                overridden=overridden,
                override_reason=overrides[user_id] if overridden else "",
            )
        )
    db.session.flush()
    _log_schedule(actor, audit, action, before, seats, people, problems, overrides)
    refresh_programme_dates(audit.cycle)
    return audit


def _check_allowed(audit: Audit, action: Action) -> None:
    try:
        next_state(audit.state_enum, action)
    except TransitionError as error:
        if refused_again(error):
            raise
        raise ProgrammeError(
            _("This cannot be done now: the audit is %(state)s.", state=audit.state_enum.label)
        ) from None


def _check_dates(start: date | None, end: date | None, today: date) -> None:
    if start is None or end is None:
        raise ProgrammeError(_("Give the first and the last day of the audit."), field="start")
    if start < today:
        raise ProgrammeError(_("The audit cannot start in the past."), field="start")
    if end < start:
        raise ProgrammeError(
            _("The last day of the audit cannot be before its first day."), field="end"
        )


def _seats(lead_id: int | None, team: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lead first, then the members; each person once, each with a known role."""
    if not lead_id:
        raise ProgrammeError(_("Choose the lead auditor."), field="lead_id")
    seats = [(int(lead_id), TeamRole.LEAD.value)]
    for user_id, role in team or []:
        if role not in MEMBER_ROLES:
            raise ProgrammeError(
                _("A team member is an auditor or a technical expert; there is one lead."),
                field="team",
            )
        if any(uid == int(user_id) for uid, _role in seats):
            raise ProgrammeError(_("Each person can take only one seat on the team."), field="team")
        seats.append((int(user_id), role))
    return seats


def _load_people(seats: list[tuple[int, str]]) -> dict[int, User]:
    """The people picked, with what the checks need; each must be an active auditor."""
    ids = [user_id for user_id, _role in seats]
    users = db.session.scalars(
        select(User)
        .where(User.id.in_(ids))
        .options(selectinload(User.qualifications), selectinload(User.conflicts))
    ).all()
    people = {u.id: u for u in users}
    for user_id, role in seats:
        person = people.get(user_id)
        if person is not None and person.active and person.role == Role.AUDITOR:
            continue
        if role == TeamRole.LEAD:
            raise ProgrammeError(_("The lead must be an active auditor."), field="lead_id")
        raise ProgrammeError(
            _(
                "%(name)s cannot join the team: only active auditors can.",
                name=person.name if person else _("A chosen person"),
            ),
            field="team",
        )
    return people


def _problem(person: User, audit: Audit, start: date, end: date) -> str:
    """Why this person should not audit this client, or "" (17021-1 5.2 and 7.1).

    The conflict counts on the first audit day; the qualification must hold to the last.
    """
    cycle, organisation = audit.cycle, audit.organisation
    conflict = rules.blocking_conflict(person.conflicts, organisation.id, start)
    if conflict is not None:
        return _(
            "%(name)s has a conflict of interest with %(organisation)s (%(kind)s, %(until)s).",
            name=person.name,
            organisation=organisation.display_name,
            kind=_conflict_label(conflict.kind),
            until=_("ended %(date)s", date=format_day(conflict.ended_on))
            if conflict.ended_on
            else _("ongoing"),
        )
    if not rules.is_qualified(person.qualifications, cycle.scheme, organisation.sector_code, end):
        return _(
            "%(name)s is not qualified for %(scheme)s in sector %(sector)s on %(date)s.",
            name=person.name,
            scheme=scheme_title(cycle.scheme, cycle.edition),
            sector=organisation.sector_code,
            date=format_day(end),
        )
    return ""


def _conflict_label(kind: str) -> str:
    try:
        return ConflictKind(kind).label
    except ValueError:
        return kind


def _log_schedule(actor, audit, action, before, seats, people, problems, overrides) -> None:
    when = _(
        "%(start)s to %(end)s", start=format_day(audit.start_date), end=format_day(audit.end_date)
    )
    if action == Action.RESCHEDULE:
        when = _(
            "Moved from %(old_start)s – %(old_end)s to %(when)s.",
            old_start=format_day(before[0]),
            old_end=format_day(before[1]),
            when=when,
        )
    team = ", ".join(f"{people[uid].name} ({TeamRole(role).label})" for uid, role in seats)
    transition(actor, audit, action, reason=f"{when} {_('Team:')} {team}")
    for user_id, _role in seats:
        if problems[user_id]:
            record(
                actor,
                audit,
                "assignment_override",
                reason=f"{problems[user_id]} {_('Reason:')} {overrides[user_id]}",
            )


def cancel_audit(actor, audit: Audit, reason: str | None, today: date) -> Audit:
    """Take a planned or scheduled audit out of the programme, with a reason for the record."""
    lock(audit)
    _check_allowed(audit, Action.CANCEL)
    reason = (reason or "").strip()
    if not reason:
        raise ProgrammeError(_("Give a reason for cancelling the audit."), field="reason")
    transition(
        actor,
        audit,
        Action.CANCEL,
        reason=_("%(reason)s (cancelled on %(date)s)", reason=reason, date=format_day(today)),
    )
    refresh_programme_dates(audit.cycle)
    return audit


# -- reading ----------------------------------------------------------------------------------


def auditor_choices() -> list[User]:
    """People who can sit on an audit team: active auditors, by name."""
    query = select(User).where(User.role == Role.AUDITOR.value, User.active.is_(True))
    return sorted_by_name(
        db.session.scalars(query.order_by(User.id)), lambda u: u.name, get_locale()
    )


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


def open_audits_page(show: str, today: date, args: Mapping[str, str], per_page: int) -> Page:
    """Planner's list, a page at a time (paged by key: the last page costs what the first does)."""
    return page_of(open_audits_query(show, today), SOONEST, args, per_page)


def open_audits_query(show: str, today: date):
    """Planner's list: open audits across organisations; "overdue" keeps the late ones."""
    query = select(Audit).where(Audit.state.in_(OPEN))
    if show == "overdue":
        query = query.where(
            Audit.due_by.is_not(None),
            or_(
                and_(Audit.state == AuditState.PLANNED.value, Audit.due_by < today),
                and_(Audit.state == AuditState.SCHEDULED.value, Audit.end_date > Audit.due_by),
            ),
        )
    elif show in OPEN:
        query = query.where(Audit.state == show)
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


def my_audits_page(user: User, include_done: bool, args: Mapping[str, str], per_page: int) -> Page:
    """The auditor's list a page at a time, paged by key."""
    return page_of(my_audits_query(user, include_done), BY_WHEN, args, per_page)


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
