"""Impartiality records: a complete risk entry, reviews due, who has not signed this year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from certification.impartiality import rules

TODAY = date(2026, 6, 1)
NEXT = date(2026, 12, 1)


@pytest.mark.parametrize(
    "threat, source, org, person, relation, description, action, review_on, expected",
    [
        ("self_interest", "client", 4, None, "", "Fees are 30% of revenue", "Cap set", NEXT, None),
        ("familiarity", "person", None, 7, "", "Same lead for 6 years", "Rotate", NEXT, None),
        ("advocacy", "relation", None, None, "Brother", "Consultancy", "Declared", NEXT, None),
        ("bribery", "client", 4, None, "", "x", "y", NEXT, "threat"),
        ("self_review", "market", 4, None, "", "x", "y", NEXT, "source_kind"),
        ("self_review", "client", None, None, "", "x", "y", NEXT, "organisation_id"),
        ("self_review", "person", None, None, "", "x", "y", NEXT, "person_id"),
        ("self_review", "relation", None, None, " ", "x", "y", NEXT, "relation"),
        ("intimidation", "client", 4, None, "", " ", "y", NEXT, "description"),
        ("intimidation", "client", 4, None, "", "x", "", NEXT, "action_taken"),
        ("intimidation", "client", 4, None, "", "x", "y", None, "review_on"),
        ("intimidation", "client", 4, None, "", "x", "y", TODAY, "review_on"),
        ("intimidation", "client", 4, None, "", "x", "y", date(2027, 6, 2), "review_on"),
    ],
)  # fmt: skip
def test_a_risk_entry(
    threat, source, org, person, relation, description, action, review_on, expected
):
    problem = rules.risk_problem(
        threat, source, org, person, relation, description, action, review_on, TODAY
    )
    assert problem == expected


@pytest.mark.parametrize(
    "review_on, closed, expected",
    [
        (date(2026, 5, 31), False, "overdue"),
        (date(2026, 6, 5), False, "due_7"),
        (date(2026, 12, 1), False, None),
        (date(2026, 5, 31), True, None),
    ],
)
def test_review_badges(review_on, closed, expected):
    assert rules.review_badge(review_on, closed, TODAY) == expected


@pytest.mark.parametrize(
    "last, expected",
    [
        (None, True),
        (date(2025, 6, 1), False),
        (date(2025, 5, 31), True),
        (date(2026, 1, 10), False),
    ],
)
def test_the_committee_reviews_every_year(last, expected):
    assert rules.committee_review_due(last, TODAY) is expected


@dataclass
class Person:
    id: int
    name: str
    role: str
    active: bool = True


def test_who_has_not_signed():
    people = [
        Person(1, "Zeynep", "auditor"),
        Person(2, "Ahmet", "committee"),
        Person(3, "Client", "client"),
        Person(4, "Gone", "planner", active=False),
        Person(5, "Burak", "admin"),
    ]
    missing = rules.missing_declarations(people, [2])
    assert [p.name for p in missing] == ["Burak", "Zeynep"]
