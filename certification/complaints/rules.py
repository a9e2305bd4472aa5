"""Pure rules of complaints handling: working-day time limits, what is due or overdue, who may
investigate and approve, and when a complaint may be rated or closed without a reply.

No Flask, no database, no clock: plain values in, plain values out. Problems come back as short
codes; the services turn them into the reader's words. The due/overdue computation is what a
reminder job (a later notifications issue) calls: `reminders(complaints, today, holidays)`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from certification.programme.rules import blocking_conflict
from certification.workflow import ComplaintState

K = ComplaintState
SATURDAY, SUNDAY = 5, 6

# Who handles what: planning staff run the process; any staff member may investigate; the
# decision is approved by an admin, a planner or a committee member. Hook: once competence
# records exist (17021-1 7.1, issue #12's competence bullet), these role checks become
# "has a valid competence record for complaints handling".
MANAGING_ROLES = ("admin", "planner")
INVESTIGATING_ROLES = ("admin", "planner", "auditor", "committee")
APPROVING_ROLES = ("admin", "planner", "committee")

# States in which the body still owes the complainant an acknowledgement or an answer.
ACKNOWLEDGEMENT_PENDING = (K.RECEIVED.value,)
ANSWER_PENDING = tuple(
    s.value
    for s in (
        K.RECEIVED,
        K.ACKNOWLEDGED,
        K.ASSESSED,
        K.INVESTIGATING,
        K.DECISION_PROPOSED,
        K.DECISION_APPROVED,
    )
)
# Still open in the sense of ISO 10002 7.9 (not closed, not dismissed).
OPEN_STATES = (*ANSWER_PENDING, K.ANSWERED.value, K.IN_RECOURSE.value)
FINISHED_STATES = (K.CLOSED.value, K.DISMISSED.value)


# -- working days ------------------------------------------------------------------------------


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    """Monday to Friday, and not one of the body's holidays."""
    return day.weekday() not in (SATURDAY, SUNDAY) and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The `days`-th working day after `start` (the start day itself never counts)."""
    if days < 0:
        raise ValueError("a time limit counts forward")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not later."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def parse_holidays(values: Iterable[str]) -> frozenset[date]:
    """The settings' holiday strings (YYYY-MM-DD) as days; a bad one is skipped, not fatal."""
    days = set()
    for value in values or ():
        try:
            days.add(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return frozenset(days)


# -- time limits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: date
    answer_by: date


def deadlines(
    received_on: date,
    holidays: Collection[date] = (),
    acknowledge_days: int = 5,
    answer_days: int = 15,
) -> Deadlines:
    """ISO 10002 4.15, 7.4; 17021-1 9.7: policy defaults 5 and 15 working days from receipt."""
    return Deadlines(
        add_working_days(received_on, acknowledge_days, holidays),
        add_working_days(received_on, answer_days, holidays),
    )


@dataclass(frozen=True)
class Reminder:
    """One thing the body owes a complainant: its step, due day and how urgent it is."""

    complaint_id: int
    step: str  # "acknowledge" | "answer"
    due: date
    status: str  # "overdue" | "due_today" | "due_soon"
    working_days_left: int  # negative when overdue


def step_status(
    due: date, today: date, holidays: Collection[date] = (), soon_days: int = 2
) -> tuple[str, int] | None:
    """("overdue" | "due_today" | "due_soon", working days left) or None when not yet near."""
    if today > due:
        return "overdue", -working_days_between(due, today, holidays)
    if today == due:
        return "due_today", 0
    left = working_days_between(today, due, holidays)
    return ("due_soon", left) if left <= soon_days else None


def pending_steps(state: str, acknowledge_by: date, answer_by: date) -> list[tuple[str, date]]:
    """The steps still owed in this state, with their due days."""
    steps = []
    if state in ACKNOWLEDGEMENT_PENDING:
        steps.append(("acknowledge", acknowledge_by))
    if state in ANSWER_PENDING:
        steps.append(("answer", answer_by))
    return steps


def reminders(
    complaints: Iterable, today: date, holidays: Collection[date] = (), soon_days: int = 2
) -> list[Reminder]:
    """What is due soon, today or overdue; `complaints` have id, state, acknowledge_by and
    answer_by. Sorted most urgent first: the overdue list and a reminder job use this."""
    found = []
    for complaint in complaints:
        for step, due in pending_steps(
            complaint.state, complaint.acknowledge_by, complaint.answer_by
        ):
            status = step_status(due, today, holidays, soon_days)
            if status is not None:
                found.append(Reminder(complaint.id, step, due, *status))
    return sorted(found, key=lambda r: (r.working_days_left, r.due, r.complaint_id))


def is_overdue(state: str, acknowledge_by: date, answer_by: date, today: date) -> bool:
    return any(today > due for _step, due in pending_steps(state, acknowledge_by, answer_by))


# -- who may handle ----------------------------------------------------------------------------


def handling_problem(
    person_id: int,
    role: str,
    involved_ids: Collection[int],
    conflicts: Iterable,
    organisation_ids: Iterable[int | None],
    today: date,
    roles: Collection[str] = INVESTIGATING_ROLES,
) -> str | None:
    """Why this person may not handle the complaint: "role", "involved" or "conflict".

    17021-1 9.7 (and ISO 10002 4.7, annex D): investigated and decided by people not involved
    in the matter; 5.2: nor by anyone with a recorded conflict with the organisation concerned.
    """
    if role not in roles:
        return "role"
    if person_id in set(involved_ids):
        return "involved"
    for organisation_id in organisation_ids:
        if organisation_id is not None and blocking_conflict(conflicts, organisation_id, today):
            return "conflict"
    return None


def approval_problem(
    person_id: int,
    role: str,
    involved_ids: Collection[int],
    conflicts: Iterable,
    organisation_ids: Iterable[int | None],
    investigator_id: int | None,
    today: date,
) -> str | None:
    """As handling_problem, and "investigator": the decision is reviewed by a second person."""
    problem = handling_problem(
        person_id, role, involved_ids, conflicts, organisation_ids, today, APPROVING_ROLES
    )
    if problem is None and person_id == investigator_id:
        return "investigator"
    return problem


def may_see_identity(
    user_id: int | None,
    role: str | None,
    identity_shared: bool,
    involved_ids: Collection[int],
    handler_ids: Collection[int | None],
) -> bool:
    """ISO 10002 4.10: the complainant's identity goes to those handling the complaint only
    (managing staff not involved, its investigator and approver), unless they agreed."""
    if identity_shared:
        return True
    if user_id is None or user_id in set(involved_ids):
        return False
    return role in MANAGING_ROLES or user_id in set(handler_ids)


# -- after the answer --------------------------------------------------------------------------


def may_close_without_reply(
    answered_on: date | None, today: date, reply_days: int, holidays: Collection[date] = ()
) -> bool:
    """ISO 10002 7.9: a complaint stays open until the complainant replies or the time given to
    reply (policy, working days) has passed."""
    if answered_on is None:
        return False
    return today > add_working_days(answered_on, reply_days, holidays)


def rating_problem(state: str, already_rated: bool, score) -> str | None:
    """ISO 10002 8.3: rated once, after closing, from 1 to 5."""
    if state not in FINISHED_STATES:
        return "not_closed"
    if already_rated:
        return "already_rated"
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        return "score"
    return None


def contact_key(email: str, phone: str) -> str:
    """The same complainant, whatever the case or spacing they type: for repeat counts."""
    email = (email or "").strip().casefold()
    if email:
        return email
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"tel:{digits}" if digits else ""
