"""Pure calendar rules: overlapping leave, the month grid, all-day event bounds."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as Leave

import pytest

from certification.calendar import rules

D = date


@pytest.mark.parametrize(
    ("leave", "expected"),
    [
        ((D(2026, 12, 1), D(2026, 12, 5)), True),  # inside
        ((D(2026, 12, 5), D(2026, 12, 9)), True),  # starts on the audit's last day
        ((D(2026, 11, 25), D(2026, 12, 3)), True),  # ends on the audit's first day
        ((D(2026, 12, 6), D(2026, 12, 9)), False),  # the day after
        ((D(2026, 11, 1), D(2026, 12, 2)), False),  # the day before
        ((D(2026, 11, 1), D(2027, 1, 1)), True),  # around it
    ],
)
def test_leave_overlapping_an_audit(leave, expected):
    leaves = [Leave(start_date=leave[0], end_date=leave[1])]
    found = rules.overlapping(leaves, D(2026, 12, 3), D(2026, 12, 5))
    assert bool(found) is expected


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("2026-02", D(2026, 2, 1)),
        ("2026-13", D(2026, 11, 1)),
        ("", D(2026, 11, 1)),
        ("x", D(2026, 11, 1)),
    ],
)
def test_parse_month(text, first):
    assert rules.parse_month(text, D(2026, 11, 24)) == first


def test_a_month_grid_starts_on_monday_and_blanks_other_months():
    weeks = rules.month_weeks(D(2026, 2, 1))  # 1 Feb 2026 is a Sunday
    assert weeks[0][:6] == [None] * 6 and weeks[0][6] == D(2026, 2, 1)
    days = [d for week in weeks for d in week if d]
    assert days[0] == D(2026, 2, 1) and days[-1] == D(2026, 2, 28) and len(days) == 28


def test_an_all_day_event_ends_the_day_after():
    assert rules.all_day_end(D(2026, 12, 31)) == D(2027, 1, 1)
