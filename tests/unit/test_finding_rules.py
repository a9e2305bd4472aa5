"""Pure rules of findings: plan deadlines, target dates, the 6-month stage 2 rule, overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from certification.findings import rules
from certification.workflow import stage2_redo_deadline

D = date


@pytest.mark.parametrize(
    ("grade", "raised", "kind", "last_day", "days", "expected"),
    [
        # 30 days from the closing meeting (the audit's last day) ...
        ("minor", D(2026, 3, 10), "stage2", D(2026, 3, 12), 30, D(2026, 4, 11)),
        ("major", D(2026, 3, 10), "surveillance1", D(2026, 3, 12), 30, D(2026, 4, 11)),
        # ... or from the day it was raised when that is later
        ("minor", D(2026, 3, 20), "stage2", D(2026, 3, 12), 30, D(2026, 4, 19)),
        ("minor", D(2026, 3, 10), "special", None, 30, D(2026, 4, 9)),
        # the body's own setting
        ("minor", D(2026, 3, 10), "stage2", D(2026, 3, 10), 14, D(2026, 3, 24)),
        # a stage 2 major's plan is never due after its verification deadline
        ("major", D(2026, 3, 10), "stage2", D(2026, 3, 10), 365, D(2026, 9, 10)),
        # observations and OFIs owe nothing
        ("observation", D(2026, 3, 10), "stage2", D(2026, 3, 10), 30, None),
        ("ofi", D(2026, 3, 10), "stage2", D(2026, 3, 10), 30, None),
    ],
)
def test_plan_due(grade, raised, kind, last_day, days, expected):
    assert rules.plan_due(grade, raised, kind, last_day, days) == expected


@pytest.mark.parametrize(
    ("grade", "kind", "last_day", "expected"),
    [
        ("major", "stage2", D(2026, 3, 12), D(2026, 9, 12)),
        ("major", "stage2", D(2026, 8, 31), D(2027, 2, 28)),  # clamped to the month's end
        ("major", "surveillance1", D(2026, 3, 12), None),  # the rule is about stage 2
        ("minor", "stage2", D(2026, 3, 12), None),
        ("major", "stage2", None, None),
    ],
)
def test_majors_verified_by_the_6_month_stage2_rule(grade, kind, last_day, expected):
    assert rules.majors_verified_by(grade, kind, last_day) == expected


@pytest.mark.parametrize(
    ("grade", "kind", "expected"),
    [
        ("major", "stage2", D(2026, 9, 12)),  # the stage 2 verification deadline
        ("major", "surveillance1", D(2026, 9, 12)),  # 6 months as policy
        ("minor", "stage2", D(2027, 3, 12)),  # verified at the next audit, within 12 months
        ("observation", "stage2", None),
    ],
)
def test_latest_target_date(grade, kind, expected):
    assert rules.latest_target_date(grade, D(2026, 3, 10), kind, D(2026, 3, 12)) == expected


@pytest.mark.parametrize(
    ("target", "latest", "expected"),
    [
        (None, D(2026, 9, 1), "missing"),
        (D(2026, 3, 9), D(2026, 9, 1), "past"),
        (D(2026, 3, 10), D(2026, 9, 1), None),  # today is fine
        (D(2026, 9, 1), D(2026, 9, 1), None),  # the last allowed day is fine
        (D(2026, 9, 2), D(2026, 9, 1), "too_late"),
        (D(2030, 1, 1), None, None),
    ],
)
def test_target_date_problem(target, latest, expected):
    assert rules.target_date_problem(target, D(2026, 3, 10), latest) == expected


TODAY = D(2026, 5, 1)


@pytest.mark.parametrize(
    ("grade", "state", "plan_due", "target", "verify_by", "expected"),
    [
        # the client owes a plan
        ("minor", "open", D(2026, 4, 30), None, None, "overdue"),
        ("minor", "open", D(2026, 5, 1), None, None, "due_7"),  # due today is not late yet
        ("minor", "answer_rejected", D(2026, 4, 1), None, None, "overdue"),
        ("major", "open", D(2026, 5, 20), None, None, "due_30"),
        # answered: waiting for the auditor, nothing owed by the client
        ("minor", "answered", D(2026, 4, 1), None, None, None),
        # plan accepted: the target date counts
        ("minor", "plan_accepted", D(2026, 4, 1), D(2026, 4, 30), None, "overdue"),
        ("minor", "plan_accepted", D(2026, 4, 1), D(2026, 12, 1), None, None),
        # a stage 2 major must be verified in time whatever its state
        ("major", "answered", D(2026, 4, 1), None, D(2026, 4, 30), "overdue"),
        ("major", "plan_accepted", D(2026, 4, 1), D(2026, 4, 20), D(2026, 5, 1), "overdue"),
        ("major", "plan_accepted", D(2026, 4, 1), D(2026, 8, 20), D(2026, 5, 5), "due_7"),
        # nothing owed once closed, or for observations
        ("major", "closed", D(2026, 4, 1), D(2026, 4, 20), D(2026, 4, 30), None),
        ("observation", "open", None, None, None, None),
    ],
)
def test_finding_due_status(grade, state, plan_due, target, verify_by, expected):
    assert rules.finding_due_status(grade, state, plan_due, target, verify_by, TODAY) == expected


@pytest.mark.parametrize(
    ("grade", "state", "kind", "last_day", "expected"),
    [
        ("major", "plan_accepted", "stage2", D(2025, 11, 1), False),  # deadline 2026-05-01
        ("major", "plan_accepted", "stage2", D(2025, 10, 31), True),  # deadline 2026-04-30
        ("major", "closed", "stage2", D(2025, 1, 1), False),
        ("minor", "open", "stage2", D(2025, 1, 1), False),
        ("major", "open", "surveillance1", D(2025, 1, 1), False),
    ],
)
def test_stage2_redo_required(grade, state, kind, last_day, expected):
    assert rules.stage2_redo_required(grade, state, kind, last_day, TODAY) is expected


@pytest.mark.parametrize(
    "today",
    [D(2026, 5, 1), D(2026, 8, 31), D(2026, 2, 28), D(2028, 2, 29), D(2026, 3, 1), D(2027, 1, 1)],
)
def test_last_stage2_end_past_deadline_matches_the_date_rule(today):
    cutoff = rules.last_stage2_end_past_deadline(today)
    for offset in range(-40, 40):
        end = cutoff + timedelta(days=offset)
        assert (stage2_redo_deadline(end) < today) is (end <= cutoff), end
