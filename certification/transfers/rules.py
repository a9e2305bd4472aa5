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
) -> str | None:
    """Why this certificate cannot transfer: codes "not_mla", "suspended", "withdrawn",
    "expired", "near_expiry", "dates"; None when it can (IAF MD 2)."""
    if accreditation_body not in set(signatories):
        return "not_mla"  # only accredited certificates, by an IAF MLA signatory's body
    if status == "suspended":
        return "suspended"
    if status == "withdrawn":
        return "withdrawn"
    if status == "expired" or today > expires_on:
        return "expired"
    if not dates_fit(issued_on, original_issued_on, expires_on):
        return "dates"
    if today > add_months(expires_on, -NEAR_EXPIRY_MONTHS):
        return "near_expiry"
    return None


def dates_fit(issued_on: date, original_issued_on: date, expires_on: date) -> bool:
    """17021-1 9.1.3.2: a certificate expires after its issue and at most three years after the
    start of its cycle: its issue (a grant, a revision) or, when it was issued on an early
    recertification, the expiry it replaced, since the new expiry is the old one + 3 years
    (9.6.3.2.4). The cycles follow each other from the original certification date, so the
    latest is the end of the cycle after the one the certificate was issued in."""
    if expires_on <= issued_on:
        return False
    latest = add_years(issued_on, 3)
    if issued_on > original_issued_on:  # issued on the original date: the grant, not a renewal
        latest = max(latest, _next_cycle_end(original_issued_on, issued_on))
    return expires_on <= latest


def _next_cycle_end(original_issued_on: date, issued_on: date) -> date:
    """The end of the cycle after the one in progress on `issued_on`, counted from the original
    certification date; generous by a day (some bodies write the anniversary as the expiry)."""
    cycles = 1
    while add_years(original_issued_on, 3 * cycles) < issued_on:
        cycles += 1
    return add_years(original_issued_on, 3 * (cycles + 1))


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
