"""Pure rules of the certificate lifecycle: its dates and what the nightly sweep must do.

No Flask, no database, no clock: every function takes `today` or the dates it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from certification.i18n.languages import LANGUAGES
from certification.workflow import (
    CertificateState,
    can_restore_after_expiry,
    certificate_expiry,
    recertification_deadline,
    renewed_expiry,
    suspension_limit,
)

# States in which a certificate still counts as issued and may lapse at its expiry.
LIVE = (CertificateState.ACTIVE.value, CertificateState.SUSPENDED.value)
# Audits that still wait to happen (programme.rules.OPEN_STATES).
OPEN_AUDIT_STATES = ("planned", "scheduled")
SURVEILLANCE_KINDS = ("surveillance1", "surveillance2")
# The programme's audits held against a due-by date, and the states of an audit that took place.
DUE_KINDS = (*SURVEILLANCE_KINDS, "recertification")
HELD_STATES = ("in_progress", "submitted", "returned", "closed")
# 17021-1 9.6.3.2.5: a lapsed certificate can be restored within 6 months of its expiry.
RESTORATION_MONTHS = 6


@dataclass(frozen=True)
class CertificateDates:
    issued_on: date
    original_issued_on: date
    expires_on: date


def initial_dates(decided_on: date) -> CertificateDates:
    """17021-1 8.2.2: effective on the decision date (never before); a three-year cycle."""
    return CertificateDates(decided_on, decided_on, certificate_expiry(decided_on))


def renewal_dates(decided_on: date, old_expiry: date, original_issued_on: date) -> CertificateDates:
    """17021-1 9.6.3.2.4: the recertified certificate expires on the old expiry + 3 years."""
    return CertificateDates(
        decided_on, original_issued_on, renewed_expiry(old_expiry, original_issued_on)
    )


def renewal_in_time(decided_on: date, old_expiry: date) -> bool:
    """17021-1 9.6.3.2.5: the recertification decision falls before the old expiry."""
    return decided_on <= recertification_deadline(old_expiry)


def restoration_dates(today: date, old_expiry: date, original_issued_on: date) -> CertificateDates:
    """A lapsed certificate restored in the window keeps its original date and old expiry + 3."""
    return CertificateDates(
        today, original_issued_on, renewed_expiry(old_expiry, original_issued_on)
    )


def restorable(state: str, expires_on: date, today: date, months: int = RESTORATION_MONTHS) -> bool:
    """Suspended: always (the committee decides); expired: only within the restoration window."""
    if state == CertificateState.SUSPENDED:
        return True
    if state == CertificateState.EXPIRED:
        return can_restore_after_expiry(expires_on, today, months)
    return False


def longest_suspension(today: date, months: int = 6) -> date:
    """Policy default 6 months (17021-1 9.6.5): the latest limit a suspension may be given."""
    return suspension_limit(today, months)


def has_expired(state: str, expires_on: date, today: date) -> bool:
    """The expiry date is the last valid day; the day after, an issued certificate has lapsed."""
    return state in LIVE and today > expires_on


def lapsed_on(expires_on: date) -> date:
    """The first day a certificate is no longer valid."""
    return expires_on + timedelta(days=1)


def suspension_overdue(state: str, suspended_until: date | None, today: date) -> bool:
    """Past its limit a suspension calls for withdrawal or a scope reduction."""
    return (
        state == CertificateState.SUSPENDED
        and suspended_until is not None
        and today > suspended_until
    )


def audit_overdue(
    kind: str, audit_state: str, start_date: date | None, due_by: date | None, today: date
) -> bool:
    """17021-1 9.6.2: a surveillance or recertification not held by its due-by date puts the
    certificate on the committee's list for suspension. Held = under way or done, having started
    on or before the due date; a justified late exception does not change that (the committee
    sees the justification on its list)."""
    if kind not in DUE_KINDS or due_by is None or audit_state == "cancelled" or today <= due_by:
        return False
    held = audit_state in HELD_STATES and start_date is not None and start_date <= due_by
    return not held


def audit_awaited(kind: str, audit_state: str, due_by: date | None, today: date) -> bool:
    """17021-1 9.6.5: a surveillance or recertification past its due-by date and not yet held
    and decided (closed). While one is, a suspension is not lifted without an audit: the
    committee lifts it on that audit's file."""
    if kind not in DUE_KINDS or due_by is None or today <= due_by:
        return False
    return audit_state not in ("closed", "cancelled")


def is_valid_on(state: str, issued_on: date, expires_on: date, today: date) -> bool:
    """Valid = active and inside its dates (the sweep may not have run yet today)."""
    return state == CertificateState.ACTIVE and issued_on <= today <= expires_on


def certificate_language(chosen: str | None, replaced, organisation) -> str:
    """The certificate's language beside English: the one chosen at the decision, else the one
    of the certificate it replaces, else the client's preferred language; "en" (English alone)
    when none of them is one of ours."""
    for language in (
        chosen,
        getattr(replaced, "language", None),
        getattr(organisation, "preferred_language", None),
    ):
        if language in LANGUAGES:
            return language
    return "en"
