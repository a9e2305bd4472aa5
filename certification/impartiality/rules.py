"""Pure rules of the impartiality records: a complete risk entry, reviews due, and who has not
signed this year's declaration. No Flask, no database, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from certification.workflow import add_months, due_status

THREATS = (
    "self_interest",
    "self_review",
    "familiarity",
    "intimidation",
    "advocacy",
    "management",
    "other",
)
SOURCES = ("client", "person", "relation")
LEVELS = ("low", "medium", "high")
# The people of the body who sign the declaration every year (clients do not).
DECLARING_ROLES = ("admin", "planner", "auditor", "committee")
# 17021-1 5.2.3: the committee reviews the risks at least once a year.
REVIEW_MONTHS = 12


def risk_problem(
    threat: str,
    source_kind: str,
    organisation_id: int | None,
    person_id: int | None,
    relation: str,
    description: str,
    action_taken: str,
    review_on: date | None,
    today: date,
) -> str | None:
    """Why the entry is incomplete, as the field it concerns; None when it can be saved."""
    if threat not in THREATS:
        return "threat"
    if source_kind not in SOURCES:
        return "source_kind"
    if source_kind == "client" and not organisation_id:
        return "organisation_id"
    if source_kind == "person" and not person_id:
        return "person_id"
    if source_kind == "relation" and not relation.strip():
        return "relation"
    if not description.strip():
        return "description"
    if not action_taken.strip():
        return "action_taken"  # a risk is recorded with what is done about it
    if review_on is None or review_on <= today or review_on > add_months(today, REVIEW_MONTHS):
        return "review_on"  # a later day, within the year
    return None


def review_badge(review_on: date, closed: bool, today: date) -> str | None:
    """ "overdue", "due_30", ... for an open risk's next review (the dashboard windows)."""
    return None if closed else due_status(review_on, today, (90, 30, 7))


def committee_review_due(last_held_on: date | None, today: date) -> bool:
    """No impartiality committee review in the last twelve months."""
    return last_held_on is None or today > add_months(last_held_on, REVIEW_MONTHS)


def missing_declarations(people: Iterable, signed_user_ids: Iterable[int]) -> list:
    """The active people of the body without a declaration for the year, by name."""
    signed = set(signed_user_ids)
    return sorted(
        (p for p in people if p.role in DECLARING_ROLES and p.active and p.id not in signed),
        key=lambda p: p.name,
    )
