"""What is due when: the pure rules behind the home pages and the daily reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from certification.home import rules

TODAY = date(2026, 11, 24)
W = (90, 30, 7)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def test_the_horizon_is_the_widest_window():
    assert rules.horizon(TODAY, W) == days(90)
    assert rules.horizon(TODAY, (14, 60)) == days(60)


@pytest.mark.parametrize(
    ("state", "due_by", "expected"),
    [
        ("planned", days(90), True),  # on the window's last day
        ("planned", days(91), False),
        ("planned", days(-5), True),  # overdue
        ("planned", None, False),  # no due date yet (before the decision)
        ("scheduled", days(3), False),  # already dated
        ("cancelled", days(3), False),
    ],
)
def test_which_audits_need_scheduling(state, due_by, expected):
    assert rules.needs_scheduling(state, due_by, TODAY, W) is expected


@pytest.mark.parametrize(
    ("state", "expires_on", "recertification", "expected"),
    [
        ("active", days(60), None, True),  # no recertification audit at all
        ("active", days(60), "planned", True),  # in the programme, not dated
        ("active", days(60), "cancelled", True),
        ("active", days(60), "scheduled", False),
        ("active", days(60), "submitted", False),
        ("active", days(91), "planned", False),  # not yet inside the window
        ("suspended", days(60), "planned", False),  # a suspended one is on another list
        ("active", days(-1), None, True),  # past expiry and not yet swept
    ],
)
def test_certificates_expiring_without_a_recertification_audit(
    state, expires_on, recertification, expected
):
    assert rules.expiring_unarranged(state, expires_on, recertification, TODAY, W) is expected


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(days(30), True), (days(31), False), (days(-2), True), (None, False)],
)
def test_suspensions_nearing_their_limit(limit, expected):
    assert rules.suspension_near_limit(limit, TODAY, 30) is expected


@pytest.mark.parametrize(("windows", "middle"), [((90, 30, 7), 30), ((7, 30, 90), 30), ((60,), 60)])
def test_the_middle_window(windows, middle):
    assert rules.middle_window(windows) == middle


@pytest.mark.parametrize(
    ("last", "created", "expected"),
    [
        (days(-91), days(-400), True),
        (days(-90), days(-400), False),  # exactly 90 days: not yet
        (None, days(-91), True),  # never signed in, account old
        (None, days(-10), False),  # never signed in, account new
        (days(-1), days(-400), False),
    ],
)
def test_dormant_accounts(last, created, expected):
    assert rules.is_dormant(last, created, TODAY, 90) is expected


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [(days(0), True), (days(90), True), (days(91), False), (days(-1), False), (None, False)],
)
def test_expiring_qualifications(valid_until, expected):
    assert rules.qualification_expiring(valid_until, TODAY, W) is expected


@pytest.mark.parametrize(
    ("due", "step"),
    [
        (days(120), None),
        (days(90), "due_90"),
        (days(31), "due_90"),
        (days(30), "due_30"),
        (days(8), "due_30"),
        (days(7), "due_7"),
        (days(0), "due_7"),
        (days(-1), "overdue"),
        (None, None),
    ],
)
def test_the_reminder_step_of_a_due_date(due, step):
    assert rules.reminder_step(due, TODAY, W) == step


def test_one_reminder_per_step_as_the_days_go_by():
    """Run daily from 100 days before to 2 days after: four distinct steps, in order."""
    due = days(0)
    seen = []
    for n in range(-100, 3):
        step = rules.reminder_step(due, due + timedelta(days=n), W)
        if step and step not in seen:
            seen.append(step)
    assert seen == ["due_90", "due_30", "due_7", "overdue"]


def test_days_waiting_never_negative():
    assert rules.days_waiting(days(-12), TODAY) == 12
    assert rules.days_waiting(days(2), TODAY) == 0
