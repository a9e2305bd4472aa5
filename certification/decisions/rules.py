"""Pure rules of the committee's decision: who may decide a file, and which outcomes fit it.

No Flask, no database, no clock: plain values in, plain values out. Problems come back as short
codes ("audit_team", "open_major", ...); the services turn them into the reader's words.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from certification.decisions.models import Outcome
from certification.programme.rules import blocking_conflict
from certification.workflow import can_restore_after_expiry

Out = Outcome

# Which outcomes fit the file of each kind of audit (17021-1 9.5 and 9.6).
SURVEILLANCE_OUTCOMES = (
    Out.MAINTAIN,
    Out.SUSPEND,
    Out.RESTORE,
    Out.WITHDRAW,
    Out.EXTEND_SCOPE,
    Out.REDUCE_SCOPE,
    Out.MORE_INFORMATION,
)
OUTCOMES_BY_KIND: dict[str, tuple[Outcome, ...]] = {
    # Stage 1 decides no certification: its report is accepted, or the client is refused.
    "stage1": (Out.ACCEPT_REPORT, Out.REFUSE, Out.MORE_INFORMATION),
    "stage2": (Out.GRANT, Out.REFUSE, Out.MORE_INFORMATION),
    "surveillance1": SURVEILLANCE_OUTCOMES,
    "surveillance2": SURVEILLANCE_OUTCOMES,
    "special": SURVEILLANCE_OUTCOMES,
    # A lapsed certificate is restored, within 6 months of expiry, once the work is done.
    "recertification": (Out.RENEW, Out.RESTORE, Out.REFUSE, Out.MORE_INFORMATION),
}

# Decisions that let the certificate stand or widen it: they need the findings resolved.
POSITIVE = frozenset({Out.GRANT, Out.RENEW, Out.MAINTAIN, Out.RESTORE, Out.EXTEND_SCOPE})

# The certificate state each outcome acts on (None: no certificate in force).
NEEDS_CERTIFICATE_STATE: dict[Outcome, tuple[str | None, ...]] = {
    Out.GRANT: (None, "expired"),
    Out.MAINTAIN: ("active",),
    Out.SUSPEND: ("active",),
    Out.EXTEND_SCOPE: ("active",),
    Out.REDUCE_SCOPE: ("active", "suspended"),
    Out.RESTORE: ("suspended", "expired"),
    Out.WITHDRAW: ("active", "suspended"),
    # 17021-1 9.6.3: renewal is decided before expiry; after it, the certificate is restored.
    Out.RENEW: ("active",),
}

# Outcomes that change the certified scope, so the decision must state it.
SCOPE_OUTCOMES = frozenset({Out.EXTEND_SCOPE, Out.REDUCE_SCOPE})


def impartiality_problem(
    member_id: int,
    audit_team_member_ids: Iterable[int],
    member_conflicts: Iterable,
    organisation_id: int,
    today: date,
) -> str | None:
    """Why this person may not decide the file: "audit_team" or "conflict"; None when impartial.

    17021-1 9.5.1.2: the decision is taken by people who took no part in the audit; 5.2: nor by
    anyone with a recorded conflict of interest with the client (same bar as for auditing).
    """
    if member_id in set(audit_team_member_ids):
        return "audit_team"
    if blocking_conflict(member_conflicts, organisation_id, today) is not None:
        return "conflict"
    return None


def outcomes_for(audit_kind: str) -> tuple[Outcome, ...]:
    return OUTCOMES_BY_KIND.get(str(audit_kind), ())


def findings_problem(findings_summary: Iterable[tuple[str, str]]) -> str | None:
    """Codes "open_major" or "minor_without_plan" when a positive decision must wait; else None.

    17021-1 9.5.3.2 via domain.md: a major only once verified closed; a minor once its action
    plan is accepted. `findings_summary`: (grade, state) pairs; other grades do not count.
    """
    minors_waiting = False
    for grade, state in findings_summary:
        if grade == "major" and state != "closed":
            return "open_major"
        if grade == "minor" and state not in ("plan_accepted", "closed"):
            minors_waiting = True
    return "minor_without_plan" if minors_waiting else None


def outcome_problem(
    outcome: str,
    audit_kind: str,
    findings_summary: Iterable[tuple[str, str]],
    certificate_state: str | None,
    *,
    certificate_expires_on: date | None = None,
    today: date | None = None,
) -> str | None:
    """Why this outcome cannot be decided on this file, as a code; None when it can.

    Codes: "unknown_outcome", "not_for_audit_kind", "open_major", "minor_without_plan",
    "already_certified", "no_certificate", "certificate_state", "restoration_window_passed".
    """
    try:
        chosen = Outcome(outcome)
    except ValueError:
        return "unknown_outcome"
    if chosen not in outcomes_for(audit_kind):
        return "not_for_audit_kind"
    if chosen in POSITIVE:
        problem = findings_problem(findings_summary)
        if problem is not None:
            return problem
    allowed_states = NEEDS_CERTIFICATE_STATE.get(chosen)
    if allowed_states is not None and certificate_state not in allowed_states:
        if certificate_state is None:
            return "no_certificate"
        return "already_certified" if None in allowed_states else "certificate_state"
    if (
        chosen == Out.RESTORE
        and certificate_state == "expired"
        and certificate_expires_on is not None
        and today is not None
        and not can_restore_after_expiry(certificate_expires_on, today)
    ):
        # domain.md: more than 6 months after expiry at least a new stage 2 is needed.
        return "restoration_window_passed"
    return None
