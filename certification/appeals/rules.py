"""Pure rules of appeals (17021-1 9.8): which decisions can be appealed and until when, who may
sit on the panel, and what an upheld appeal does to the decision.

No Flask, no database, no clock; problems come back as short codes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from certification.programme.rules import blocking_conflict

# Decision outcome -> the kind of appeal against it.
APPEALABLE = {
    "refuse": "refusal",
    "suspend": "suspension",
    "withdraw": "withdrawal",
    "reduce_scope": "scope_reduction",
}
# Decisions that set a rating band (scored schemes): the band itself can be appealed.
BANDED = ("grant", "renew", "maintain", "extend_scope")
# What an upheld appeal does, through the normal lifecycle of the thing decided.
REMEDIES = {
    "suspension": "restore",  # the certificate is restored
    "withdrawal": "reinstate",  # the withdrawn certificate is active again
    "refusal": "reopen",  # the committee decides the audit file again
    "scope_reduction": "reopen",
    "rating_band": "rerate",  # a new revision with the band the panel found
}
# Hook: with competence records (17021-1 7.2), "a role" becomes "recorded competence".
PANEL_ROLES = ("admin", "planner", "committee")


def appeal_kind(outcome: str, band: str = "") -> str | None:
    """The kind of appeal a decision allows, or None when it cannot be appealed."""
    if outcome in APPEALABLE:
        return APPEALABLE[outcome]
    if outcome in BANDED and band:
        return "rating_band"
    return None


def appeal_deadline(decided_on: date, days: int = 30) -> date:
    """Policy (setting, default 30 days): the last day the client can appeal."""
    return decided_on + timedelta(days=days)


def lodging_problem(
    outcome: str, band: str, decided_on: date, today: date, days: int, already_appealed: bool
) -> str | None:
    """Why this decision cannot be appealed now: "not_appealable", "too_late", "appealed"."""
    if appeal_kind(outcome, band) is None:
        return "not_appealable"
    if already_appealed:
        return "appealed"
    if today > appeal_deadline(decided_on, days):
        return "too_late"
    return None


def panel_problem(
    person_id: int,
    role: str,
    audit_team_ids: Collection[int],
    decider_ids: Collection[int],
    conflicts: Iterable,
    organisation_id: int,
    today: date,
) -> str | None:
    """Why this person may not sit on the panel: "role", "audit_team", "decided", "conflict".

    17021-1 9.8: the appeal is handled by people not involved in the decision appealed: nobody
    from the audit team, none of the deciding members; 5.2: nobody with a conflict either.
    """
    if role not in PANEL_ROLES:
        return "role"
    if person_id in set(audit_team_ids):
        return "audit_team"
    if person_id in set(decider_ids):
        return "decided"
    if blocking_conflict(conflicts, organisation_id, today) is not None:
        return "conflict"
    return None


def remedy_for(kind: str, has_audit: bool) -> str | None:
    """What an upheld appeal of this kind does; "reopen" needs the audit file decided on."""
    remedy = REMEDIES.get(kind)
    if remedy == "reopen" and not has_audit:
        return None
    return remedy
