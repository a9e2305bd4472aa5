"""What is due when: the pure rules behind the home pages and the daily reminders.

No Flask, no database, no clock: every function takes `today` and plain values. The windows are
the body's "due soon" setting (domain.md: default 90, 30 and 7 days). The home pages turn these
rules into SQL bounds (`horizon`, `cutoff`); the reminders ask `reminder_step` for each date.
"""

from __future__ import annotations

from datetime import date, timedelta

from certification.workflow import DUE_WINDOWS, due_status

# Audits whose report is with the committee or decided: they have been held.
HELD_STATES = ("in_progress", "submitted", "returned", "closed")
# A recertification audit counts as arranged once it has dates (or was held).
ARRANGED_STATES = ("scheduled", *HELD_STATES)


def horizon(today: date, windows: tuple[int, ...] = DUE_WINDOWS) -> date:
    """The last day the widest window reaches: anything due on or before it is "due soon"."""
    return today + timedelta(days=max(windows))


def within(today: date, days: int) -> date:
    """The last day of a window of `days` days starting today."""
    return today + timedelta(days=days)


def needs_scheduling(
    state: str, due_by: date | None, today: date, windows: tuple[int, ...] = DUE_WINDOWS
) -> bool:
    """A planned (undated) audit whose due-by date is inside the widest window, or past."""
    return state == "planned" and due_by is not None and due_by <= horizon(today, windows)


def expiring_unarranged(
    state: str,
    expires_on: date,
    recertification_state: str | None,
    today: date,
    windows: tuple[int, ...] = DUE_WINDOWS,
) -> bool:
    """17021-1 9.6.3.2.5: an active certificate inside the widest window before expiry whose
    recertification audit has no dates yet (the audit and the decision must precede expiry)."""
    return (
        state == "active"
        and expires_on <= horizon(today, windows)
        and recertification_state not in ARRANGED_STATES
    )


def suspension_near_limit(suspended_until: date | None, today: date, days: int) -> bool:
    """A suspension whose limit (17021-1 9.6.5, policy 6 months) falls within `days` days or has
    passed: the committee must withdraw or reduce the scope by then."""
    return suspended_until is not None and suspended_until <= within(today, days)


def middle_window(windows: tuple[int, ...] = DUE_WINDOWS) -> int:
    """The window used where one number is needed ("nearing its limit"): 30 of 90/30/7."""
    ordered = sorted(windows)
    return ordered[len(ordered) // 2]


def dormant_cutoff(today: date, days: int = 90) -> date:
    """Accounts last signed in (or, never signed in, created) before this day are dormant."""
    return today - timedelta(days=days)


def is_dormant(last_sign_in: date | None, created_on: date, today: date, days: int = 90) -> bool:
    return (last_sign_in or created_on) < dormant_cutoff(today, days)


def qualification_expiring(
    valid_until: date | None, today: date, windows: tuple[int, ...] = DUE_WINDOWS
) -> bool:
    """17021-1 7.1: a qualification still valid today that lapses inside the widest window."""
    return valid_until is not None and today <= valid_until <= horizon(today, windows)


def days_waiting(since: date, today: date) -> int:
    return max((today - since).days, 0)


def reminder_step(
    due: date | None, today: date, windows: tuple[int, ...] = DUE_WINDOWS
) -> str | None:
    """The reminder a due date calls for today: "due_<n>" for the smallest window it is in,
    "overdue" once past, None when not yet inside any window.

    A reminder is sent once per step: the step is part of the message's key, so running the
    daily reminders again on the same day (or the next day, still in the same window) adds
    nothing, and entering a smaller window sends one new reminder.
    """
    return due_status(due, today, windows)
