"""The certification cycle's states, the one table of allowed transitions, and the date rules.

Pure: no Flask, no database, no clock. Every function that needs the date takes `today`.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Labelled(StrEnum):
    """A state stored as text, with a translatable label for templates."""

    @property
    def label(self) -> str:
        return str(LABELS.get((type(self), self.value), self.value.replace("_", " ")))


class ApplicationState(Labelled):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CONTRACTED = "contracted"
    WITHDRAWN = "withdrawn"


class QuoteState(Labelled):
    DRAFT = "draft"
    ISSUED = "issued"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class AuditState(Labelled):
    PLANNED = "planned"  # in the programme, not yet dated
    SCHEDULED = "scheduled"  # dates and team fixed
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # report in the committee's queue
    RETURNED = "returned"  # committee asked for more information
    CLOSED = "closed"  # decided
    CANCELLED = "cancelled"


class FindingState(Labelled):
    OPEN = "open"
    ANSWERED = "answered"
    ANSWER_REJECTED = "answer_rejected"
    PLAN_ACCEPTED = "plan_accepted"
    CLOSED = "closed"  # verified


class CertificateState(Labelled):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


class ComplaintState(Labelled):
    """A complaint about the body or a certified client, through ISO 10002 7.2 to 7.9."""

    RECEIVED = "received"  # 7.2, 7.3: recorded, with a tracking number
    ACKNOWLEDGED = "acknowledged"  # 7.4
    ASSESSED = "assessed"  # 7.5: a complaint, with severity and urgency
    INVESTIGATING = "investigating"  # 7.6: by someone not involved
    DECISION_PROPOSED = "decision_proposed"
    DECISION_APPROVED = "decision_approved"  # reviewed by someone not involved either
    ANSWERED = "answered"  # 7.7, 7.8: the response went out
    IN_RECOURSE = "in_recourse"  # 7.9: not accepted; internal appeal or external recourse
    CLOSED = "closed"  # 7.9
    DISMISSED = "dismissed"  # 7.5: not a complaint; answered and closed


class AppealState(Labelled):
    """An appeal against a certification decision (17021-1 9.8)."""

    LODGED = "lodged"
    UNDER_REVIEW = "under_review"  # the panel is appointed
    UPHELD = "upheld"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class TransferState(Labelled):
    """A certificate of another body transferring here (IAF MD 2)."""

    RECEIVED = "received"
    REVIEWED = "reviewed"  # the pre-transfer review is done: the committee decides
    TRANSFERRED = "transferred"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    # applications
    APPROVE = "approve"
    REJECT = "reject"
    CONTRACT = "contract"
    WITHDRAW = "withdraw"
    # quotes
    ISSUE = "issue"
    ACCEPT = "accept"
    EXPIRE = "expire"
    # audits
    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    START = "start"
    SUBMIT = "submit"
    RETURN = "return"
    CLOSE = "close"
    CONCLUDE = "conclude"  # stage 1: the lead auditor's conclusion on readiness closes it
    CANCEL = "cancel"
    # findings
    ANSWER = "answer"
    ACCEPT_PLAN = "accept_plan"
    REJECT_ANSWER = "reject_answer"
    VERIFY = "verify"
    # certificates
    SUSPEND = "suspend"
    RESTORE = "restore"
    SUPERSEDE = "supersede"
    RENEW = "renew"
    REINSTATE = "reinstate"  # a withdrawal reversed on appeal
    REOPEN = "reopen"  # a decided audit file back to the committee after an upheld appeal
    # complaints
    ACKNOWLEDGE = "acknowledge"
    ASSESS = "assess"
    DISMISS = "dismiss"
    ASSIGN = "assign"
    PROPOSE = "propose"
    RESPOND = "respond"
    CONTEST = "contest"
    # appeals and transfers
    APPOINT_PANEL = "appoint_panel"
    UPHOLD = "uphold"
    REVIEW = "review"
    GRANT = "grant"


A, Q, U, F, C = ApplicationState, QuoteState, AuditState, FindingState, CertificateState
K, P, T = ComplaintState, AppealState, TransferState

# (state, action) -> next state. The only place a lifecycle's moves are defined.
TRANSITIONS: dict[tuple[StrEnum, Action], StrEnum] = {
    (A.SUBMITTED, Action.APPROVE): A.APPROVED,
    (A.SUBMITTED, Action.REJECT): A.REJECTED,
    (A.SUBMITTED, Action.WITHDRAW): A.WITHDRAWN,
    (A.APPROVED, Action.CONTRACT): A.CONTRACTED,
    (A.APPROVED, Action.WITHDRAW): A.WITHDRAWN,
    (Q.DRAFT, Action.ISSUE): Q.ISSUED,
    (Q.DRAFT, Action.WITHDRAW): Q.WITHDRAWN,
    (Q.ISSUED, Action.ACCEPT): Q.ACCEPTED,
    (Q.ISSUED, Action.REJECT): Q.REJECTED,
    (Q.ISSUED, Action.EXPIRE): Q.EXPIRED,
    (Q.ISSUED, Action.WITHDRAW): Q.WITHDRAWN,
    (U.PLANNED, Action.SCHEDULE): U.SCHEDULED,
    (U.PLANNED, Action.CANCEL): U.CANCELLED,
    (U.SCHEDULED, Action.RESCHEDULE): U.SCHEDULED,
    (U.SCHEDULED, Action.START): U.IN_PROGRESS,
    (U.SCHEDULED, Action.CANCEL): U.CANCELLED,
    (U.IN_PROGRESS, Action.SUBMIT): U.SUBMITTED,
    (U.SUBMITTED, Action.RETURN): U.RETURNED,
    (U.SUBMITTED, Action.CLOSE): U.CLOSED,
    (U.RETURNED, Action.SUBMIT): U.SUBMITTED,
    (U.IN_PROGRESS, Action.CONCLUDE): U.CLOSED,
    (U.RETURNED, Action.CONCLUDE): U.CLOSED,
    (F.OPEN, Action.ANSWER): F.ANSWERED,
    (F.ANSWER_REJECTED, Action.ANSWER): F.ANSWERED,
    (F.ANSWERED, Action.ACCEPT_PLAN): F.PLAN_ACCEPTED,
    (F.ANSWERED, Action.REJECT_ANSWER): F.ANSWER_REJECTED,
    (F.PLAN_ACCEPTED, Action.VERIFY): F.CLOSED,
    (C.ACTIVE, Action.SUSPEND): C.SUSPENDED,
    (C.ACTIVE, Action.WITHDRAW): C.WITHDRAWN,
    (C.ACTIVE, Action.EXPIRE): C.EXPIRED,
    (C.ACTIVE, Action.SUPERSEDE): C.SUPERSEDED,
    (C.SUSPENDED, Action.RESTORE): C.ACTIVE,
    (C.SUSPENDED, Action.WITHDRAW): C.WITHDRAWN,
    (C.SUSPENDED, Action.EXPIRE): C.EXPIRED,
    (C.EXPIRED, Action.RESTORE): C.ACTIVE,
    # 17021-1 9.6.3.2.5: a restored expired certificate is a new revision; the old one stays.
    (C.EXPIRED, Action.SUPERSEDE): C.SUPERSEDED,
    (C.WITHDRAWN, Action.REINSTATE): C.ACTIVE,
    (U.CLOSED, Action.REOPEN): U.SUBMITTED,
    (K.RECEIVED, Action.ACKNOWLEDGE): K.ACKNOWLEDGED,
    (K.ACKNOWLEDGED, Action.ASSESS): K.ASSESSED,
    (K.ACKNOWLEDGED, Action.DISMISS): K.DISMISSED,
    (K.ASSESSED, Action.ASSIGN): K.INVESTIGATING,
    (K.INVESTIGATING, Action.ASSIGN): K.INVESTIGATING,
    (K.INVESTIGATING, Action.PROPOSE): K.DECISION_PROPOSED,
    (K.DECISION_PROPOSED, Action.APPROVE): K.DECISION_APPROVED,
    (K.DECISION_PROPOSED, Action.RETURN): K.INVESTIGATING,
    (K.DECISION_APPROVED, Action.RESPOND): K.ANSWERED,
    (K.ANSWERED, Action.ACCEPT): K.CLOSED,
    (K.ANSWERED, Action.CONTEST): K.IN_RECOURSE,
    (K.ANSWERED, Action.CLOSE): K.CLOSED,
    (K.IN_RECOURSE, Action.CLOSE): K.CLOSED,
    (P.LODGED, Action.APPOINT_PANEL): P.UNDER_REVIEW,
    (P.LODGED, Action.WITHDRAW): P.WITHDRAWN,
    (P.UNDER_REVIEW, Action.UPHOLD): P.UPHELD,
    (P.UNDER_REVIEW, Action.REJECT): P.REJECTED,
    (P.UNDER_REVIEW, Action.WITHDRAW): P.WITHDRAWN,
    (T.RECEIVED, Action.REVIEW): T.REVIEWED,
    (T.RECEIVED, Action.WITHDRAW): T.WITHDRAWN,
    (T.REVIEWED, Action.GRANT): T.TRANSFERRED,
    (T.REVIEWED, Action.REJECT): T.REFUSED,
    (T.REVIEWED, Action.WITHDRAW): T.WITHDRAWN,
}


class TransitionError(Exception):
    """An action that the current state does not allow."""

    def __init__(self, state: StrEnum, action: Action):
        self.state, self.action = state, action
        super().__init__(f"cannot {action.value} when {state.value}")

    @property
    def already_done(self) -> bool:
        return already_done(self.state, self.action)


def next_state(state: StrEnum, action: Action) -> StrEnum:
    # StrEnum members of different lifecycles compare equal when their values match
    # (AuditState.SUBMITTED == ApplicationState.SUBMITTED), so the lifecycle is checked too.
    target = TRANSITIONS.get((state, action))
    if target is None or type(target) is not type(state):
        raise TransitionError(state, action)
    return target


def already_done(state: StrEnum, action: Action) -> bool:
    """`state` is where `action` leads: a second click (or a colleague) did it first."""
    return any(a == action and target is state for (_s, a), target in TRANSITIONS.items())


def allowed_actions(state: StrEnum) -> list[Action]:
    return [action for (s, action) in TRANSITIONS if s is state]


_LABEL_PAIRS = [
    (A.SUBMITTED, _l("Submitted")),
    (A.APPROVED, _l("Review passed")),
    (A.REJECTED, _l("Rejected")),
    (A.CONTRACTED, _l("Contracted")),
    (A.WITHDRAWN, _l("Withdrawn")),
    (Q.DRAFT, _l("Draft")),
    (Q.ISSUED, _l("Sent to client")),
    (Q.ACCEPTED, _l("Accepted")),
    (Q.REJECTED, _l("Rejected")),
    (Q.EXPIRED, _l("Expired")),
    (Q.WITHDRAWN, _l("Withdrawn")),
    (U.PLANNED, _l("Planned")),
    (U.SCHEDULED, _l("Scheduled")),
    (U.IN_PROGRESS, _l("In progress")),
    (U.SUBMITTED, _l("Report submitted")),
    (U.RETURNED, _l("Returned for information")),
    (U.CLOSED, _l("Closed")),
    (U.CANCELLED, _l("Cancelled")),
    (F.OPEN, _l("Open")),
    (F.ANSWERED, _l("Answered")),
    (F.ANSWER_REJECTED, _l("Answer rejected")),
    (F.PLAN_ACCEPTED, _l("Plan accepted")),
    (F.CLOSED, _l("Verified closed")),
    (C.ACTIVE, _l("Active")),
    (C.SUSPENDED, _l("Suspended")),
    (C.WITHDRAWN, _l("Withdrawn")),
    (C.EXPIRED, _l("Expired")),
    (C.SUPERSEDED, _l("Superseded")),
    (K.RECEIVED, _l("Received")),
    (K.ACKNOWLEDGED, _l("Acknowledged")),
    (K.ASSESSED, _l("Assessed")),
    (K.INVESTIGATING, _l("Under investigation")),
    (K.DECISION_PROPOSED, _l("Decision proposed")),
    (K.DECISION_APPROVED, _l("Decision approved")),
    (K.ANSWERED, _l("Answered")),
    (K.IN_RECOURSE, _l("Not accepted: appeal or recourse")),
    (K.CLOSED, _l("Closed")),
    (K.DISMISSED, _l("Not a complaint")),
    (P.LODGED, _l("Lodged")),
    (P.UNDER_REVIEW, _l("Under review by the panel")),
    (P.UPHELD, _l("Upheld")),
    (P.REJECTED, _l("Rejected")),
    (P.WITHDRAWN, _l("Withdrawn")),
    (T.RECEIVED, _l("Received")),
    (T.REVIEWED, _l("Reviewed: with the committee")),
    (T.TRANSFERRED, _l("Transferred")),
    (T.REFUSED, _l("Refused")),
    (T.WITHDRAWN, _l("Withdrawn")),
]
# Keyed by (lifecycle, value): members of different lifecycles with one value stay apart.
LABELS = {(type(state), state.value): label for state, label in _LABEL_PAIRS}

# ---------------------------------------------------------------------------
# Date rules (../shared/domain.md "Dates the product computes"). Pure functions.
# ---------------------------------------------------------------------------


DUE_WINDOWS = (90, 30, 7)


def add_months(d: date, n: int) -> date:
    """Calendar months later (or earlier), clamped to the month end: 31 Jan + 1 month = 28 Feb."""
    index = d.year * 12 + d.month - 1 + n
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last_day))


def add_years(d: date, n: int) -> date:
    """Calendar years later, clamped: 29 Feb + 1 year = 28 Feb (domain.md, expiry)."""
    return add_months(d, 12 * n)


def certificate_expiry(cycle_start: date) -> date:
    """17021-1 9.1.3.2: a three-year cycle; expires the day before the start's third anniversary."""
    return add_years(cycle_start, 3) - timedelta(days=1)


