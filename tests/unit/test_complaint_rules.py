"""Complaints handling rules: working-day time limits with holidays, what is due or overdue, who
may investigate and approve, confidentiality, closing without a reply, rating."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from certification.complaints import rules
from certification.workflow import ComplaintState as K

# 2026-04-23 is a Thursday and Turkey's National Sovereignty and Children's Day.
HOLIDAYS = frozenset({date(2026, 4, 23), date(2026, 5, 1)})


@pytest.mark.parametrize(
    "start, days, holidays, expected",
    [
        (date(2026, 4, 13), 5, (), date(2026, 4, 20)),  # Monday + 5 = next Monday
        (date(2026, 4, 17), 1, (), date(2026, 4, 20)),  # Friday + 1 skips the weekend
        (date(2026, 4, 18), 1, (), date(2026, 4, 20)),  # received on Saturday
        (date(2026, 4, 19), 5, (), date(2026, 4, 24)),  # received on Sunday
        (date(2026, 4, 20), 5, HOLIDAYS, date(2026, 4, 28)),  # Thursday 23 April skipped
        (date(2026, 4, 20), 15, HOLIDAYS, date(2026, 5, 13)),  # 23 April and 1 May skipped
        (date(2026, 4, 20), 15, (), date(2026, 5, 11)),
        (date(2026, 12, 31), 1, (), date(2027, 1, 1)),
        (date(2026, 4, 20), 0, (), date(2026, 4, 20)),
    ],
)
def test_add_working_days(start, days, holidays, expected):
    assert rules.add_working_days(start, days, holidays) == expected


def test_a_time_limit_counts_forward():
    with pytest.raises(ValueError):
        rules.add_working_days(date(2026, 4, 20), -1)


@pytest.mark.parametrize(
    "start, end, holidays, expected",
    [
        (date(2026, 4, 20), date(2026, 4, 20), (), 0),
        (date(2026, 4, 20), date(2026, 4, 21), (), 1),
        (date(2026, 4, 17), date(2026, 4, 20), (), 1),  # Friday to Monday
        (date(2026, 4, 20), date(2026, 4, 24), HOLIDAYS, 3),
        (date(2026, 4, 24), date(2026, 4, 20), (), 0),  # end before start
    ],
)
def test_working_days_between(start, end, holidays, expected):
    assert rules.working_days_between(start, end, holidays) == expected


def test_deadlines_use_the_policy_days():
    limits = rules.deadlines(date(2026, 4, 20), HOLIDAYS)
    assert limits == rules.Deadlines(date(2026, 4, 28), date(2026, 5, 13))
    assert rules.deadlines(date(2026, 4, 20), (), 2, 3).answer_by == date(2026, 4, 23)


def test_holiday_strings_are_read_and_bad_ones_skipped():
    assert rules.parse_holidays(["2026-04-23", "23.04.2026", ""]) == {date(2026, 4, 23)}


@dataclass
class Row:
    id: int
    state: str
    acknowledge_by: date
    answer_by: date


TODAY = date(2026, 4, 22)  # Wednesday


@pytest.mark.parametrize(
    "state, ack, answer, expected",
    [
        # nothing near
        (K.RECEIVED, date(2026, 4, 30), date(2026, 5, 20), []),
        # acknowledgement due today, answer far
        (K.RECEIVED, TODAY, date(2026, 5, 20), [("acknowledge", "due_today", 0)]),
        # acknowledgement overdue by two working days
        (K.RECEIVED, date(2026, 4, 20), date(2026, 5, 20), [("acknowledge", "overdue", -2)]),
        # acknowledged: only the answer counts, due in 2 working days
        (K.ACKNOWLEDGED, date(2026, 4, 1), date(2026, 4, 24), [("answer", "due_soon", 2)]),
        # answered or closed: nothing owed any more, however late
        (K.ANSWERED, date(2026, 4, 1), date(2026, 4, 2), []),
        (K.IN_RECOURSE, date(2026, 4, 1), date(2026, 4, 2), []),
        (K.CLOSED, date(2026, 4, 1), date(2026, 4, 2), []),
        (K.DISMISSED, date(2026, 4, 1), date(2026, 4, 2), []),
        # awaiting approval, answer overdue
        (K.DECISION_PROPOSED, date(2026, 4, 1), date(2026, 4, 21), [("answer", "overdue", -1)]),
    ],
)
def test_reminders(state, ack, answer, expected):
    found = rules.reminders([Row(7, state.value, ack, answer)], TODAY)
    assert [(r.step, r.status, r.working_days_left) for r in found] == expected
    assert all(r.complaint_id == 7 for r in found)


def test_reminders_put_the_most_overdue_first():
    rows = [
        Row(1, "acknowledged", date(2026, 4, 1), date(2026, 4, 21)),
        Row(2, "received", date(2026, 4, 14), date(2026, 5, 20)),
        Row(3, "received", TODAY, date(2026, 5, 20)),
    ]
    assert [r.complaint_id for r in rules.reminders(rows, TODAY)] == [2, 1, 3]


@pytest.mark.parametrize(
    "state, expected", [("received", True), ("investigating", True), ("answered", False)]
)
def test_is_overdue(state, expected):
    assert rules.is_overdue(state, date(2026, 4, 1), date(2026, 4, 2), TODAY) is expected


@dataclass
class Conflict:
    organisation_id: int
    kind: str = "other"
    ended_on: date | None = None


@pytest.mark.parametrize(
    "role, involved, conflicts, organisations, expected",
    [
        ("auditor", set(), [], [None], None),
        ("committee", {9}, [], [None], None),
        ("client", set(), [], [None], "role"),
        ("planner", {5}, [], [None], "involved"),
        ("auditor", set(), [Conflict(3)], [3, None], "conflict"),
        ("auditor", set(), [Conflict(3)], [None, 3], "conflict"),  # the complainant client
        ("auditor", set(), [Conflict(4)], [3, None], None),  # another organisation
        ("auditor", set(), [Conflict(3, "consultancy", date(2020, 1, 1))], [3], None),
    ],
)
def test_who_may_investigate(role, involved, conflicts, organisations, expected):
    problem = rules.handling_problem(5, role, involved, conflicts, organisations, TODAY)
    assert problem == expected


@pytest.mark.parametrize(
    "person, role, involved, investigator, expected",
    [
        (5, "committee", set(), 6, None),
        (5, "auditor", set(), 6, "role"),  # auditors investigate but do not approve
        (5, "planner", {5}, 6, "involved"),
        (5, "admin", set(), 5, "investigator"),  # a second pair of eyes
    ],
)
def test_who_may_approve(person, role, involved, investigator, expected):
    problem = rules.approval_problem(person, role, involved, [], [None], investigator, TODAY)
    assert problem == expected


@pytest.mark.parametrize(
    "user_id, role, shared, involved, handlers, expected",
    [
        (1, "planner", False, set(), (None, None), True),
        (1, "admin", False, set(), (None, None), True),
        (1, "planner", False, {1}, (None, None), False),  # the person complained about
        (2, "auditor", False, set(), (2, None), True),  # its investigator
        (3, "committee", False, set(), (2, 3), True),  # its approver
        (3, "committee", False, set(), (2, None), False),
        (4, "client", False, set(), (None, None), False),
        (4, "client", True, set(), (None, None), True),  # the complainant agreed
        (None, None, False, set(), (None, None), False),
    ],
)
def test_who_sees_the_complainants_identity(user_id, role, shared, involved, handlers, expected):
    assert rules.may_see_identity(user_id, role, shared, involved, handlers) is expected


@pytest.mark.parametrize(
    "answered_on, today, expected",
    [
        (None, TODAY, False),
        (date(2026, 4, 8), date(2026, 4, 22), False),  # 10 working days: the last day to reply
        (date(2026, 4, 8), date(2026, 4, 23), True),
        (date(2026, 4, 21), date(2026, 4, 22), False),
    ],
)
def test_closing_without_a_reply_waits_for_the_reply_time(answered_on, today, expected):
    assert rules.may_close_without_reply(answered_on, today, 10) is expected


@pytest.mark.parametrize(
    "state, rated, score, expected",
    [
        ("closed", False, 4, None),
        ("dismissed", False, 1, None),
        ("answered", False, 4, "not_closed"),
        ("in_recourse", False, 4, "not_closed"),
        ("closed", True, 4, "already_rated"),
        ("closed", False, 0, "score"),
        ("closed", False, 6, "score"),
        ("closed", False, "5", "score"),
        ("closed", False, True, "score"),
    ],
)
def test_rating(state, rated, score, expected):
    assert rules.rating_problem(state, rated, score) == expected


@pytest.mark.parametrize(
    "email, phone, expected",
    [
        (" Ayse@Example.COM ", "", "ayse@example.com"),
        ("", "+90 (212) 555 01 01", "tel:902125550101"),
        ("", "", ""),
    ],
)
def test_contact_key(email, phone, expected):
    assert rules.contact_key(email, phone) == expected
