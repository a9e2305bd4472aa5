"""Pure rules of starting an audit: the client has the plan of this very audit (17021-1 9.2.3),
and nobody on the team gave the client consultancy within two years (17021-1 5.2.10).

No Flask, no database, no clock: plans, seats and conflicts are any objects with the models'
attribute names. The conflict rule itself is the programme's (programme.rules.blocking_conflict):
this only asks it about the ties that no written reason lifts.
"""

from __future__ import annotations

from datetime import date

from certification.programme.rules import blocking_conflict
from certification.programme.team_rules import NO_OVERRIDE_KINDS

# A plan the client has received and not asked to change: the audit may go ahead on it.
STARTABLE_PLAN_STATES = ("sent", "confirmed")


def plan_problem(plan, start: date | None, end: date | None, team) -> str | None:
    """Why `plan` (the version in force, or None) does not let the audit start, as a code:

    "not_sent": no version has gone to the client; "change_requested": the client asked for a
    change and has no newer version; "dates_changed" or "team_changed": the audit was moved,
    or its team changed, after the version in force was sent, so the client has the plan of
    another audit. None when the client has this audit's plan. `team` is the audit's seats
    (user_id, role).
    """
    if plan is None or plan.state not in (*STARTABLE_PLAN_STATES, "change_requested"):
        return "not_sent"
    if plan.state == "change_requested":
        return "change_requested"
    if (plan.start_date, plan.end_date) != (start, end):
        return "dates_changed"
    if seats(plan.team) != seats(team):
        return "team_changed"
    return None


def seats(team) -> set[tuple[int, str]]:
    """The people who audit, with their roles; seats without a person (an observer or an
    interpreter added on the plan) are not the audit team."""
    return {(seat.user_id, seat.role) for seat in team if seat.user_id is not None}


def barring_consultancy(conflicts, organisation_id: int, first_day: date):
    """The consultancy with this client that still bars the person on the audit's first day
    (17021-1 5.2.10: no override, whenever it was recorded), or None.

    Only consultancy: another tie was weighed when the team was picked, and the planner may
    have lifted it with a logged reason. The first day is the strictest: the bar only ends.
    """
    consultancy = [c for c in conflicts if c.kind in NO_OVERRIDE_KINDS]
    return blocking_conflict(consultancy, organisation_id, first_day)
