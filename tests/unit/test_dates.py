"""Date rules of the certification cycle (domain.md "Dates the product computes").

Every expected date is worked out by hand in the tables, never by calling the rule under test.
"""

from datetime import date

import pytest

from certification.workflow import (
    action_plan_due,
    add_months,
    add_years,
    can_restore_after_expiry,
    certificate_expiry,
    due_status,
    programme_dates,
    quote_is_expired,
    quote_valid_until,
    recertification_deadline,
    renewed_expiry,
    restoration_deadline,
    stage1_validity,
    stage2_redo_deadline,
    surveillance_2_earliest_year,
    surveillance_2_in_required_year,
    surveillance_2_window,
    surveillance_due_by,
    suspension_limit,
)

D = date


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # month end clamped
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year keeps 29 Feb
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2026, 1, 31), 6, D(2026, 7, 31)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # across the year end
        (D(2026, 12, 15), 13, D(2028, 1, 15)),
        (D(2027, 1, 1), -1, D(2026, 12, 1)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "start, years, expected",
    [
        (D(2028, 2, 29), 1, D(2029, 2, 28)),
        (D(2028, 2, 29), 4, D(2032, 2, 29)),
        (D(2026, 12, 31), 1, D(2027, 12, 31)),
        (D(2027, 1, 1), 3, D(2030, 1, 1)),
    ],
)
def test_add_years_clamps_29_february(start, years, expected):
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    "start, expiry",
    [
        (D(2026, 3, 15), D(2029, 3, 14)),  # domain.md example
        (D(2028, 2, 29), D(2031, 2, 27)),  # anniversary counted as 28 Feb, then the day before
        (D(2024, 2, 29), D(2027, 2, 27)),
        (D(2026, 12, 31), D(2029, 12, 30)),
        (D(2027, 1, 1), D(2029, 12, 31)),  # the day before falls in the previous year
        (D(2025, 3, 1), D(2028, 2, 29)),  # the day before 1 March of a leap year
        (D(2026, 3, 1), D(2029, 2, 28)),
    ],
)
def test_certificate_expires_the_day_before_the_third_anniversary(start, expiry):
    assert certificate_expiry(start) == expiry


@pytest.mark.parametrize(
    "decision, number, due",
    [
        (D(2026, 3, 15), 1, D(2027, 3, 15)),
        (D(2026, 3, 15), 2, D(2028, 3, 15)),
        (D(2028, 2, 29), 1, D(2029, 2, 28)),
        (D(2028, 2, 29), 2, D(2030, 2, 28)),
        (D(2026, 12, 31), 1, D(2027, 12, 31)),
        (D(2026, 12, 31), 2, D(2028, 12, 31)),
        (D(2027, 1, 1), 1, D(2028, 1, 1)),
        (D(2027, 2, 28), 1, D(2028, 2, 28)),  # not moved to the leap day
    ],
)
def test_surveillance_due_by(decision, number, due):
    assert surveillance_due_by(decision, number) == due


@pytest.mark.parametrize("number", [0, 3])
def test_a_cycle_has_only_two_surveillance_audits(number):
    with pytest.raises(ValueError, match="surveillance audits 1 and 2"):
        surveillance_due_by(D(2026, 3, 15), number)


@pytest.mark.parametrize(
    "surveillance_1, year",
    [(D(2026, 12, 31), 2027), (D(2027, 1, 1), 2028), (D(2029, 2, 28), 2030)],
)
def test_surveillance_2_earliest_year_is_the_year_after_surveillance_1(surveillance_1, year):
    assert surveillance_2_earliest_year(surveillance_1) == year


@pytest.mark.parametrize(
    "decision, surveillance_1, window",
    [
        # On time: from 1 January of the next year up to decision + 24 months.
        (D(2026, 3, 15), D(2027, 3, 10), (D(2028, 1, 1), D(2028, 3, 15))),
        # Early surveillance 1: the whole next calendar year.
        (D(2026, 3, 15), D(2026, 11, 20), (D(2027, 1, 1), D(2027, 12, 31))),
        # Late surveillance 1 squeezes the window to ten days.
        (D(2026, 1, 10), D(2027, 12, 20), (D(2028, 1, 1), D(2028, 1, 10))),
        (D(2028, 2, 29), D(2029, 2, 1), (D(2030, 1, 1), D(2030, 2, 28))),
    ],
)
def test_surveillance_2_window(decision, surveillance_1, window):
    assert surveillance_2_window(decision, surveillance_1) == window


def test_surveillance_2_window_is_empty_when_surveillance_1_was_a_year_late():
    earliest, latest = surveillance_2_window(D(2026, 3, 15), D(2028, 6, 1))
    assert (earliest, latest) == (D(2029, 1, 1), D(2028, 3, 15))
    assert latest < earliest


