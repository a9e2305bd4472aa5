"""Pure rules of transfers (IAF MD 2): which certificates may transfer, and where the cycle
continues. No Flask, no database, no clock; problems come back as short codes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from certification.workflow import add_months, add_years

BODIES_FILE = Path(__file__).with_name("accreditation_bodies.toml")
# Within this many months of expiry a transfer is not done: the client needs a recertification
# audit instead (the cycle cannot continue).
NEAR_EXPIRY_MONTHS = 3
# How long before its cycle ends a recertification may be decided: it follows surveillance 2, due
# 24 months into the cycle (17021-1 9.1.3.3), so it falls in the cycle's last year at the earliest.
EARLY_RECERTIFICATION_MONTHS = 12
STATUSES = ("active", "suspended", "expired", "withdrawn")
# The last audit the other body did -> the audits of the cycle already done.
DONE_BY_LAST_AUDIT = {
    "stage2": ("stage1", "stage2"),
    "recertification": ("stage1", "stage2"),  # a new cycle started with it
    "surveillance1": ("stage1", "stage2", "surveillance1"),
    "surveillance2": ("stage1", "stage2", "surveillance1", "surveillance2"),
}
PROGRAMME = ("stage1", "stage2", "surveillance1", "surveillance2", "recertification")
# Hook: with competence records (17021-1 7.1), "a role" becomes "recorded competence for
# pre-transfer reviews".
REVIEWER_ROLES = ("admin", "planner", "auditor")


@dataclass(frozen=True)
class AccreditationBody:
    code: str
    name: str
    country: str


@lru_cache(maxsize=1)
def mla_signatories(path: Path = BODIES_FILE) -> tuple[AccreditationBody, ...]:
    """The IAF MLA signatories kept as data (accreditation_bodies.toml)."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    return tuple(AccreditationBody(b["code"], b["name"], b["country"]) for b in data["body"])


def transfer_problem(
    accreditation_body: str,
    signatories: Collection[str],
    status: str,
    issued_on: date,
    original_issued_on: date,
    expires_on: date,
    today: date,
    last_audit_kind: str | None = None,
    last_audit_on: date | None = None,
) -> str | None:
    """Why this certificate cannot transfer: codes "not_mla", "suspended", "withdrawn",
    "expired", "near_expiry", "dates"; None when it can (IAF MD 2). The other body's last audit,
    when stated, must agree with the dates (see `dates_fit`)."""
    if accreditation_body not in set(signatories):
        return "not_mla"  # only accredited certificates, by an IAF MLA signatory's body
    if status == "suspended":
        return "suspended"
    if status == "withdrawn":
        return "withdrawn"
    if status == "expired" or today > expires_on:
        return "expired"
    if not dates_fit(issued_on, original_issued_on, expires_on, last_audit_kind, last_audit_on):
        return "dates"
    if today > add_months(expires_on, -NEAR_EXPIRY_MONTHS):
        return "near_expiry"
    return None


def dates_fit(
    issued_on: date,
    original_issued_on: date,
    expires_on: date,
    last_audit_kind: str | None = None,
    last_audit_on: date | None = None,
) -> bool:
    """17021-1 9.1.3.2: a certificate expires after its issue and at most three years after it
    (a grant, a revision). Only a certificate issued on an early recertification runs longer:
    the new expiry is the old one + 3 years (9.6.3.2.4), so it is the end of a cycle counted
    from the original certification date, the one after the cycle in progress at the issue,
    and the last audit the other body did, when stated, agrees it was a recertification."""
    if expires_on <= issued_on:
        return False
    if expires_on <= add_years(issued_on, 3):  # some bodies write the anniversary as the expiry
        return True
    cycle_end = _cycle_end_near(original_issued_on, expires_on)
    if cycle_end is None:
        return False
    if cycle_end > add_months(add_years(issued_on, 3), EARLY_RECERTIFICATION_MONTHS):
        return False  # a cycle later than the next one
    return last_audit_kind is None or _after_a_recertification(
        issued_on, last_audit_kind, last_audit_on
    )


def _cycle_end_near(original_issued_on: date, expires_on: date) -> date | None:
    """The end of a three-year cycle counted from the original certification date (the day
    before an anniversary) within a day of `expires_on`: some bodies write the anniversary, some
    add three years to the old expiry (2025-02-28 + 3 years = 2028-02-28, where the cycle begun
    on 2022-03-01 ends on 2028-02-29). None when the expiry ends no cycle."""
    cycles = 1
    while (end := add_years(original_issued_on, 3 * cycles) - timedelta(days=1)) <= expires_on:
        if expires_on - end <= timedelta(days=1):
            return end
        cycles += 1
    return end if end - expires_on <= timedelta(days=1) else None


def _after_a_recertification(
    issued_on: date, last_audit_kind: str, last_audit_on: date | None
) -> bool:
    """The other body's last audit agrees with a certificate issued on a recertification: that
    recertification (on or before the issue), or a surveillance of the new cycle (after it).
    After a stage 2 the certificate is the grant's, in the first cycle."""
    if last_audit_on is None:
        return False
    if last_audit_kind == "recertification":
        return last_audit_on <= issued_on
    return last_audit_kind in ("surveillance1", "surveillance2") and last_audit_on > issued_on


def cycle_start(expires_on: date) -> date:
    """The first day of the three-year cycle that expires on `expires_on` (domain.md)."""
    return add_years(expires_on + timedelta(days=1), -3)


def audits_done(last_audit_kind: str) -> tuple[str, ...]:
    """The audits of the programme the other body already did; ours continue after them."""
    return DONE_BY_LAST_AUDIT.get(last_audit_kind, ("stage1", "stage2"))


def next_audit(last_audit_kind: str) -> str:
    done = audits_done(last_audit_kind)
    return next(kind for kind in PROGRAMME if kind not in done)


def same_scope(one: str, other: str) -> bool:
    """The same words, whatever the spacing and case."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def review_problem(
    role: str,
    checks: Collection[bool],
    certified_scope: str,
    findings: str,
    visited: bool,
    visited_on: date | None,
    today: date,
) -> str | None:
    """The pre-transfer review is complete: "role", "checks", "scope", "findings", "visit"."""
    if role not in REVIEWER_ROLES:
        return "role"
    if not all(checks):
        return "checks"  # IAF MD 2: reports, nonconformities, complaints, where the cycle stands
    if not certified_scope.strip():
        return "scope"  # IAF MD 2: the cycle continues with the same scope
    if not findings.strip():
        return "findings"
    if visited and (visited_on is None or visited_on > today):
        return "visit"
    return None
