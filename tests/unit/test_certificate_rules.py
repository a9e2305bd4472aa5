"""Certificate date rules and sweep predicates at edge dates: 29 February, year end, the expiry
day, the edges of the restoration window."""

from __future__ import annotations

from datetime import date

import pytest

from certification.certificates import rules


@pytest.mark.parametrize(
    "decided, expires",
    [
        (date(2026, 3, 15), date(2029, 3, 14)),
        (date(2028, 2, 29), date(2031, 2, 27)),  # anniversary counted as 28 February
        (date(2026, 12, 31), date(2029, 12, 30)),
        (date(2027, 1, 1), date(2029, 12, 31)),
    ],
)
def test_initial_dates(decided, expires):
    dates = rules.initial_dates(decided)
    assert (dates.issued_on, dates.original_issued_on, dates.expires_on) == (
        decided,
        decided,
        expires,
    )


@pytest.mark.parametrize(
    "old_expiry, new_expiry",
    [
        (date(2029, 3, 14), date(2032, 3, 14)),
        (date(2028, 2, 29), date(2031, 2, 28)),
        (date(2029, 12, 31), date(2032, 12, 31)),
    ],
)
def test_renewal_expires_three_years_after_the_old_expiry(old_expiry, new_expiry):
    dates = rules.renewal_dates(date(2029, 1, 10), old_expiry, date(2020, 5, 5))
    assert dates.expires_on == new_expiry
    assert dates.original_issued_on == date(2020, 5, 5)
    assert dates.issued_on == date(2029, 1, 10)


@pytest.mark.parametrize(
    "decided, in_time",
    [(date(2029, 3, 13), True), (date(2029, 3, 14), False), (date(2029, 3, 15), False)],
)
def test_renewal_decision_before_expiry(decided, in_time):
    assert rules.renewal_in_time(decided, date(2029, 3, 14)) is in_time


@pytest.mark.parametrize(
    "today, expired",
    [(date(2029, 3, 14), False), (date(2029, 3, 15), True), (date(2030, 1, 1), True)],
)
def test_expiry_day_is_still_valid(today, expired):
    expiry = date(2029, 3, 14)
    assert rules.has_expired("active", expiry, today) is expired
    assert rules.has_expired("suspended", expiry, today) is expired
    assert rules.has_expired("withdrawn", expiry, today) is False
    assert rules.is_valid_on("active", date(2026, 3, 15), expiry, today) is not expired


def test_lapsed_on_crosses_the_year_end():
    assert rules.lapsed_on(date(2029, 12, 31)) == date(2030, 1, 1)


@pytest.mark.parametrize(
    "expiry, today, ok",
    [
        (date(2029, 3, 14), date(2029, 9, 14), True),  # the last day of the window
        (date(2029, 3, 14), date(2029, 9, 15), False),
        (date(2029, 8, 31), date(2030, 2, 28), True),  # clamped to the month end
        (date(2029, 8, 31), date(2030, 3, 1), False),
        (date(2027, 8, 31), date(2028, 2, 29), True),  # leap year
        (date(2029, 12, 31), date(2030, 6, 30), True),
        (date(2029, 12, 31), date(2030, 7, 1), False),
    ],
)
def test_restoration_window_edges(expiry, today, ok):
    assert rules.restorable("expired", expiry, today) is ok


def test_restorable_by_state():
    day = date(2027, 1, 1)
    assert rules.restorable("suspended", date(2029, 1, 1), day)
    assert not rules.restorable("withdrawn", date(2029, 1, 1), day)
    assert not rules.restorable("active", date(2029, 1, 1), day)
    assert not rules.restorable("superseded", date(2029, 1, 1), day)


def test_restoration_keeps_the_original_date_and_old_expiry_plus_three():
    dates = rules.restoration_dates(date(2029, 5, 1), date(2029, 3, 14), date(2020, 3, 15))
    assert dates == rules.CertificateDates(date(2029, 5, 1), date(2020, 3, 15), date(2032, 3, 14))


@pytest.mark.parametrize(
    "suspended_on, longest",
    [
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2026, 7, 15), date(2027, 1, 15)),  # over the year end
    ],
)
def test_longest_suspension(suspended_on, longest):
    assert rules.longest_suspension(suspended_on) == longest


@pytest.mark.parametrize(
    "state, until, today, overdue",
    [
        ("suspended", date(2027, 7, 10), date(2027, 7, 10), False),
        ("suspended", date(2027, 7, 10), date(2027, 7, 11), True),
        ("active", date(2027, 7, 10), date(2027, 7, 11), False),
        ("suspended", None, date(2027, 7, 11), False),
    ],
)
def test_suspension_overdue(state, until, today, overdue):
    assert rules.suspension_overdue(state, until, today) is overdue


DUE = date(2027, 3, 15)


@pytest.mark.parametrize(
    "kind, state, start, due, today, overdue",
    [
        ("surveillance1", "planned", None, DUE, DUE, False),  # the due day itself still counts
        ("surveillance1", "planned", None, DUE, date(2027, 3, 16), True),
        (
            "surveillance2",
            "scheduled",
            date(2028, 1, 5),
            date(2027, 12, 31),
            date(2028, 1, 1),
            True,
        ),
        # Scheduled in time but not started by the due date: not held.
        ("surveillance1", "scheduled", DUE, DUE, date(2027, 3, 16), True),
        ("surveillance1", "closed", date(2027, 3, 1), DUE, date(2027, 4, 1), False),
        ("surveillance1", "in_progress", DUE, DUE, date(2027, 4, 1), False),
        # Held late (a justified exception): still not held by the due date.
        ("surveillance1", "closed", date(2027, 3, 20), DUE, date(2027, 4, 1), True),
        # One rule for every audit of the programme held against a due date.
        ("recertification", "planned", None, DUE, date(2027, 4, 1), True),
        ("recertification", "submitted", date(2027, 3, 1), DUE, date(2027, 4, 1), False),
        ("stage2", "planned", None, DUE, date(2027, 4, 1), False),
        ("surveillance1", "cancelled", None, DUE, date(2027, 4, 1), False),
        ("surveillance1", "planned", None, None, date(2027, 4, 1), False),
    ],
)
def test_audit_overdue(kind, state, start, due, today, overdue):
    assert rules.audit_overdue(kind, state, start, due, today) is overdue


@pytest.mark.parametrize(
    ("chosen", "replaced", "preferred", "expected"),
    [
        ("ka", "tr", "vi", "ka"),  # chosen at the decision
        (None, "tr", "vi", "tr"),  # a revision or renewal keeps its certificate's language
        ("", None, "ar", "ar"),  # else the client's preferred language
        (None, None, "en", "en"),  # an English client: English alone
        ("xx", None, "de", "en"),  # nothing we speak: English alone
    ],
)
def test_the_certificates_second_language(chosen, replaced, preferred, expected):
    from types import SimpleNamespace

    previous = SimpleNamespace(language=replaced) if replaced else None
    organisation = SimpleNamespace(preferred_language=preferred)
    assert rules.certificate_language(chosen, previous, organisation) == expected
