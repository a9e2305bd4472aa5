"""The planner's and the committee's home: what needs planning, the queue, the sweep's flags.

Each count is one aggregate statement whatever the number of rows; each list is one bounded
statement (LIMIT) with its related rows loaded eagerly, so a home page runs the same number of
SQL statements for ten organisations or ten thousand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, union_all
from sqlalchemy.orm import aliased, selectinload

from certification.activity.models import ActivityLog
from certification.applications.models import Application
from certification.certificates.lifecycle import FLAG_CODES
from certification.certificates.models import Certificate, active_by_expiry
from certification.decisions.models import Decision, DecisionMember
from certification.decisions.queue import WAITING_SINCE
from certification.extensions import db
from certification.home import rules
from certification.paging import Segment
from certification.programme.models import Audit, arranged_recertification
from certification.programme.services import overdue_ways
from certification.quotes.models import Quote
from certification.workflow import ApplicationState, AuditState, CertificateState, QuoteState

SURVEILLANCE = ("surveillance1", "surveillance2")
LIST_SIZE = 5
# Decisions naming a committee member as co-decider stay on their home for this many days.
CO_SIGNED_DAYS = 30


# -- the planner ------------------------------------------------------------------------------


def applications_to_review() -> int:
    return _count(select(func.count(Application.id)).where(Application.state == "submitted"))


def quote_waiting_clause(today: date):
    """Sent to the client and still open for an answer."""
    return and_(Quote.state == QuoteState.ISSUED.value, Quote.valid_until >= today)


def quote_lapsed_clause(today: date):
    """Expired unanswered (marked or not yet swept) while the application still waits for a
    contract: worth a call to the client, or a new quote."""
    still_open = select(Application.id).where(Application.state == ApplicationState.APPROVED.value)
    return and_(
        or_(
            Quote.state == QuoteState.EXPIRED.value,
            and_(Quote.state == QuoteState.ISSUED.value, Quote.valid_until < today),
        ),
        Quote.application_id.in_(still_open),
    )


def quotes_waiting(today: date) -> tuple[int, int]:
    """(sent and still valid, lapsed while the application still waits), in one statement."""
    row = db.session.execute(
        select(
            func.sum(case((quote_waiting_clause(today), 1), else_=0)),
            func.sum(case((quote_lapsed_clause(today), 1), else_=0)),
        ).where(Quote.state.in_((QuoteState.ISSUED.value, QuoteState.EXPIRED.value)))
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def audits_to_schedule(today: date, windows: tuple[int, ...]) -> dict[int, int]:
    """Planned audits not yet past due, by the smallest window their due date falls in."""
    steps = sorted(windows)
    columns = []
    lower = today
    for days in steps:
        upper = rules.within(today, days)
        columns.append(
            func.sum(case((and_(Audit.due_by >= lower, Audit.due_by <= upper), 1), else_=0))
        )
        lower = upper + timedelta(days=1)
    row = db.session.execute(
        select(*columns).where(
            Audit.state == AuditState.PLANNED.value,
            Audit.due_by >= today,
            Audit.due_by <= rules.horizon(today, windows),
        )
    ).one()
    return {d: int(n or 0) for d, n in zip(steps, row, strict=True)}


def soonest_to_schedule(today: date, windows: tuple[int, ...]) -> list[Audit]:
    query = (
        select(Audit)
        .where(
            Audit.state == AuditState.PLANNED.value,
            Audit.due_by <= rules.horizon(today, windows),
        )
        .options(selectinload(Audit.organisation))
        .order_by(Audit.due_by, Audit.id)
        .limit(LIST_SIZE)
    )
    return list(db.session.scalars(query))


def overdue_audits(today: date) -> tuple[int, int]:
    """(open audits not held by their due date, of which surveillance audits): 17021-1
    9.1.3.3 wants surveillance at least once a calendar year; a missed one is a reason to
    suspend. One statement."""
    # Each way apart, then added up: as one OR, PostgreSQL read every planned and scheduled
    # audit of the index for it (64,000 at 50,000 certificates, 12 ms); apart, each is a range
    # of the index, which holds the kind too (2 ms).
    late = union_all(*(select(Audit.kind).where(way) for way in overdue_ways(today))).subquery()
    row = db.session.execute(
        select(func.count(), func.sum(case((late.c.kind.in_(SURVEILLANCE), 1), else_=0)))
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def recertification_arranged():
    """SQL: the certificate's cycle has a recertification audit with dates (or held)."""
    recert = aliased(Audit)
    return exists().where(recert.cycle_id == Certificate.cycle_id, arranged_recertification(recert))