def surveillance_due_by(decision_date: date, number: int) -> date:
    """17021-1 9.1.3.3: surveillance 1 due 12 months after the decision, surveillance 2 24."""
    if number not in (1, 2):
        raise ValueError(f"a cycle has surveillance audits 1 and 2, not {number}")
    return add_months(decision_date, 12 * number)


def surveillance_2_earliest_year(surveillance_1_done_on: date) -> int:
    """17021-1 9.1.3.3: at least once a calendar year, so surveillance 2 follows 1's year."""
    return surveillance_1_done_on.year + 1


def surveillance_2_window(decision_date: date, surveillance_1_done_on: date) -> tuple[date, date]:
    """First and last allowed day of surveillance 2; latest < earliest means it is already late."""
    year = surveillance_2_earliest_year(surveillance_1_done_on)
    latest = min(surveillance_due_by(decision_date, 2), date(year, 12, 31))
    return date(year, 1, 1), latest


def recertification_latest(surveillance_2_done_on: date) -> date:
    """17021-1 9.1.3.3: an audit every calendar year, the recertification year counted: the
    recertification falls at the latest in the calendar year after surveillance 2."""
    return date(surveillance_2_done_on.year + 1, 12, 31)


def surveillance_2_in_required_year(surveillance_1_done_on: date, surveillance_2_on: date) -> bool:
    """17021-1 9.1.3.3: surveillance 2 falls in the calendar year after surveillance 1."""
    return surveillance_2_on.year == surveillance_2_earliest_year(surveillance_1_done_on)