@pytest.mark.parametrize(
    "surveillance_1, surveillance_2, ok",
    [
        (D(2026, 12, 31), D(2027, 1, 1), True),
        (D(2026, 12, 31), D(2027, 12, 31), True),
        (D(2026, 12, 31), D(2026, 12, 31), False),  # same calendar year
        (D(2026, 6, 1), D(2028, 1, 2), False),  # skipped 2027
    ],
)
def test_surveillance_2_in_required_year(surveillance_1, surveillance_2, ok):
    assert surveillance_2_in_required_year(surveillance_1, surveillance_2) is ok


@pytest.mark.parametrize(
    "expiry, deadline",
    [
        (D(2029, 3, 14), D(2029, 3, 13)),
        (D(2031, 2, 27), D(2031, 2, 26)),
        (D(2030, 1, 1), D(2029, 12, 31)),
        (D(2028, 3, 1), D(2028, 2, 29)),
    ],
)
def test_recertification_must_be_decided_the_day_before_expiry_at_the_latest(expiry, deadline):
    assert recertification_deadline(expiry) == deadline


@pytest.mark.parametrize(
    "old_expiry, new_expiry",
    [
        (D(2029, 3, 14), D(2032, 3, 14)),
        (D(2031, 2, 27), D(2034, 2, 27)),  # the cycle that started on 29 Feb 2028
        (D(2028, 2, 29), D(2031, 2, 28)),
        (D(2029, 12, 31), D(2032, 12, 31)),
    ],
)
def test_renewed_expiry_is_old_expiry_plus_three_years(old_expiry, new_expiry):
    assert renewed_expiry(old_expiry) == new_expiry


@pytest.mark.parametrize(
    ("first_start", "expiries"),
    [
        # 29 February: the day before each anniversary, counted as 28 Feb until a leap year.
        (D(2028, 2, 29), [D(2031, 2, 27), D(2034, 2, 27), D(2037, 2, 27), D(2040, 2, 28)]),
        # 1 March: the day before is 29 February in leap years, 28 February otherwise.
        (D(2027, 3, 1), [D(2030, 2, 28), D(2033, 2, 28), D(2036, 2, 29), D(2039, 2, 28)]),
        (D(2026, 3, 15), [D(2029, 3, 14), D(2032, 3, 14), D(2035, 3, 14), D(2038, 3, 14)]),
    ],
)
def test_chained_renewals_keep_29_february_right(first_start, expiries):
    """Each expiry is the day before an anniversary of the first cycle's start (domain.md)."""
    chain = [certificate_expiry(first_start)]
    while len(chain) < len(expiries):
        chain.append(renewed_expiry(chain[-1], first_start))
    assert chain == expiries


@pytest.mark.parametrize(
    "expiry, months, deadline",
    [
        (D(2029, 3, 14), 6, D(2029, 9, 14)),
        (D(2029, 8, 31), 6, D(2030, 2, 28)),
        (D(2031, 8, 31), 6, D(2032, 2, 29)),
        (D(2026, 12, 31), 6, D(2027, 6, 30)),
        (D(2029, 3, 14), 3, D(2029, 6, 14)),
    ],
)
def test_restoration_deadline(expiry, months, deadline):
    assert restoration_deadline(expiry, months) == deadline


@pytest.mark.parametrize(
    "expiry, today, months, can",
    [
        (D(2029, 3, 14), D(2029, 3, 15), 6, True),
        (D(2029, 3, 14), D(2029, 9, 14), 6, True),  # last day of the window
        (D(2029, 3, 14), D(2029, 9, 15), 6, False),  # now a new stage 2 is needed
        (D(2026, 12, 31), D(2027, 6, 30), 6, True),
        (D(2026, 12, 31), D(2027, 7, 1), 6, False),
        (D(2029, 3, 14), D(2030, 3, 14), 12, True),
    ],
)
def test_can_restore_after_expiry(expiry, today, months, can):
    assert can_restore_after_expiry(expiry, today, months) is can


@pytest.mark.parametrize(
    "stage2_last_day, deadline",
    [
        (D(2026, 1, 31), D(2026, 7, 31)),
        (D(2026, 8, 31), D(2027, 2, 28)),
        (D(2027, 8, 31), D(2028, 2, 29)),
        (D(2026, 12, 31), D(2027, 6, 30)),
    ],
)
def test_majors_must_be_verified_within_six_months_of_stage_2(stage2_last_day, deadline):
    assert stage2_redo_deadline(stage2_last_day) == deadline