def expiring_unarranged_clause(today: date, days: int):
    """SQL form of rules.expiring_unarranged for a window of `days` days."""
    return and_(
        active_by_expiry(),  # Certificate.state == "active", read through its partial index
        Certificate.expires_on <= rules.within(today, days),
        ~recertification_arranged(),
    )


def expiring_without_recertification(today: date, windows: tuple[int, ...]) -> int:
    days = max(windows)
    # count(*), not of the ids: PostgreSQL then counts from the partial index alone.
    return _count(
        select(func.count()).select_from(Certificate).where(expiring_unarranged_clause(today, days))
    )


def suspension_near_limit_clause(today: date, days: int):
    return and_(
        Certificate.state == CertificateState.SUSPENDED.value,
        Certificate.suspended_until <= rules.within(today, days),
    )


def suspensions_near_limit(today: date, days: int) -> int:
    return _count(
        select(func.count(Certificate.id)).where(suspension_near_limit_clause(today, days))
    )


# -- the committee ----------------------------------------------------------------------------


def queue_size() -> int:
    return _count(select(func.count(Audit.id)).where(Audit.state == AuditState.SUBMITTED.value))


def oldest_in_queue() -> list[tuple[Audit, datetime]]:
    """The files waiting longest, with the moment each was submitted."""
    rows = db.session.execute(
        select(Audit, WAITING_SINCE)
        .where(Audit.state == AuditState.SUBMITTED.value)
        .options(selectinload(Audit.organisation))
        .order_by(WAITING_SINCE, Audit.id)
        .limit(LIST_SIZE)
    ).all()
    return [(audit, moment) for audit, moment in rows]


# The newest decision first; the list pages by this key (paging.py), never by OFFSET.
CO_SIGNED_ORDER = Segment(key=(Decision.decided_on, Decision.id), descending=True)


def co_signed_clause(user_id: int, today: date):
    """Decisions of the last weeks another member recorded with this member as co-decider."""
    since = today - timedelta(days=CO_SIGNED_DAYS)
    return and_(
        Decision.decided_on >= since,
        Decision.decided_by_id != user_id,
        Decision.id.in_(
            select(DecisionMember.decision_id).where(DecisionMember.member_id == user_id)
        ),
    )


def co_signed(user_id: int, today: date) -> tuple[int, list[Decision]]:
    count = _count(select(func.count(Decision.id)).where(co_signed_clause(user_id, today)))
    query = (
        select(Decision)
        .where(co_signed_clause(user_id, today))
        .options(selectinload(Decision.organisation), selectinload(Decision.decided_by))
        .order_by(*CO_SIGNED_ORDER.order())
        .limit(LIST_SIZE)
    )
    return count, list(db.session.scalars(query))


def flagged_clause():
    """SQL: certificates the nightly sweep flagged whose cause still stands: a suspension past
    its limit, or an overdue surveillance or recertification audit of their cycle that is still
    not held. Uncorrelated IN lists: the flags are few, and are looked up once, not per row."""
    return or_(suspension_flagged_clause(), audit_flagged_clause())


def suspension_flagged_clause():
    flagged = select(ActivityLog.subject_id).where(
        ActivityLog.subject_type == "Certificate",
        ActivityLog.action == "suspension_limit_passed",
    )
    return and_(Certificate.state == CertificateState.SUSPENDED.value, Certificate.id.in_(flagged))


def audit_flagged_clause():
    open_audit = aliased(Audit)
    cycles_flagged = (
        select(open_audit.cycle_id)
        .join(
            ActivityLog,
            and_(ActivityLog.subject_type == "Audit", ActivityLog.subject_id == open_audit.id),
        )
        .where(
            ActivityLog.action.in_(FLAG_CODES["audit_overdue"]),  # present and earlier codes
            open_audit.state.in_((AuditState.PLANNED.value, AuditState.SCHEDULED.value)),
        )
    )
    return and_(
        Certificate.state == CertificateState.ACTIVE.value,
        Certificate.cycle_id.in_(cycles_flagged),
    )


def flagged_certificates() -> int:
    """One statement, a count per cause (a certificate is suspended or active, never both):
    under the OR of flagged_clause PostgreSQL read every certificate to test each against the
    flags (50,000 rows at 50,000 certificates: 16 ms); each half starts from its few flags."""
    suspended, active = (
        select(func.count(Certificate.id)).where(clause).scalar_subquery()
        for clause in (suspension_flagged_clause(), audit_flagged_clause())
    )
    return _count(select(suspended + active))


def _count(query) -> int:
    return int(db.session.scalar(query) or 0)


def start_of_day(day: date) -> datetime:
    """A timezone-aware midnight (UTC), to compare a date with timestamp columns."""
    return datetime.combine(day, time.min, tzinfo=UTC)