def recertification_deadline(expiry: date) -> date:
    """17021-1 9.6.3.2.5: audit and decision "before expiry", strictly: the day before expiry."""
    return expiry - timedelta(days=1)


def renewed_expiry(old_expiry: date, first_cycle_start: date | None = None) -> date:
    """17021-1 9.6.3.2.4: the new cycle expires on the old expiry + 3 years, not decision + 3.

    Counted, like the first expiry, as the day before an anniversary of the first cycle's start,
    so that chained renewals keep 29 February right in later leap years: a cycle begun on
    2028-02-29 expires on 2031-02-27, 2034-02-27, 2037-02-27 and then 2040-02-28.
    """
    if first_cycle_start is not None:
        cycles = round((old_expiry - first_cycle_start).days / (3 * 365.25))
        if (
            cycles >= 1
            and add_years(first_cycle_start, 3 * cycles) - timedelta(days=1) == old_expiry
        ):
            return add_years(first_cycle_start, 3 * (cycles + 1)) - timedelta(days=1)
    # Off the chain (a transferred certificate, say): the day before the next anniversary.
    return add_years(old_expiry + timedelta(days=1), 3) - timedelta(days=1)


def restoration_deadline(expiry: date, months: int = 6) -> date:
    """17021-1 9.6.3.2.5: a lapsed certificate can be restored within 6 months of expiry."""
    return add_months(expiry, months)


