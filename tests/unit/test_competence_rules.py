"""Recorded competence and the audit team's rules (17021-1 5.2.10, 7.1, 7.2, 9.2.2): pure."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as Row

import pytest

from certification.accounts.competence import competence_problem
from certification.programme import team_rules

DAY = date(2026, 11, 24)


def record(role="auditor", scheme="iso10002", sector="29", since=None, until=None):
    return Row(role=role, scheme=scheme, sector_code=sector, valid_from=since, valid_until=until)


@pytest.mark.parametrize(
    ("records", "role", "expected"),
    [
        ([record()], "auditor", None),
        ([record(until=DAY)], "auditor", None),  # the last valid day counts
        ([record(until=date(2026, 11, 23))], "auditor", "expired"),
        ([record(since=date(2026, 11, 25))], "auditor", "not_yet_valid"),
        ([record(sector="35")], "auditor", "missing"),
        ([record(scheme="csat-star")], "auditor", "missing"),
        ([], "committee_member", "missing"),
        # A committee member may be competent for the whole scheme ("" = every sector) ...
        ([record("committee_member", sector="")], "committee_member", None),
        ([record("committee_member", sector="29")], "committee_member", None),
        ([record("committee_member", sector="30")], "committee_member", "missing"),
        # ... and an auditor's record does not make anyone a decider.
        ([record("auditor")], "committee_member", "missing"),
        (
            [record("committee_member", sector="", until=date(2026, 1, 1))],
            "committee_member",
            "expired",
        ),
        # One valid record is enough, whatever the lapsed ones say.
        ([record(until=date(2025, 1, 1)), record(since=date(2025, 1, 2))], "auditor", None),
    ],
)
def test_competence_problem(records, role, expected):
    assert competence_problem(records, role, "iso10002", "29", DAY) == expected


def booking(audit_id, start, end):
    return team_rules.Booking(audit_id, start, end)


@pytest.mark.parametrize(
    ("start", "end", "other", "clash"),
    [
        (date(2026, 12, 1), date(2026, 12, 2), (date(2026, 12, 2), date(2026, 12, 3)), True),
        (date(2026, 12, 1), date(2026, 12, 2), (date(2026, 11, 28), date(2026, 12, 1)), True),
        (date(2026, 12, 1), date(2026, 12, 5), (date(2026, 12, 2), date(2026, 12, 3)), True),
        (date(2026, 12, 1), date(2026, 12, 2), (date(2026, 12, 3), date(2026, 12, 4)), False),
        (date(2026, 12, 3), date(2026, 12, 3), (date(2026, 12, 1), date(2026, 12, 2)), False),
    ],
)
def test_two_audits_on_the_same_day_clash(start, end, other, clash):
    found = team_rules.clashing(start, end, [booking(7, *other)], this_audit_id=1)
    assert bool(found) is clash


def test_an_audit_does_not_clash_with_itself():
    same = [booking(1, date(2026, 12, 1), date(2026, 12, 2))]
    assert team_rules.clashing(date(2026, 12, 1), date(2026, 12, 2), same, this_audit_id=1) == []


def conflict(kind, ended_on=None, organisation_id=5):
    return Row(kind=kind, ended_on=ended_on, organisation_id=organisation_id)


QUALIFIED = (record(),)


def assess(conflicts=(), records=QUALIFIED, bookings=()):
    return team_rules.assess(
        list(records),
        list(conflicts),
        list(bookings),
        organisation_id=5,
        scheme="iso10002",
        sector_code="29",
        start=DAY,
        end=DAY,
        audit_id=1,
    )


@pytest.mark.parametrize(
    ("conflicts", "records", "bookings", "blocking", "overridable"),
    [
        ((), (record(),), (), [], []),
        # 5.2.10: consultancy in the last two years bars without exception.
        ((conflict("consultancy", date(2025, 6, 1)),), (record(),), (), ["consultancy"], []),
        ((conflict("consultancy", date(2024, 11, 24)),), (record(),), (), [], []),
        ((conflict("consultancy"),), (record(),), (), ["consultancy"], []),
        # Other ties: a recorded, logged reason may lift them.
        ((conflict("employment", date(2025, 6, 1)),), (record(),), (), [], ["conflict"]),
        ((conflict("other"),), (record(),), (), [], ["conflict"]),
        ((), (record(sector="35"),), (), [], ["competence"]),
        ((), (record(until=date(2026, 1, 1)),), (), [], ["competence"]),
        # Days already booked: no reason lifts that.
        ((), (record(),), (booking(9, DAY, DAY),), ["booked"], []),
        (
            (conflict("consultancy"),),
            (record(sector="35"),),
            (booking(9, DAY, DAY),),
            ["consultancy", "booked"],
            ["competence"],
        ),
    ],
)
def test_assessment_of_one_person(conflicts, records, bookings, blocking, overridable):
    assessment = assess(conflicts, records, bookings)
    assert assessment.blocking == blocking and assessment.overridable == overridable
    assert assessment.fit is (not blocking and not overridable)
