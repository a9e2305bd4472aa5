"""Scheduling an audit: its dates and its team, every rule checked before anything changes.

17021-1 5.2 and 7.1 (the team: competent, impartial, free on those days; programme/team.py),
9.3.1 (stage 2 after a concluded stage 1; programme/stages.py), 9.1.3 and 9.6.2 (a surveillance
or recertification after its due date only with a justified exception; surveillance 2 in the
calendar year after surveillance 1), IAF MD 5 (the renewal personnel; programme/renewal.py).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.accounts.models import Role, User
from certification.activity.notes import log_note
from certification.activity.services import lock, record, refused_again, transition
from certification.calendar.services import leave_refusal
from certification.extensions import db
from certification.programme import renewal, rules, stages
from certification.programme import team as team_assessment
from certification.programme.dates import programme_windows_of, refresh_programme_dates
from certification.programme.errors import AssignmentRefused, ProgrammeError
from certification.programme.models import Audit, AuditKind, AuditTeamMember, TeamRole
from certification.templating import format_day
from certification.workflow import Action, AuditState, TransitionError, next_state

MEMBER_ROLES = (TeamRole.AUDITOR.value, TeamRole.EXPERT.value)


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
    late_reason: str = "",
) -> Audit:
    """Fix the dates and the team; a planned audit becomes scheduled, a scheduled one moves.

    Every check runs before anything changes, so a refusal leaves the audit as it was.
    """
    lock(audit)
    action = Action.SCHEDULE if audit.state == AuditState.PLANNED else Action.RESCHEDULE
    _check_allowed(audit, action)
    _check_dates(start, end, today)
    _check_calendar_years(audit, start, end)
    if (refusal := stages.stage2_refusal(audit, start, starting=False)) is not None:
        raise ProgrammeError(refusal, field="start")
    if (refusal := renewal.undeclared_refusal(audit)) is not None:
        raise ProgrammeError(refusal, field="start")
    late_reason = _late_reason(audit, end, late_reason)
    seats = _seats(lead_id, team)
    refusal = leave_refusal([uid for uid, _role in seats], start, end)  # auditors' leave
    if refusal:
        raise ProgrammeError(refusal)
    people = _load_people(seats)
    overrides = {int(k): (v or "").strip() for k, v in (overrides or {}).items()}
    candidates = team_assessment.assess_people(
        list(people.values()), audit, start, end, seats=dict(seats)
    )
    problems = {uid: " ".join(candidates[uid].override_words) for uid, _role in seats}
    refusals = {}
    for uid, _role in seats:
        candidate = candidates[uid]
        if candidate.blocking_words:
            # 17021-1 5.2.10 (consultancy), 7.1 and 7.2 (a seat without a valid
            # qualification) and 9.2.2 (two audits at once): no override.
            refusals[uid] = " ".join(candidate.blocking_words)
        elif problems[uid] and not overrides.get(uid):
            refusals[uid] = _(
                "%(problem)s To assign them anyway, write the reason in their override field.",
                problem=problems[uid],
            )
    if refusals:
        raise AssignmentRefused(refusals)

    before = (audit.start_date, audit.end_date)
    audit.team.clear()
    db.session.flush()  # the old seats go before the new ones take the same people
    audit.start_date, audit.end_date = start, end
    audit.late_justification = late_reason
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
    overridden = {
        uid: team_assessment.override_notes(people[uid], audit, candidates[uid].assessment)
        for uid, _role in seats
        if problems[uid]
    }
    _log_schedule(actor, audit, action, before, seats, people, overridden, overrides)
    if late_reason:
        record(
            actor,
            audit,
            "late_exception",
            reason=late_reason,
            note=log_note("late_justified", due=audit.due_by, start=start, end=end),
        )
    refresh_programme_dates(audit.cycle)
    return audit


def _late_reason(audit: Audit, end: date, late_reason: str) -> str:
    """17021-1 9.1.3, 9.6.2: a surveillance or recertification after its due-by date only with
    the planner's justified exception (kept with the audit, logged, shown to the committee)."""
    if not rules.scheduled_late(audit.kind, audit.due_by, end):
        return ""
    reason = (late_reason or "").strip()
    if not reason:
        raise ProgrammeError(
            _(
                "ISO/IEC 17021-1 9.1.3: %(audit)s is due by %(date)s. To hold it later, record "
                "the justified exception; the committee sees it.",
                audit=audit.kind_enum.label,
                date=format_day(audit.due_by),
            ),
            field="late_reason",
        )
    return reason


