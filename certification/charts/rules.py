"""Pure rules behind the charts: month ranges, a certificate's status on a day, medians.

No Flask, no database, no clock: every function takes the dates it needs.
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from certification.workflow import add_months


def month_starts(today: date, back: int, ahead: int = 0) -> list[date]:
    """First days of the `back` months up to this one, then `ahead` months after it."""
    this_month = today.replace(day=1)
    return [add_months(this_month, n) for n in range(-back + 1, ahead + 1)]


def month_end(first_day: date) -> date:
    return add_months(first_day, 1) - timedelta(days=1)


def month_of(day: date | None) -> date | None:
    return None if day is None else day.replace(day=1)


def status_on(
    day: date,
    issued_on: date,
    state: str,
    ended_on: date | None,
    suspended_on: date | None,
) -> str | None:
    """A certificate's status on `day`, from its dates, as the register would have shown it.

    None before issue and after it was superseded (its next revision counts then). Withdrawn
    and expired certificates count as such from the day they ended. A suspension is known only
    while it lasts (the past ones are in the activity log, not in the certificate's dates).
    """
    if day < issued_on:
        return None
    if ended_on is not None and day >= ended_on:
        return None if state == "superseded" else state
    if state == "suspended" and suspended_on is not None and day >= suspended_on:
        return "suspended"
    return "active"


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def top_clause(clause: str) -> str:
    """The clause a finding counts under: "7.2" of "7.2.1"; a bare number stays as it is."""
    parts = clause.split(".")
    return ".".join(parts[:2])


def clause_key(clause: str) -> tuple:
    """Sort clauses as numbers (4.2 before 4.10), with anything else last."""
    return tuple(int(p) if p.isdigit() else 10**6 for p in clause.split("."))
