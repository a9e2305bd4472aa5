"""Pure rules of the calendar: overlapping days, a month's grid, all-day event bounds.

No Flask, no database, no clock.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def overlaps(start: date, end: date, other_start: date, other_end: date) -> bool:
    """Two day ranges (both ends included) share at least one day."""
    return start <= other_end and other_start <= end


def overlapping(leaves, start: date, end: date) -> list:
    """The leaves (anything with start_date and end_date) that fall on the audit's days."""
    return [leave for leave in leaves if overlaps(start, end, leave.start_date, leave.end_date)]


def parse_month(text: str | None, today: date) -> date:
    """The first day of the month named "YYYY-MM", else of this month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def month_weeks(first: date) -> list[list[date | None]]:
    """The month as weeks from Monday; days of other months are None."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return [[d if d.month == first.month else None for d in week] for week in weeks]


def all_day_end(last_day: date) -> date:
    """RFC 5545 3.6.1: DTEND of an all-day event is the day after its last day (exclusive)."""
    return last_day + timedelta(days=1)
