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
    # A first cycle's certificate: the original certification date is its issue.
    problem = rules.transfer_problem(body, MLA, status, issued, issued, expires, TODAY)
    assert problem == expected


def test_a_certificate_recertified_early_may_transfer():
    """Certified 2022-03-01 (expiry 2025-02-28), recertified and issued 2025-01-10: the new
    expiry is the old one + 3 years, more than three years after the issue."""
    problem = rules.transfer_problem(
        "TURKAK", MLA, "active", date(2025, 1, 10), date(2022, 3, 1), date(2028, 2, 29), TODAY
    )
    assert problem is None


EARLY = date(2025, 1, 10)  # issued on a recertification decided before the old expiry


@pytest.mark.parametrize(
    "issued, original, expires, fits",
    [
        # A grant or a revision: at most three years from the issue (some bodies write the
        # anniversary itself).
        (date(2025, 3, 1), date(2025, 3, 1), date(2028, 2, 29), True),
        (date(2025, 3, 1), date(2025, 3, 1), date(2028, 3, 1), True),
        (date(2025, 3, 1), date(2025, 3, 1), date(2028, 3, 2), False),
        (date(2025, 3, 1), date(2025, 3, 1), date(2025, 3, 1), False),  # not after its issue
        # Recertified early in the first cycle (2022-03-01 to 2025-02-28): the old expiry + 3
        # years, as this app counts it (2028-02-29) or by plain arithmetic (2028-02-28), or from
        # an anniversary expiry (2025-03-01 + 3 years); a day later is no cycle's end.
        (EARLY, date(2022, 3, 1), date(2028, 2, 28), True),
        (EARLY, date(2022, 3, 1), date(2028, 2, 29), True),
        (EARLY, date(2022, 3, 1), date(2028, 3, 1), True),
        (EARLY, date(2022, 3, 1), date(2028, 3, 2), False),
        # Certified on 2022-03-02, its cycles end a day later.
        (EARLY, date(2022, 3, 2), date(2028, 3, 1), True),
        (EARLY, date(2022, 3, 2), date(2028, 3, 2), True),
        (EARLY, date(2022, 3, 2), date(2028, 3, 3), False),
        # The second cycle recertified early: the third ends 2028-02-29.
        (EARLY, date(2019, 3, 1), date(2028, 2, 29), True),
        (EARLY, date(2019, 3, 1), date(2028, 3, 2), False),
        # The certificate of the original grant is no recertification.
        (date(2022, 3, 1), date(2022, 3, 1), date(2028, 2, 29), False),
        # Issued in the first cycle, it cannot expire at the end of the third.
        (date(2021, 6, 1), date(2019, 3, 1), date(2028, 2, 29), False),
        # Nor can a recertification jump a whole cycle.
        (EARLY, date(2022, 3, 1), date(2031, 2, 28), False),
        # Begun on 29 February: expiries 2031-02-27, then 2034-02-27 (domain.md).
        (date(2031, 1, 10), date(2028, 2, 29), date(2034, 2, 27), True),
        (date(2031, 1, 10), date(2028, 2, 29), date(2034, 2, 28), True),
        (date(2031, 1, 10), date(2028, 2, 29), date(2034, 3, 1), False),
        # Begun on 1 March 2025, the first cycle ends on 29 February 2028, the next on 28
        # February 2031 (workflow.renewed_expiry).
        (date(2027, 12, 31), date(2025, 3, 1), date(2031, 2, 28), True),
        (date(2027, 12, 31), date(2025, 3, 1), date(2031, 3, 2), False),
        # A revision (or a certificate issued a day after the original date) early in the
        # cycle cannot run to the end of the next one: almost six years from its issue.
        (date(2023, 2, 1), date(2023, 1, 10), date(2029, 1, 9), False),
        (date(2023, 1, 11), date(2023, 1, 10), date(2029, 1, 9), False),
        # Past three years from the issue, the expiry is the end of a cycle, nothing between.
        (date(2024, 5, 1), date(2023, 1, 10), date(2028, 6, 1), False),
        (EARLY, date(2022, 3, 1), date(2028, 2, 27), False),
    ],
)
def test_the_dates_fit_a_three_year_cycle(issued, original, expires, fits):
    assert rules.dates_fit(issued, original, expires) is fits


@pytest.mark.parametrize(
    "last, last_on, fits",
    [
        ("recertification", date(2024, 12, 5), True),  # the recertification that issued it
        ("recertification", EARLY, True),
        ("surveillance1", date(2026, 2, 10), True),  # the new cycle's, after the issue
        ("surveillance2", date(2027, 1, 20), True),
        ("recertification", date(2025, 1, 11), False),  # after the issue: a later certificate
        ("surveillance2", date(2024, 11, 20), False),  # the old cycle's: no recertification yet
        ("stage2", date(2024, 12, 5), False),  # the grant's certificate, in the first cycle
    ],
)
def test_a_next_cycle_expiry_needs_the_last_audit_to_agree(last, last_on, fits):
    """Issued 2025-01-10 in the cycle 2022-03-01 to 2025-02-28, expiring at the end of the next
    (2028-02-29): only a certificate issued on the recertification may."""
    assert rules.dates_fit(EARLY, date(2022, 3, 1), date(2028, 2, 29), last, last_on) is fits


def test_within_three_years_of_its_issue_any_last_audit_fits():
    """A grant or revision expiring within three years does not depend on the last audit."""
    assert rules.dates_fit(date(2025, 3, 1), date(2022, 3, 1), date(2028, 2, 29), "stage2", EARLY)


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
SCOPE = "Handling of customer complaints for retail services"


@pytest.mark.parametrize(
    "role, checks, scope, findings, visited, visited_on, expected",
    [
        ("planner", CHECKS, SCOPE, "Reports fine.", False, None, None),
        ("auditor", CHECKS, SCOPE, "Reports fine.", True, date(2026, 5, 20), None),
        ("committee", CHECKS, SCOPE, "Reports fine.", False, None, "role"),
        ("planner", (True, True, False, True), SCOPE, "Reports fine.", False, None, "checks"),
        ("planner", CHECKS, " \n ", "Reports fine.", False, None, "scope"),
        ("planner", CHECKS, SCOPE, "  ", False, None, "findings"),
        ("planner", CHECKS, SCOPE, "Fine.", True, None, "visit"),
        ("planner", CHECKS, SCOPE, "Fine.", True, date(2026, 6, 2), "visit"),  # in the future
    ],
)
def test_the_pre_transfer_review(role, checks, scope, findings, visited, visited_on, expected):
    problem = rules.review_problem(role, checks, scope, findings, visited, visited_on, TODAY)
    assert problem == expected


@pytest.mark.parametrize(
    "certified, stated, same",
    [
        (SCOPE, SCOPE, True),
        (SCOPE, "  handling of customer complaints\nfor retail   services ", True),
        (SCOPE, SCOPE + " and online sales", False),
    ],
)
def test_the_same_scope_whatever_the_spacing(certified, stated, same):
    assert rules.same_scope(certified, stated) is same


def test_the_mla_list_is_data():
    bodies = rules.mla_signatories()
    assert {"TURKAK", "UKAS", "DAKKS"} <= {b.code for b in bodies}
    assert all(b.name and len(b.country) == 2 for b in bodies)