def can_restore_after_expiry(expiry: date, today: date, months: int = 6) -> bool:
    """After the restoration window at least a new stage 2 is needed (treated as a new initial)."""
    return today <= restoration_deadline(expiry, months)


def stage2_redo_deadline(stage2_last_day: date, months: int = 6) -> date:
    """17021-1 9.5.3.2: majors verified within 6 months of stage 2's end, else a new stage 2."""
    return add_months(stage2_last_day, months)


def suspension_limit(suspended_on: date, months: int = 6) -> date:
    """17021-1 9.6.5, policy default 6 months: last day before withdrawal or scope reduction."""
    return add_months(suspended_on, months)


def quote_valid_until(issued_on: date, days: int = 30) -> date:
    """Policy: a quote holds for `days` days after the issue date, inclusive of the last one."""
    return issued_on + timedelta(days=days)


def quote_is_expired(valid_until: date, today: date) -> bool:
    """The client can still accept on the valid_until day itself."""
    return today > valid_until


def stage1_validity(
    stage1_last_day: date, today: date, warn_days: int = 90, void_months: int = 6
) -> str:
    """Policy (no rule caps the gap): warn after 90 days, a new stage 1 after 6 months."""
    if today > add_months(stage1_last_day, void_months):
        return "void"
    if (today - stage1_last_day).days > warn_days:
        return "warn"
    return "valid"


