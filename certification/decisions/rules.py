"""Pure rules of the committee's decision: who may decide a file, and which outcomes fit it.

No Flask, no database, no clock: plain values in, plain values out. Problems come back as short
codes ("audit_team", "open_major", ...); the services turn them into the reader's words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from certification.certificates.rules import audit_awaited
from certification.decisions.models import Outcome
from certification.programme.rules import blocking_conflict
from certification.workflow import (
    can_restore_after_expiry,
    stage2_redo_deadline,
)

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
    # Stage 1 is not decided: it ends with the lead auditor's conclusion on readiness (9.3.1),
    # and the committee reads it inside the stage 2 file.
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

# Outcomes that let a certificate of a scored scheme stand on the audit's rating.
RATED = frozenset({Out.GRANT, Out.RENEW, Out.MAINTAIN, Out.RESTORE, Out.EXTEND_SCOPE})
# Outcomes that change the certified scope, so the decision must state it.
SCOPE_OUTCOMES = frozenset({Out.EXTEND_SCOPE, Out.REDUCE_SCOPE})
# Outcomes that conclude the cycle's file: every earlier audit of the cycle must be closed first.
CONCLUDING = frozenset({Out.GRANT, Out.RENEW})
# Audits that are done with: decided (or concluded, for stage 1), or taken out of the programme.
FINISHED_AUDIT_STATES = ("closed", "cancelled")
# Stages the planner conducts again (programme.stages.repeat_stage): stage 1 when the client was
# not ready or stage 1 is past its validity (9.3.1), stage 2 when a major was not verified within
# 6 months (9.5.3.2). The later audit of the stage replaces the earlier one.
REPEATED_STAGES = frozenset({"stage1", "stage2"})


def relied_positions(audits: Sequence[tuple[str, str]]) -> list[int]:
    """Which of the cycle's audits a decision relies on, as positions in `audits`: (kind, state)
    in programme order, the audit decided last.

    "The audit" is every audit of the cycle the decision relies on (17021-1 9.5, stage 1
    included): every one not cancelled, except a stage 1 or stage 2 that a later audit of the
    same stage replaced. A replaced stage stays in the file as history; its findings were decided
    on with it and do not hold the decision on the later one back. The audit decided is always
    relied on.
    """
    last = len(audits) - 1
    latest: dict[str, int] = {}
    for position, (kind, state) in enumerate(audits):
        if kind in REPEATED_STAGES and (state != "cancelled" or position == last):
            latest[kind] = position
    return [
        position
        for position, (kind, state) in enumerate(audits)
        if position == last
        or (state != "cancelled" and (kind not in REPEATED_STAGES or latest[kind] == position))
    ]


@dataclass(frozen=True)
class FindingFacts:
    """A finding as the decision rules see it."""

    grade: str
    state: str
    audit_kind: str = ""
    audit_last_day: date | None = None
    verified_on: date | None = None


@dataclass(frozen=True)
class FileFacts:
    """What the committee decides on: the audit, the findings the decision relies on (this
    audit's and those of the earlier audits of the cycle it relies on: see relied_positions),
    every earlier audit of the cycle with its state, and the certificate."""

    audit_kind: str
    first_day: date | None
    last_day: date | None
    findings: tuple[FindingFacts, ...] = ()
    earlier_audits: tuple[tuple[str, str], ...] = ()  # (kind, state)
    certificate_state: str | None = None
    certificate_expires_on: date | None = None
    # Scored schemes: "ok", "withheld" (too few questions answered) or "below_lowest_band";
    # None for schemes without a rating.
    rating: str | None = None
    # The other audits of the certificate's cycle, the audit decided left out: (kind, state,
    # due-by date).
    certificate_audits: tuple[tuple[str, str, date | None], ...] = ()


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
    audit_last_day: date | None = None,
) -> str | None:
    """Why this outcome cannot be decided on this file, as a code; None when it can.

    Codes: "unknown_outcome", "not_for_audit_kind", "open_major", "minor_without_plan",
    "already_certified", "no_certificate", "certificate_state", "restoration_needs_recertification",
    "restoration_window_passed".
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
    if chosen == Out.RESTORE and certificate_state == "expired":
        return restoration_problem(audit_kind, certificate_expires_on, audit_last_day, today)
    return None


def restoration_problem(
    audit_kind: str, expires_on: date | None, audit_last_day: date | None, today: date | None
) -> str | None:
    """17021-1 9.6.3.2.5: an expired certificate comes back only from a recertification audit
    completed, and decided, within 6 months of expiry; a surveillance or special audit cannot."""
    if audit_kind != "recertification":
        return "restoration_needs_recertification"
    if expires_on is None:
        return None
    for day in (audit_last_day, today):
        if day is not None and not can_restore_after_expiry(expires_on, day):
            return "restoration_window_passed"
    return None


def decision_day_problem(last_day: date | None, today: date) -> str | None:
    """17021-1 9.5.2: the committee decides on a finished audit: not before its last day."""
    if last_day is None or today < last_day:
        return "before_last_day"
    return None


def earlier_audits_problem(outcome: str, earlier_audits: Iterable[tuple[str, str]]) -> str | None:
    """A grant or renewal concludes the cycle's file: every earlier audit of the cycle is closed
    (or cancelled), so nothing stays in the queue after the decision it fed (17021-1 9.5.3)."""
    if outcome not in CONCLUDING:
        return None
    if any(state not in FINISHED_AUDIT_STATES for _kind, state in earlier_audits):
        return "earlier_audit_open"
    return None


def stage2_major_deadline(findings: Iterable[FindingFacts]) -> date | None:
    """The earliest 6-month verification deadline of the stage 2 majors (17021-1 9.5.3.2)."""
    deadlines = [
        stage2_redo_deadline(f.audit_last_day)
        for f in findings
        if f.grade == "major" and f.audit_kind == "stage2" and f.audit_last_day is not None
    ]
    return min(deadlines, default=None)


def stage2_majors_problem(outcome: str, findings: Iterable[FindingFacts], today: date):
    """17021-1 9.5.3.2: a major nonconformity of stage 2 not verified closed within 6 months of
    the last day of stage 2 allows no grant: the body conducts another stage 2 first."""
    if outcome != Out.GRANT:
        return None
    for f in findings:
        if f.grade != "major" or f.audit_kind != "stage2" or f.audit_last_day is None:
            continue
        deadline = stage2_redo_deadline(f.audit_last_day)
        verified_late = (
            f.state == "closed" and f.verified_on is not None and f.verified_on > deadline
        )
        still_open = f.state != "closed" and today > deadline
        if verified_late or still_open:
            return "stage2_major_late"
    return None


def missed_audit_problem(
    outcome: str,
    certificate_state: str | None,
    other_audits: Iterable[tuple[str, str, date | None]],
    today: date,
) -> str | None:
    """17021-1 9.6.2 and 9.6.5: a suspended certificate is not restored while a surveillance or
    recertification of its cycle is past its due date and not yet held and decided
    (certificates.rules.audit_awaited): that audit is held and decided first, and the suspension
    is lifted on its own file. `other_audits`: (kind, state, due_by) of the cycle's audits other
    than the one decided (the missed audit's own file may restore). "missed_audit_awaited"; None
    when none is awaited."""
    if outcome != Out.RESTORE or certificate_state != "suspended":
        return None
    if any(audit_awaited(kind, state, due_by, today) for kind, state, due_by in other_audits):
        return "missed_audit_awaited"
    return None


def rating_problem(outcome: str, rating: str | None) -> str | None:
    """The star scheme (domain.md): no certificate on an audit without a rating, nor below the
    lowest star band; "no_rating" or "below_lowest_band"."""
    if outcome not in RATED or rating in (None, "ok"):
        return None
    return "no_rating" if rating == "withheld" else "below_lowest_band"


def decision_problem(outcome: str, facts: FileFacts, today: date) -> str | None:
    """Every rule a decision on this file must meet, in the order a reader would check them."""
    if outcome not in {o.value for o in outcomes_for(facts.audit_kind)}:
        return (
            "unknown_outcome" if outcome not in {o.value for o in Outcome} else "not_for_audit_kind"
        )
    return (
        decision_day_problem(facts.last_day, today)
        or stage2_majors_problem(outcome, facts.findings, today)
        or outcome_problem(
            outcome,
            facts.audit_kind,
            [(f.grade, f.state) for f in facts.findings],
            facts.certificate_state,
            certificate_expires_on=facts.certificate_expires_on,
            today=today,
            audit_last_day=facts.last_day,
        )
        or missed_audit_problem(outcome, facts.certificate_state, facts.certificate_audits, today)
        or earlier_audits_problem(outcome, facts.earlier_audits)
        or rating_problem(outcome, facts.rating)
    )
