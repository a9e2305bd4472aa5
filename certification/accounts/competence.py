"""Recorded competence (17021-1 7.1, 7.2): who may audit, and who may decide, in which scheme.

Pure: no Flask, no database, no clock. A record is any object with the model's attribute names
(accounts.models.AuditorQualification, or a simple stand-in): `role`, `scheme`, `sector_code`
("" for every sector of the scheme), `valid_from` and `valid_until` (None: open-ended).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class CompetenceRole(StrEnum):
    """The function a competence record is for (17021-1 7.1.2: auditors, technical experts,
    those who review applications and those who decide)."""

    AUDITOR = "auditor"
    TECHNICAL_EXPERT = "technical_expert"
    REVIEWER = "reviewer"
    COMMITTEE_MEMBER = "committee_member"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    CompetenceRole.AUDITOR: _l("Auditor"),
    CompetenceRole.TECHNICAL_EXPERT: _l("Technical expert"),
    CompetenceRole.REVIEWER: _l("Application reviewer"),
    CompetenceRole.COMMITTEE_MEMBER: _l("Certification committee member"),
}

# The competence each user role records first (a person's records follow their role) ...
FOR_USER_ROLE = {
    "auditor": CompetenceRole.AUDITOR,
    "committee": CompetenceRole.COMMITTEE_MEMBER,
    "planner": CompetenceRole.REVIEWER,
}
# ... and every role a person of that account may hold a record for.
ROLES_FOR_USER_ROLE = {
    "auditor": (CompetenceRole.AUDITOR, CompetenceRole.TECHNICAL_EXPERT),
    "committee": (CompetenceRole.COMMITTEE_MEMBER, CompetenceRole.REVIEWER),
    "planner": (CompetenceRole.REVIEWER,),
}
# Auditors and technical experts are qualified per IAF sector; a committee member or a reviewer
# may be competent for a whole scheme.
SECTOR_REQUIRED = frozenset({CompetenceRole.AUDITOR, CompetenceRole.TECHNICAL_EXPERT})
# A team seat and the records that make a person competent for it (17021-1 7.2.5: a technical
# expert brings the sector knowledge; an auditor's qualification covers it as well).
SEAT_ROLES = {
    "lead": (CompetenceRole.AUDITOR,),
    "auditor": (CompetenceRole.AUDITOR,),
    "expert": (CompetenceRole.AUDITOR, CompetenceRole.TECHNICAL_EXPERT),
}


def covers(record, role: str, scheme: str, sector_code: str) -> bool:
    """The record is for this role and scheme, and for this sector (or every sector)."""
    return (
        (getattr(record, "role", None) or CompetenceRole.AUDITOR) == role
        and record.scheme == scheme
        and (not record.sector_code or record.sector_code == sector_code)
    )


def valid_on(record, day: date) -> bool:
    starts, ends = getattr(record, "valid_from", None), record.valid_until
    return (starts is None or starts <= day) and (ends is None or day <= ends)


def competence_problem(
    records: Iterable, role: str, scheme: str, sector_code: str, day: date
) -> str | None:
    """Why the person is not competent on `day`: "missing", "expired" or "not_yet_valid";
    None when a record covers the role, scheme and sector and is valid that day."""
    matching = [r for r in records if covers(r, role, scheme, sector_code)]
    if any(valid_on(r, day) for r in matching):
        return None
    if any(r.valid_until is not None and r.valid_until < day for r in matching):
        return "expired"
    if matching:
        return "not_yet_valid"
    return "missing"


def competence_problem_any(
    records: Iterable, roles: Iterable[str], scheme: str, sector_code: str, day: date
) -> str | None:
    """None when a record of any of these roles makes the person competent on `day`; else the
    problem of a record they do hold ("expired", "not_yet_valid"), or "missing"."""
    records = list(records)
    problems = [competence_problem(records, role, scheme, sector_code, day) for role in roles]
    if None in problems:
        return None
    return next((p for p in problems if p != "missing"), "missing")


def lapsed_on(records: Iterable, role: str, scheme: str, sector_code: str) -> date | None:
    """The last day of the newest matching record that has ended (for the refusal's words)."""
    ends = [
        r.valid_until
        for r in records
        if covers(r, role, scheme, sector_code) and r.valid_until is not None
    ]
    return max(ends, default=None)
