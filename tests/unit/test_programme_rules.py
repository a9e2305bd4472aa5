"""Pure programme rules: qualification, conflicts of interest, programme windows, due badges."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace as Row

import pytest

from certification.programme import rules, team_rules
from certification.programme.rules import (
    Window,
    audit_due_status,
    blocking_conflict,
    conflict_blocks,
    is_qualified,
    programme_windows,
)

DAY = date(2026, 11, 24)


def qual(scheme="iso10002", sector="29", valid_until=None):
    return Row(scheme=scheme, sector_code=sector, valid_until=valid_until)


def tie(kind="consultancy", org=1, ended_on=None):
    return Row(kind=kind, organisation_id=org, ended_on=ended_on)


@pytest.mark.parametrize(
    ("qualifications", "expected"),
    [
        ([qual()], True),
        ([qual(valid_until=DAY)], True),  # still valid on its last day
        ([qual(valid_until=DAY - timedelta(days=1))], False),  # lapsed the day before
        ([qual(valid_until=DAY + timedelta(days=365))], True),
        ([qual(sector="32")], False),  # another sector
        ([qual(scheme="csat-star")], False),  # another scheme
        ([qual(sector="32"), qual()], True),  # any one matching qualification is enough
        ([], False),
    ],
)
def test_is_qualified(qualifications, expected):
    assert is_qualified(qualifications, "iso10002", "29", DAY) is expected


@pytest.mark.parametrize(
    ("conflicts", "today", "expected"),
    [
        ([], DAY, False),
        ([tie(ended_on=None)], DAY, True),  # ongoing consultancy
        ([tie(kind="employment", ended_on=None)], DAY, True),
        ([tie(org=2, ended_on=None)], DAY, False),  # a tie with another client
        # 17021-1 5.2.10: two years after the end of consultancy or employment.
        ([tie(ended_on=date(2024, 11, 24))], DAY, False),  # exactly two years: free
        ([tie(ended_on=date(2024, 11, 25))], DAY, True),  # one day short of two years
        ([tie(kind="employment", ended_on=date(2024, 11, 24))], DAY, False),
        ([tie(kind="employment", ended_on=date(2024, 11, 25))], DAY, True),
        ([tie(ended_on=date(2020, 1, 1))], DAY, False),
        # 29 February: the second anniversary counts as 28 February.
        ([tie(ended_on=date(2024, 2, 29))], date(2026, 2, 28), False),
        ([tie(ended_on=date(2024, 2, 29))], date(2026, 2, 27), True),
        # Any other tie bars while it lasts, not after.
        ([tie(kind="other", ended_on=DAY)], DAY, True),
        ([tie(kind="other", ended_on=DAY - timedelta(days=1))], DAY, False),
        ([tie(kind="other", ended_on=None)], DAY, True),
    ],
)
def test_conflict_blocks(conflicts, today, expected):
    assert conflict_blocks(conflicts, 1, today) is expected


def test_blocking_conflict_names_the_tie():
    old, current = tie(ended_on=date(2010, 1, 1)), tie(kind="employment")
    assert blocking_conflict([old, current], 1, DAY) is current


def test_consultancy_is_named_before_any_other_tie():
    """17021-1 5.2.10: a family tie recorded first does not hide consultancy within the two
    years: every barring tie counts, and consultancy (no written reason lifts it) comes first."""
    family = tie(kind="other", ended_on=None)
    consulted = tie(ended_on=DAY - timedelta(days=200))
    assert blocking_conflict([family, consulted], 1, DAY) is consulted
    assert rules.blocking_conflicts([family, consulted], 1, DAY) == [consulted, family]


def test_a_second_tie_does_not_make_consultancy_overridable():
    ties = [tie(kind="other", ended_on=None), tie(ended_on=DAY - timedelta(days=200))]
    assessment = team_rules.assess(
        [qual()], ties, [], organisation_id=1, scheme="iso10002", sector_code="29",
        start=DAY, end=DAY,
    )  # fmt: skip
    assert assessment.consultancy and assessment.blocking == ["consultancy"]
    assert assessment.conflict.kind == "consultancy"


EXPERT_RECORD = Row(role="technical_expert", scheme="iso10002", sector_code="29", valid_until=None)


@pytest.mark.parametrize(
    ("seat", "records"),
    [
        ("lead", [qual(sector="32")]),
        ("auditor", [qual(valid_until=DAY)]),  # lapses before the last day
        ("auditor", [EXPERT_RECORD]),  # an expert's record is not an auditor's
        ("expert", []),
    ],
)
def test_competence_blocks_every_seat_with_no_override(seat, records):
    """17021-1 7.1, 7.2: a seat without a valid qualification is blocking, not overridable."""
    assessment = team_rules.assess(
        records, [], [], organisation_id=1, scheme="iso10002", sector_code="29",
        start=DAY, end=DAY + timedelta(days=1), seat=seat,
    )  # fmt: skip
    assert assessment.blocking == ["competence"] and assessment.overridable == []


@pytest.mark.parametrize(
    ("kind", "window_start", "first_day", "expected"),
    [
        ("surveillance2", date(2028, 1, 1), date(2027, 11, 10), True),  # S1's calendar year
        ("surveillance2", date(2028, 1, 1), date(2027, 12, 31), True),
        ("surveillance2", date(2028, 1, 1), date(2028, 1, 1), False),
        ("surveillance2", None, date(2027, 11, 10), False),  # no decision yet: no window
        ("surveillance1", date(2028, 1, 1), date(2027, 11, 10), False),
    ],
)
def test_surveillance2_before_its_window_is_early(kind, window_start, first_day, expected):
    assert rules.scheduled_early(kind, window_start, first_day) is expected


def test_windows_before_the_decision_are_unknown():
    windows = programme_windows(None)
    assert set(windows) == {"stage1", "stage2", "surveillance1", "surveillance2", "recertification"}
    assert all(w == Window() for w in windows.values())


def test_stage2_window_follows_stage1_policy():
    windows = programme_windows(None, stage1_last_day=date(2026, 12, 1), stage1_void_months=6)
    assert windows["stage2"] == Window(date(2026, 12, 1), date(2027, 6, 1))
    assert windows["surveillance1"] == Window()


@pytest.mark.parametrize(
    ("decision", "surveillance1", "s1_due", "s2", "recertification"),
    [
        # domain.md: granted 2026-03-15 expires 2029-03-14; recertified before expiry.
        # Surveillance 1 not dated yet: it comes after the decision, so surveillance 2 opens on
        # the next 1 January at the earliest (17021-1 9.1.3.3).
        (
            date(2026, 3, 15),
            None,
            date(2027, 3, 15),
            (date(2027, 1, 1), date(2028, 3, 15)),
            date(2029, 3, 13),
        ),
        # Surveillance 1 done: surveillance 2 in the next calendar year, by decision + 24 months.
        (
            date(2026, 3, 15),
            date(2027, 2, 10),
            date(2027, 3, 15),
            (date(2028, 1, 1), date(2028, 3, 15)),
            date(2029, 3, 13),
        ),
        # 29 February start: expiry 2031-02-27 (domain.md).
        (
            date(2028, 2, 29),
            None,
            date(2029, 2, 28),
            (date(2029, 1, 1), date(2030, 2, 28)),
            date(2031, 2, 26),
        ),
    ],
)
def test_windows_after_the_decision(decision, surveillance1, s1_due, s2, recertification):
    windows = programme_windows(decision, surveillance1_last_day=surveillance1)
    assert windows["surveillance1"] == Window(decision, s1_due)
    assert windows["surveillance2"] == Window(*s2)
    assert windows["recertification"] == Window(None, recertification)


@pytest.mark.parametrize(
    ("state", "due_by", "end_date", "expected"),
    [
        ("planned", None, None, None),
        ("planned", DAY - timedelta(days=1), None, "overdue"),
        ("planned", DAY, None, "due_7"),
        ("planned", DAY + timedelta(days=30), None, "due_30"),
        ("planned", DAY + timedelta(days=31), None, "due_90"),
        ("planned", DAY + timedelta(days=91), None, None),
        ("scheduled", DAY - timedelta(days=1), DAY - timedelta(days=1), None),  # held in time
        ("scheduled", DAY + timedelta(days=10), DAY + timedelta(days=11), "overdue"),
        ("closed", DAY - timedelta(days=100), DAY - timedelta(days=100), None),
        ("cancelled", DAY - timedelta(days=1), None, None),
    ],
)
def test_audit_due_status(state, due_by, end_date, expected):
    assert audit_due_status(state, due_by, end_date, DAY, (90, 30, 7)) == expected


S1_END = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("state", "readiness", "last_day", "first_day", "starting", "expected"),
    [
        ("closed", "ready", S1_END, date(2026, 4, 1), True, None),
        ("closed", "ready", S1_END, S1_END, True, None),  # straight after stage 1
        (None, "", None, date(2026, 4, 1), False, "stage1_missing"),
        (None, "", None, date(2026, 4, 1), True, "stage1_missing"),
        # Scheduling ahead of the conclusion is planning; starting needs the conclusion.
        ("scheduled", "", S1_END, date(2026, 4, 1), False, None),
        ("in_progress", "", S1_END, date(2026, 4, 1), True, "stage1_not_concluded"),
        ("closed", "not_ready", S1_END, date(2026, 4, 1), False, "stage1_not_ready"),
        ("closed", "not_ready", S1_END, date(2026, 4, 1), True, "stage1_not_ready"),
        ("scheduled", "", S1_END, date(2026, 3, 9), False, "before_stage1"),
        # Validity: 6 months by default; the last valid day is 2026-09-10.
        ("closed", "ready", S1_END, date(2026, 9, 10), True, None),
        ("closed", "ready", S1_END, date(2026, 9, 11), True, "stage1_void"),
        ("scheduled", "", S1_END, date(2026, 9, 11), False, "stage1_void"),
    ],
)
def test_stage2_follows_a_concluded_stage1_within_its_validity(
    state, readiness, last_day, first_day, starting, expected
):
    assert (
        rules.stage2_problem(state, readiness, last_day, first_day, starting=starting) == expected
    )


@pytest.mark.parametrize(
    ("void_months", "first_day", "expected"),
    [
        (3, date(2026, 6, 10), None),
        (3, date(2026, 6, 11), "stage1_void"),
        (12, date(2027, 3, 10), None),
    ],
)
def test_the_stage1_validity_setting_acts(void_months, first_day, expected):
    problem = rules.stage2_problem(
        "closed", "ready", S1_END, first_day, starting=True, void_months=void_months
    )
    assert problem == expected


@pytest.mark.parametrize(
    ("decision", "expires_on", "surveillance2", "recertification"),
    [
        # Before surveillance 2: due the day before expiry.
        (date(2026, 3, 15), None, None, date(2029, 3, 13)),
        # A renewed cycle: its own expiry (old expiry + 3 years), not decision + 3 years.
        (date(2029, 2, 1), date(2032, 3, 14), None, date(2032, 3, 13)),
        # 9.1.3.3, the recertification year counted: at the latest the year after surveillance 2.
        (date(2026, 11, 15), None, date(2027, 12, 10), date(2028, 12, 31)),
        (date(2026, 3, 15), None, date(2028, 3, 1), date(2029, 3, 13)),
    ],
)
def test_recertification_window(decision, expires_on, surveillance2, recertification):
    windows = programme_windows(
        decision, expires_on=expires_on, surveillance2_last_day=surveillance2
    )
    assert windows["recertification"] == Window(None, recertification)


@pytest.mark.parametrize(
    ("kind", "due_by", "last_day", "late"),
    [
        ("surveillance1", date(2027, 3, 15), date(2027, 3, 15), False),
        ("surveillance1", date(2027, 3, 15), date(2027, 3, 16), True),
        ("surveillance2", date(2028, 3, 15), date(2028, 4, 1), True),
        ("recertification", date(2029, 3, 13), date(2029, 3, 14), True),
        ("stage2", date(2027, 3, 15), date(2027, 4, 1), False),  # the stage 1 validity rules it
        ("surveillance1", None, date(2027, 4, 1), False),  # no due date before the decision
    ],
)
def test_an_audit_after_its_due_date_needs_an_exception(kind, due_by, last_day, late):
    assert rules.scheduled_late(kind, due_by, last_day) is late
