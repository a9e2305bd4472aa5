"""Pure rules of picking an audit team: competence, conflicts of interest, days already booked.

No Flask, no database, no clock. What comes back is a plain assessment per person, so that the
schedule form can show it before the planner picks and the service can refuse with the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from certification.accounts.competence import SEAT_ROLES, competence_problem_any
from certification.programme.rules import (
    COOLING_OFF_YEARS,
    NO_OVERRIDE_KINDS,
    blocking_conflicts,
)
from certification.workflow import add_years

# Audits that hold their days: the auditor cannot be elsewhere on them.
BOOKED_STATES = ("scheduled", "in_progress", "submitted", "returned", "closed")


@dataclass(frozen=True)
class Booking:
    audit_id: int
    start: date
    end: date
    label: str = ""


@dataclass
class Assessment:
    """What stands between this person and the team on those days.

    `blocking`: codes that no written reason can lift ("consultancy", "competence", "booked");
    `overridable`: codes the planner may lift with a logged reason ("conflict": a tie other than
    consultancy). Every barring tie with the client counts, not only the first one recorded.
    """

    competence: str | None = None  # None, "missing", "expired", "not_yet_valid"
    conflicts: tuple = ()  # every tie that still bars, the most serious first
    bookings: list[Booking] = field(default_factory=list)
    competence_on: date | None = None  # the audit day the qualification does not cover

    @property
    def conflict(self):
        """The most serious barring tie (consultancy before any other), or None."""
        return self.conflicts[0] if self.conflicts else None

    @property
    def consultancy_ties(self) -> list:
        return [c for c in self.conflicts if c.kind in NO_OVERRIDE_KINDS]

    @property
    def other_ties(self) -> list:
        return [c for c in self.conflicts if c.kind not in NO_OVERRIDE_KINDS]

    @property
    def consultancy(self) -> bool:
        return bool(self.consultancy_ties)

    @property
    def blocking(self) -> list[str]:
        codes = ["consultancy"] if self.consultancy else []
        codes += ["competence"] if self.competence else []
        return codes + (["booked"] if self.bookings else [])

    @property
    def overridable(self) -> list[str]:
        return ["conflict"] if self.other_ties else []

    @property
    def free(self) -> bool:
        return not self.bookings

    @property
    def fit(self) -> bool:
        return not self.blocking and not self.overridable


def overlaps(start: date, end: date, other_start: date, other_end: date) -> bool:
    """Two audits whose days share at least one day (both ends included)."""
    return start <= other_end and other_start <= end


def clashing(start: date, end: date, bookings, this_audit_id: int | None = None) -> list[Booking]:
    """The person's other audits on any of these days (17021-1 9.2.2: one place at a time)."""
    return [
        b for b in bookings if b.audit_id != this_audit_id and overlaps(start, end, b.start, b.end)
    ]


def consultancy_bars_until(conflict) -> date | None:
    """The first free day after consultancy (two full years after it ended), or None if ongoing."""
    if conflict.ended_on is None:
        return None
    return add_years(conflict.ended_on, COOLING_OFF_YEARS)


def assess(
    qualifications,
    conflicts,
    bookings,
    *,
    organisation_id: int,
    scheme: str,
    sector_code: str,
    start: date,
    end: date,
    audit_id: int | None = None,
    seat: str = "auditor",
) -> Assessment:
    """One person against one audit on these days: the conflicts count on the first day, the
    qualification for the seat must hold from the first day to the last, with no override
    (17021-1 5.2, 7.1, 7.2.5), and no other audit may overlap."""
    roles = SEAT_ROLES.get(seat, SEAT_ROLES["auditor"])
    competence, competence_on = None, None
    for day in (start, end):
        competence = competence_problem_any(qualifications, roles, scheme, sector_code, day)
        if competence is not None:
            competence_on = day
            break
    return Assessment(
        competence=competence,
        conflicts=tuple(blocking_conflicts(conflicts, organisation_id, start)),
        bookings=clashing(start, end, bookings, audit_id),
        competence_on=competence_on,
    )