@pytest.mark.parametrize(
    "suspended_on, months, limit",
    [
        (D(2026, 3, 31), 6, D(2026, 9, 30)),
        (D(2027, 8, 29), 6, D(2028, 2, 29)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
    ],
)
def test_suspension_limit(suspended_on, months, limit):
    assert suspension_limit(suspended_on, months) == limit


@pytest.mark.parametrize(
    "issued_on, days, valid_until",
    [
        (D(2026, 1, 1), 30, D(2026, 1, 31)),
        (D(2026, 12, 15), 30, D(2027, 1, 14)),
        (D(2028, 2, 1), 30, D(2028, 3, 2)),  # February 2028 has 29 days
        (D(2027, 2, 1), 30, D(2027, 3, 3)),
        (D(2026, 12, 31), 14, D(2027, 1, 14)),
    ],
)
def test_quote_valid_until(issued_on, days, valid_until):
    assert quote_valid_until(issued_on, days) == valid_until


@pytest.mark.parametrize(
    "today, expired",
    [(D(2026, 1, 1), False), (D(2026, 1, 31), False), (D(2026, 2, 1), True)],
)
def test_quote_can_be_accepted_through_its_last_valid_day(today, expired):
    assert quote_is_expired(D(2026, 1, 31), today) is expired


@pytest.mark.parametrize(
    "stage1_last_day, today, status",
    [
        (D(2026, 1, 31), D(2026, 1, 31), "valid"),
        (D(2026, 1, 31), D(2026, 1, 20), "valid"),  # stage 1 not over yet
        (D(2026, 1, 31), D(2026, 5, 1), "valid"),  # day 90
        (D(2026, 1, 31), D(2026, 5, 2), "warn"),  # day 91
        (D(2026, 1, 31), D(2026, 7, 31), "warn"),  # exactly 6 months
        (D(2026, 1, 31), D(2026, 8, 1), "void"),
        (D(2026, 8, 31), D(2027, 2, 28), "warn"),  # 6 months, clamped to 28 Feb
        (D(2026, 8, 31), D(2027, 3, 1), "void"),
        (D(2026, 12, 31), D(2027, 3, 31), "valid"),  # day 90 across the year end
        (D(2026, 12, 31), D(2027, 4, 1), "warn"),
    ],
)
def test_stage1_validity_with_policy_defaults(stage1_last_day, today, status):
    assert stage1_validity(stage1_last_day, today) == status


def test_stage1_validity_follows_the_settings():
    assert stage1_validity(D(2026, 1, 1), D(2026, 2, 1), warn_days=30) == "warn"
    assert stage1_validity(D(2026, 1, 1), D(2026, 4, 2), void_months=3) == "void"


@pytest.mark.parametrize(
    "raised_on, days, due",
    [
        (D(2026, 12, 15), 30, D(2027, 1, 14)),
        (D(2028, 2, 15), 30, D(2028, 3, 16)),  # leap February
        (D(2027, 2, 15), 30, D(2027, 3, 17)),
        (D(2026, 12, 31), 14, D(2027, 1, 14)),
    ],
)
def test_action_plan_due(raised_on, days, due):
    assert action_plan_due(raised_on, days) == due


@pytest.mark.parametrize(
    "today, status",
    [
        (D(2027, 1, 1), "overdue"),
        (D(2026, 12, 31), "due_7"),  # due today
        (D(2026, 12, 24), "due_7"),  # 7 days left
        (D(2026, 12, 23), "due_30"),  # 8 days left
        (D(2026, 12, 1), "due_30"),  # 30 days left
        (D(2026, 11, 30), "due_90"),  # 31 days left
        (D(2026, 10, 2), "due_90"),  # 90 days left
        (D(2026, 10, 1), None),  # 91 days left
    ],
)
def test_due_status_for_a_year_end_deadline(today, status):
    assert due_status(D(2026, 12, 31), today) == status


def test_due_status_without_a_due_date_is_none():
    assert due_status(None, D(2026, 12, 31)) is None


def test_due_status_uses_the_configured_windows():
    assert due_status(D(2026, 3, 15), D(2026, 3, 1), windows=(14,)) == "due_14"
    assert due_status(D(2026, 3, 15), D(2026, 2, 28), windows=(14,)) is None


@pytest.mark.parametrize(
    "decision, stage2_last_day, expected",
    [
        (
            D(2026, 3, 15),
            None,
            {
                "surveillance_1": D(2027, 3, 15),
                "surveillance_2": D(2028, 3, 15),
                "recertification": D(2029, 3, 13),
                "expiry": D(2029, 3, 14),
                "majors_verified_by": None,
            },
        ),
        (
            D(2028, 2, 29),
            D(2028, 1, 31),
            {
                "surveillance_1": D(2029, 2, 28),
                "surveillance_2": D(2030, 2, 28),
                "recertification": D(2031, 2, 26),
                "expiry": D(2031, 2, 27),
                "majors_verified_by": D(2028, 7, 31),
            },
        ),
        (
            D(2027, 1, 1),
            None,
            {
                "surveillance_1": D(2028, 1, 1),
                "surveillance_2": D(2029, 1, 1),
                "recertification": D(2029, 12, 30),
                "expiry": D(2029, 12, 31),
                "majors_verified_by": None,
            },
        ),
        (
            None,
            D(2026, 12, 31),
            {
                "surveillance_1": None,
                "surveillance_2": None,
                "recertification": None,
                "expiry": None,
                "majors_verified_by": D(2027, 6, 30),
            },
        ),
    ],
)
def test_programme_dates(decision, stage2_last_day, expected):
    assert programme_dates(decision, stage2_last_day) == expected
