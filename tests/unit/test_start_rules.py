"""Starting an audit: the client has this audit's plan (17021-1 9.2.3), and no one on the team
gave the client consultancy within two years of the first day (17021-1 5.2.10)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as Row

import pytest

from certification.audits.rules import barring_consultancy, plan_problem

FIRST, LAST = date(2026, 11, 24), date(2026, 11, 25)
TEAM = [Row(user_id=1, role="lead"), Row(user_id=2, role="auditor")]


def plan(state="sent", start=FIRST, end=LAST, team=TEAM):
    return Row(state=state, start_date=start, end_date=end, team=list(team))


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (None, "not_sent"),
        (plan("draft"), "not_sent"),
        (plan("superseded"), "not_sent"),
        (plan("change_requested"), "change_requested"),
        (plan("sent"), None),
        (plan("confirmed"), None),
        # An observer or an interpreter on the plan is not the audit team.
        (plan(team=[*TEAM, Row(user_id=None, role="observer")]), None),
        (plan(start=date(2026, 11, 23)), "dates_changed"),
        (plan(end=FIRST), "dates_changed"),
        (plan(team=TEAM[:1]), "team_changed"),
        (plan(team=[Row(user_id=1, role="lead"), Row(user_id=3, role="auditor")]), "team_changed"),
        (plan(team=[Row(user_id=2, role="lead"), Row(user_id=1, role="auditor")]), "team_changed"),
    ],
)
def test_the_audit_starts_on_the_plan_the_client_has_of_it(given, problem):
    assert plan_problem(given, FIRST, LAST, TEAM) == problem


def tie(kind="consultancy", ended_on=None, organisation_id=7):
    return Row(kind=kind, ended_on=ended_on, organisation_id=organisation_id)


@pytest.mark.parametrize(
    ("ties", "bars"),
    [
        ([], False),
        ([tie()], True),  # ongoing
        ([tie(ended_on=date(2024, 11, 25))], True),  # free from 25 November 2026
        ([tie(ended_on=date(2024, 11, 24))], False),  # free from the first day
        ([tie(organisation_id=8)], False),  # another client
        # Other ties were weighed (and may be justified) when the team was picked.
        ([tie("other")], False),
        ([tie("employment")], False),
        # Whatever was recorded before it, the consultancy is found.
        ([tie("other"), tie("employment"), tie(ended_on=date(2025, 6, 1))], True),
    ],
)
def test_only_consultancy_within_two_years_bars_at_the_start(ties, bars):
    found = barring_consultancy(ties, 7, FIRST)
    assert (found is not None) == bars
    if bars:
        assert found.kind == "consultancy"
