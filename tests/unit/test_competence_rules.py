"""Competence records (17021-1 7.1, 7.2): lapsing soon, evaluation due, who is competent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certification.accounts.competence import SEAT_ROLES, competence_problem_any
from certification.competence import rules

TODAY = date(2026, 11, 29)


@dataclass
class Record:
    role: str = "auditor"
    scheme: str = "iso10002"
    sector_code: str = "29"
    valid_from: date | None = None
    valid_until: date | None = None


@pytest.mark.parametrize(
    "valid_until, days, expected",
    [
        (None, 60, False),  # open-ended never lapses
        (date(2026, 11, 28), 60, False),  # lapsed already: not "lapsing soon"
        (date(2026, 11, 29), 60, True),  # last valid day is today
        (date(2027, 1, 28), 60, True),  # the 60th day
        (date(2027, 1, 29), 60, False),  # the 61st day
        (date(2027, 1, 29), 90, True),
    ],
)
def test_a_record_lapsing_within_the_window(valid_until, days, expected):
    assert rules.expiring(valid_until, TODAY, days) is expected


@pytest.mark.parametrize(
    "last, expected",
    [
        (None, True),  # never evaluated
        (date(2026, 11, 30), False),  # (a later date: not yet due)
        (date(2025, 11, 30), False),  # 12 months end tomorrow
        (date(2025, 11, 29), True),  # 12 months today
        (date(2025, 6, 1), True),
        (date(2026, 1, 15), False),
    ],
)
def test_the_yearly_evaluation_falls_due_twelve_months_after_the_last(last, expected):
    assert rules.evaluation_due(last, TODAY) is expected


@pytest.mark.parametrize(
    "last, due_by",
    [(None, None), (date(2025, 3, 31), date(2026, 3, 31)), (date(2024, 2, 29), date(2025, 2, 28))],
)
def test_the_next_evaluation_is_due_by(last, due_by):
    assert rules.evaluation_due_by(last) == due_by


@pytest.mark.parametrize(
    "evaluated_on, problem",
    [(None, "missing"), (date(2026, 11, 30), "future"), (TODAY, None), (date(2026, 1, 2), None)],
)
def test_an_evaluation_is_recorded_once_it_happened(evaluated_on, problem):
    assert rules.evaluation_date_problem(evaluated_on, TODAY) == problem


PEOPLE = {
    1: [Record(valid_until=date(2026, 12, 31))],
    2: [Record(valid_from=date(2027, 1, 1))],
    3: [Record(sector_code="31")],
    4: [Record(role="committee_member", sector_code="")],
    5: [Record(sector_code="", valid_from=date(2020, 1, 1), valid_until=date(2026, 11, 28))],
    6: [Record(role="technical_expert")],
}


@pytest.mark.parametrize(
    "role, sector, day, expected",
    [
        ("auditor", "29", TODAY, [1]),
        ("auditor", "29", date(2027, 1, 1), [2]),  # 1 lapsed on 31 Dec, 2 starts
        ("auditor", "31", TODAY, [3]),
        ("auditor", "29", date(2026, 11, 28), [1, 5]),  # 5's last valid day
        ("committee_member", "29", TODAY, [4]),
        ("technical_expert", "29", TODAY, [6]),
    ],
)
def test_who_is_competent_on_a_day(role, sector, day, expected):
    assert rules.competent_people(PEOPLE, role, "iso10002", sector, day) == expected


@pytest.mark.parametrize(
    "records, seat, expected",
    [
        ([Record(role="technical_expert")], "expert", None),
        ([Record(role="technical_expert")], "auditor", "missing"),
        ([Record(role="technical_expert")], "lead", "missing"),
        ([Record()], "expert", None),  # an auditor's qualification covers an expert seat
        ([Record(role="technical_expert", valid_until=date(2026, 1, 1))], "expert", "expired"),
    ],
)
def test_a_technical_experts_record_covers_an_expert_seat_only(records, seat, expected):
    problem = competence_problem_any(records, SEAT_ROLES[seat], "iso10002", "29", TODAY)
    assert problem == expected


def test_standing_sorts_records_and_flags_the_evaluation():
    records = [
        Record(valid_until=date(2027, 1, 10)),  # lapsing within 60 days
        Record(sector_code="31"),  # open-ended
        Record(sector_code="32", valid_until=date(2026, 1, 1)),  # lapsed
        Record(sector_code="33", valid_from=date(2027, 6, 1)),  # not yet valid
    ]
    found = rules.standing(records, date(2025, 10, 1), TODAY, 60)
    assert [r.sector_code for r in found.valid] == ["29", "31"]
    assert [r.sector_code for r in found.expiring] == ["29"]
    assert [r.sector_code for r in found.lapsed] == ["32"]
    assert found.evaluation_due and found.needs_attention
    calm = rules.standing([Record()], date(2026, 6, 1), TODAY, 60)
    assert not calm.needs_attention and calm.next_evaluation_by == date(2027, 6, 1)


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.integers(-800, 800))
def test_the_last_day_due_divides_the_evaluations_due_from_the_others(today, offset):
    """The counts' SQL cut-off: an evaluation made on or before it is due again today, one
    made after it is not, leap days and month ends included."""
    last = rules.last_day_due(today)
    day = last + timedelta(days=offset)
    assert rules.evaluation_due(day, today) is (day <= last)


@pytest.mark.parametrize(
    "today, last",
    [
        (date(2029, 2, 28), date(2028, 2, 29)),  # 29 Feb + 12 months = 28 Feb: due that day
        (date(2028, 2, 29), date(2027, 2, 28)),
        (date(2026, 11, 29), date(2025, 11, 29)),
    ],
)
def test_the_last_day_due_at_the_month_ends(today, last):
    assert rules.last_day_due(today) == last
