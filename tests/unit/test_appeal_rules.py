"""Appeals: what can be appealed and until when, who may sit on the panel, what an upheld
appeal does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from certification.appeals import rules

DECIDED = date(2026, 3, 2)


@pytest.mark.parametrize(
    "outcome, band, expected",
    [
        ("refuse", "", "refusal"),
        ("suspend", "", "suspension"),
        ("withdraw", "", "withdrawal"),
        ("reduce_scope", "", "scope_reduction"),
        ("grant", "Three stars", "rating_band"),
        ("renew", "Two stars", "rating_band"),
        ("grant", "", None),  # a plain grant is not adverse
        ("maintain", "", None),
        ("restore", "", None),
        ("more_information", "", None),
        ("accept_report", "", None),
    ],
)
def test_which_decisions_can_be_appealed(outcome, band, expected):
    assert rules.appeal_kind(outcome, band) == expected


@pytest.mark.parametrize(
    "outcome, today, appealed, expected",
    [
        ("suspend", DECIDED, False, None),
        ("suspend", date(2026, 4, 1), False, None),  # the 30th day
        ("suspend", date(2026, 4, 2), False, "too_late"),
        ("suspend", DECIDED, True, "appealed"),
        ("grant", DECIDED, False, "not_appealable"),
    ],
)
def test_lodging(outcome, today, appealed, expected):
    assert rules.lodging_problem(outcome, "", DECIDED, today, 30, appealed) == expected


def test_the_appeal_window_is_a_setting():
    assert rules.appeal_deadline(DECIDED, 14) == date(2026, 3, 16)


@dataclass
class Conflict:
    organisation_id: int
    kind: str = "other"
    ended_on: date | None = None


@pytest.mark.parametrize(
    "person, role, conflicts, expected",
    [
        (1, "committee", [], None),
        (1, "admin", [], None),
        (1, "planner", [], None),
        (1, "auditor", [], "role"),
        (1, "client", [], "role"),
        (2, "committee", [], "audit_team"),
        (3, "committee", [], "decided"),
        (1, "committee", [Conflict(9)], "conflict"),
        (1, "committee", [Conflict(8)], None),
    ],
)
def test_who_may_sit_on_the_panel(person, role, conflicts, expected):
    problem = rules.panel_problem(person, role, {2}, {3}, conflicts, 9, DECIDED)
    assert problem == expected


@pytest.mark.parametrize(
    "kind, has_audit, expected",
    [
        ("suspension", False, "restore"),
        ("withdrawal", False, "reinstate"),
        ("refusal", True, "reopen"),
        ("scope_reduction", True, "reopen"),
        ("refusal", False, None),
        ("rating_band", True, "rerate"),
    ],
)
def test_what_an_upheld_appeal_does(kind, has_audit, expected):
    assert rules.remedy_for(kind, has_audit) == expected