def _check_calendar_years(audit: Audit, start: date, end: date) -> None:
    """17021-1 9.1.3.3: surveillance at least once every calendar year, so surveillance 2 falls
    in the calendar year after surveillance 1. Surveillance 2 cannot start before its window
    (from surveillance 1's last day, held or planned; until surveillance 1 is dated, from the
    1 January after the decision); surveillance 1 cannot move into surveillance 2's year."""
    if audit.kind == AuditKind.SURVEILLANCE2:
        window = programme_windows_of(audit.cycle)["surveillance2"]
        if not rules.scheduled_early(audit.kind, window.start, start):
            return
        first = _other_audit(audit, AuditKind.SURVEILLANCE1)
        if first is not None and first.end_date is not None:
            message = _(
                "ISO/IEC 17021-1 9.1.3.3: surveillance is held at least once every calendar "
                "year, so surveillance 2 falls in the calendar year after surveillance 1 (which "
                "ends on %(first)s). Surveillance 2 can start on %(date)s at the earliest.",
                first=format_day(first.end_date),
                date=format_day(window.start),
            )
        else:
            message = _(
                "ISO/IEC 17021-1 9.1.3.3: surveillance is held at least once every calendar "
                "year, so surveillance 2 falls in the calendar year after surveillance 1, which "
                "is not dated yet and cannot come before the certification decision of "
                "%(decision)s. Surveillance 2 can start on %(date)s at the earliest.",
                decision=format_day(audit.cycle.decision_date),
                date=format_day(window.start),
            )
        raise ProgrammeError(message, field="start")
    if audit.kind == AuditKind.SURVEILLANCE1:
        second = _other_audit(audit, AuditKind.SURVEILLANCE2)
        if second is None or second.start_date is None:
            return
        window = programme_windows_of(audit.cycle, surveillance1_last_day=end)["surveillance2"]
        if rules.scheduled_early(second.kind, window.start, second.start_date):
            raise ProgrammeError(
                _(
                    "ISO/IEC 17021-1 9.1.3.3: surveillance is held at least once every calendar "
                    "year, so surveillance 2 (from %(second)s) falls in the calendar year after "
                    "surveillance 1. Surveillance 1 must end by %(date)s; to hold it later, "
                    "move surveillance 2 first.",
                    second=format_day(second.start_date),
                    date=format_day(date(second.start_date.year - 1, 12, 31)),
                ),
                field="end",
            )


def _other_audit(audit: Audit, kind: str) -> Audit | None:
    """The cycle's current audit of that kind (the latest not cancelled), if any."""
    found = [a for a in audit.cycle.audits if a.kind == kind and a.state != AuditState.CANCELLED]
    return found[-1] if found else None


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


def _log_schedule(actor, audit, action, before, seats, people, overridden, overrides) -> None:
    when = log_note("period", start=audit.start_date, end=audit.end_date)
    if action == Action.RESCHEDULE:
        when = log_note("moved", old_start=before[0], old_end=before[1], when=when)
    team = [{"name": people[uid].name, "role": TeamRole(role).value} for uid, role in seats]
    transition(
        actor, audit, action, note=log_note("label", log_note("team", team=team), label=when)
    )
    for user_id, notes in overridden.items():
        if notes:  # what was overridden, then the planner's reason as they typed it
            said = {**notes[0], "then": [*notes[1:], log_note("override_reason")]}
            record(actor, audit, "assignment_override", reason=overrides[user_id], note=said)


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
        reason=reason,
        note=log_note("cancelled_on", date=today),
    )
    refresh_programme_dates(audit.cycle)
    return audit
