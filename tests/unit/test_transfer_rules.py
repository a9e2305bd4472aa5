"""Transfers (IAF MD 2): which certificates may transfer, where the cycle continues, what the
pre-transfer review needs."""

from __future__ import annotations

from datetime import date

import pytest

from certification.transfers import rules

TODAY = date(2026, 6, 1)
MLA = ("TURKAK", "UKAS")


@pytest.mark.parametrize(
    "body, status, issued, expires, expected",
    [
        ("TURKAK", "active", date(2025, 3, 1), date(2028, 2, 29), None),
        ("UKAS", "active", date(2024, 1, 10), date(2027, 1, 9), None),
        ("OTHER", "active", date(2025, 3, 1), date(2028, 2, 29), "not_mla"),
        ("TURKAK", "suspended", date(2025, 3, 1), date(2028, 2, 29), "suspended"),
        ("TURKAK", "withdrawn", date(2025, 3, 1), date(2028, 2, 29), "withdrawn"),
        ("TURKAK", "expired", date(2023, 3, 1), date(2026, 2, 28), "expired"),
        ("TURKAK", "active", date(2023, 3, 1), date(2026, 5, 31), "expired"),  # stated active
        ("TURKAK", "active", date(2023, 9, 1), date(2026, 8, 31), "near_expiry"),  # 3 months
        ("TURKAK", "active", date(2023, 9, 2), date(2026, 9, 1), None),  # 3 months and a day
        ("TURKAK", "active", date(2022, 3, 1), date(2027, 2, 28), "dates"),  # five years
        ("TURKAK", "active", date(2027, 3, 1), date(2026, 12, 1), "dates"),  # expires before
    ],
)
def test_which_certificates_may_transfer(body, status, issued, expires, expected):
    assert rules.transfer_problem(body, MLA, status, issued, expires, TODAY) == expected


@pytest.mark.parametrize(
    "expires, start",
    [
        (date(2028, 2, 29), date(2025, 3, 1)),
        (date(2029, 3, 14), date(2026, 3, 15)),
        (date(2027, 12, 31), date(2025, 1, 1)),
    ],
)
def test_the_cycle_start_of_an_expiry(expires, start):
    assert rules.cycle_start(expires) == start


@pytest.mark.parametrize(
    "last, done, following",
    [
        ("stage2", ("stage1", "stage2"), "surveillance1"),
        ("recertification", ("stage1", "stage2"), "surveillance1"),
        ("surveillance1", ("stage1", "stage2", "surveillance1"), "surveillance2"),
        (
            "surveillance2",
            ("stage1", "stage2", "surveillance1", "surveillance2"),
            "recertification",
        ),
    ],
)
def test_the_programme_continues_where_the_other_body_stopped(last, done, following):
    assert rules.audits_done(last) == done
    assert rules.next_audit(last) == following


CHECKS = (True, True, True, True)


@pytest.mark.parametrize(
    "role, checks, findings, visited, visited_on, expected",
    [
        ("planner", CHECKS, "Reports fine.", False, None, None),
        ("auditor", CHECKS, "Reports fine.", True, date(2026, 5, 20), None),
        ("committee", CHECKS, "Reports fine.", False, None, "role"),
        ("planner", (True, True, False, True), "Reports fine.", False, None, "checks"),
        ("planner", CHECKS, "  ", False, None, "findings"),
        ("planner", CHECKS, "Fine.", True, None, "visit"),
        ("planner", CHECKS, "Fine.", True, date(2026, 6, 2), "visit"),  # in the future
    ],
)
def test_the_pre_transfer_review(role, checks, findings, visited, visited_on, expected):
    assert rules.review_problem(role, checks, findings, visited, visited_on, TODAY) == expected


def test_the_mla_list_is_data():
    bodies = rules.mla_signatories()
    assert {"TURKAK", "UKAS", "DAKKS"} <= {b.code for b in bodies}
    assert all(b.name and len(b.country) == 2 for b in bodies)