def action_plan_due(finding_raised_on: date, days: int = 30) -> date:
    """Policy default: the client answers a finding with an action plan within 30 days."""
    return finding_raised_on + timedelta(days=days)


def due_status(due: date | None, today: date, windows: tuple[int, ...] = DUE_WINDOWS) -> str | None:
    """Dashboard badge: "overdue", "due_<n>" for the smallest window holding `due`, or None."""
    if due is None:
        return None
    if today > due:
        return "overdue"
    days_left = (due - today).days
    for window in sorted(windows):
        if days_left <= window:
            return f"due_{window}"
    return None


def programme_dates(decision_date: date | None, stage2_last_day: date | None = None) -> dict:
    """Due-by dates of the 3-year programme; None until the certification decision is taken.

    Keys: surveillance_1, surveillance_2, recertification, expiry, and majors_verified_by
    (from the last day of stage 2, known before the decision).
    """
    majors = stage2_redo_deadline(stage2_last_day) if stage2_last_day else None
    if decision_date is None:
        return {
            "surveillance_1": None,
            "surveillance_2": None,
            "recertification": None,
            "expiry": None,
            "majors_verified_by": majors,
        }
    expiry = certificate_expiry(decision_date)
    return {
        "surveillance_1": surveillance_due_by(decision_date, 1),
        "surveillance_2": surveillance_due_by(decision_date, 2),
        "recertification": recertification_deadline(expiry),
        "expiry": expiry,
        "majors_verified_by": majors,
    }
