"""Pure rules of findings: when the client's plan is due, how late its target date may be, and
when a finding is overdue.

No Flask, no database, no clock: plain values in, plain values out. Grades and states are their
text values ("major", "plan_accepted") or the enums, which compare equal to them.
"""

from __future__ import annotations

from datetime import date, timedelta

from certification.workflow import (
    DUE_WINDOWS,
    action_plan_due,
    add_months,
    due_status,
    stage2_redo_deadline,
)

NONCONFORMITIES = ("minor", "major")
# The client still owes an answer (first one, or after a rejection).
WAITING_FOR_CLIENT = ("open", "answer_rejected")
STAGE2 = "stage2"
# Policy: a minor's corrective action is verified at the next audit, at most 12 months away
# (17021-1 9.1.3.3, surveillance at least once a calendar year).
MINOR_TARGET_MONTHS = 12
# A major's correction and corrective action are verified within 6 months of the audit's end;
# at stage 2 that is the rule (17021-1 9.5.3.2), at other audits the same period as policy.
MAJOR_TARGET_MONTHS = 6


# A finding's reference: the audit's short code, then its running number within the cycle, so
# that the client never sees two "Finding 1" (stage 1 raises S1-1, S1-2; stage 2 goes on S2-3).
AUDIT_CODES = {
    "stage1": "S1",
    "stage2": "S2",
    "surveillance1": "SV1",
    "surveillance2": "SV2",
    "recertification": "RC",
    "special": "SP",
}


def finding_reference(audit_kind: str, number: int) -> str:
    """ "S2-3": the third finding of the cycle, raised at its stage 2 audit."""
    return f"{AUDIT_CODES.get(str(audit_kind), 'A')}-{number}"


def is_nonconformity(grade: str) -> bool:
    return grade in NONCONFORMITIES


def majors_verified_by(grade: str, audit_kind: str, audit_last_day: date | None) -> date | None:
    """17021-1 9.5.3.2: a major of stage 2 verified within 6 months, else a full stage 2 again."""
    if grade != "major" or audit_kind != STAGE2 or audit_last_day is None:
        return None
    return stage2_redo_deadline(audit_last_day, MAJOR_TARGET_MONTHS)


def plan_due(
    grade: str,
    raised_on: date,
    audit_kind: str,
    audit_last_day: date | None,
    plan_days: int = 30,
) -> date | None:
    """When the client's action plan is due; None for observations and OFIs (no answer owed).

    Counted from the closing meeting (the audit's last day) when the finding was raised during
    the audit, since that is when the client hears of it; never later than a stage 2 major's
    verification deadline.
    """
    if not is_nonconformity(grade):
        return None
    start = max(raised_on, audit_last_day) if audit_last_day else raised_on
    due = action_plan_due(start, plan_days)
    verify_by = majors_verified_by(grade, audit_kind, audit_last_day)
    return min(due, verify_by) if verify_by else due


def latest_target_date(
    grade: str, raised_on: date, audit_kind: str, audit_last_day: date | None
) -> date | None:
    """The last target date the client may give for implementing its corrective action."""
    if not is_nonconformity(grade):
        return None
    base = max(raised_on, audit_last_day) if audit_last_day else raised_on
    if grade == "major":
        return majors_verified_by(grade, audit_kind, audit_last_day) or add_months(
            base, MAJOR_TARGET_MONTHS
        )
    return add_months(base, MINOR_TARGET_MONTHS)


def target_date_problem(target: date | None, today: date, latest: date | None) -> str | None:
    """Why a target date is refused: "missing", "past", "too_late"; None when acceptable."""
    if target is None:
        return "missing"
    if target < today:
        return "past"
    if latest is not None and target > latest:
        return "too_late"
    return None


def finding_due(
    grade: str,
    state: str,
    plan_due_on: date | None,
    target_date: date | None,
    verify_by: date | None,
) -> date | None:
    """The next date this finding must meet, or None when nothing is owed.

    The client owes a plan until it answers; once accepted the action must be in place by its
    target date; a stage 2 major must be verified (closed) by its deadline whatever its state.
    """
    if not is_nonconformity(grade) or state == "closed":
        return None
    dues = [verify_by]
    if state in WAITING_FOR_CLIENT:
        dues.append(plan_due_on)
    elif state == "plan_accepted":
        dues.append(target_date)
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None


def finding_due_status(
    grade: str,
    state: str,
    plan_due_on: date | None,
    target_date: date | None,
    verify_by: date | None,
    today: date,
    windows: tuple[int, ...] = DUE_WINDOWS,
) -> str | None:
    """Badge of a finding: "overdue", "due_<n>" or None (workflow.due_status on finding_due)."""
    due = finding_due(grade, state, plan_due_on, target_date, verify_by)
    return due_status(due, today, windows)


def stage2_redo_required(
    grade: str, state: str, audit_kind: str, audit_last_day: date | None, today: date
) -> bool:
    """A stage 2 major not verified within 6 months: a new stage 2 is needed (domain.md 6)."""
    verify_by = majors_verified_by(grade, audit_kind, audit_last_day)
    return verify_by is not None and state != "closed" and today > verify_by


def last_stage2_end_past_deadline(today: date, months: int = MAJOR_TARGET_MONTHS) -> date:
    """The latest stage 2 last day whose verification deadline is already behind `today`.

    Lets a query find late stage 2 majors by comparing the audit's end date with one value:
    stage2_redo_deadline(end) < today exactly when end <= this date.
    """
    end = add_months(today, -months)
    while stage2_redo_deadline(end, months) >= today:
        end -= timedelta(days=1)
    return end
