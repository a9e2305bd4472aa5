"""Pure rules of the competence records (17021-1 7.1, 7.2): when a record is about to lapse,
when a yearly evaluation is due, who is competent on a day. No Flask, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from certification.accounts.competence import competence_problem, valid_on
from certification.workflow import add_months

# 17021-1 7.2.10: each person's performance is evaluated at least once a year.
EVALUATION_MONTHS = 12


def expiring(valid_until: date | None, today: date, days: int) -> bool:
    """Valid today and lapsing within `days` days (an open-ended record never lapses)."""
    return valid_until is not None and today <= valid_until <= today + timedelta(days=days)


def lapsed(valid_until: date | None, today: date) -> bool:
    return valid_until is not None and valid_until < today


def evaluation_due(last_evaluated_on: date | None, today: date) -> bool:
    """17021-1 7.2.10: no evaluation yet, or the last one is 12 months old or more."""
    if last_evaluated_on is None:
        return True
    return add_months(last_evaluated_on, EVALUATION_MONTHS) <= today


def last_day_due(today: date) -> date:
    """The latest day an evaluation can have been made and leave the next one due `today`:
    evaluation_due(day, today) holds exactly for the days up to it (the counts' SQL cut-off).
    Months clamp to their end (29 Feb + 12 months = 28 Feb), so it is found by stepping."""
    day = add_months(today, -EVALUATION_MONTHS)
    while add_months(day, EVALUATION_MONTHS) > today:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), EVALUATION_MONTHS) <= today:
        day += timedelta(days=1)
    return day


def evaluation_due_by(last_evaluated_on: date | None) -> date | None:
    """The day the next evaluation falls due (None: due already, none was ever made)."""
    if last_evaluated_on is None:
        return None
    return add_months(last_evaluated_on, EVALUATION_MONTHS)


def evaluation_date_problem(evaluated_on: date | None, today: date) -> str | None:
    """An evaluation is recorded once it happened: "missing" or "future", else None."""
    if evaluated_on is None:
        return "missing"
    if evaluated_on > today:
        return "future"
    return None


def competent_people(
    records_by_person: Mapping[int, Iterable],
    role: str,
    scheme: str,
    sector_code: str,
    day: date,
) -> list[int]:
    """The ids of the people with a record valid on `day` for this role, scheme and sector."""
    return [
        person_id
        for person_id, records in records_by_person.items()
        if competence_problem(records, role, scheme, sector_code, day) is None
    ]


@dataclass
class Standing:
    """One person's competence at a glance, for the admin's overview and the person's page."""

    valid: list = field(default_factory=list)
    expiring: list = field(default_factory=list)
    lapsed: list = field(default_factory=list)
    evaluation_due: bool = False
    next_evaluation_by: date | None = None

    @property
    def needs_attention(self) -> bool:
        return bool(self.expiring) or self.evaluation_due or not self.valid


def standing(records: Iterable, last_evaluated_on: date | None, today: date, days: int) -> Standing:
    """Sort a person's records into valid (of which: expiring within `days`) and lapsed."""
    found = Standing(
        evaluation_due=evaluation_due(last_evaluated_on, today),
        next_evaluation_by=evaluation_due_by(last_evaluated_on),
    )
    for record in records:
        if valid_on(record, today):
            found.valid.append(record)
            if expiring(record.valid_until, today, days):
                found.expiring.append(record)
        elif lapsed(record.valid_until, today):
            found.lapsed.append(record)
    return found
