"""The auditor's home: my next audits, checklists under way, answers to review, returned files.

Counts are single aggregates and lists are bounded, so the statements do not grow with the data.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from certification.extensions import db
from certification.findings.models import Finding
from certification.findings.queries import reviewable_by
from certification.organisations.models import Organisation
from certification.programme.models import Audit, AuditTeamMember
from certification.workflow import AuditState, FindingState

LIST_SIZE = 5
UPCOMING = (AuditState.SCHEDULED.value, AuditState.IN_PROGRESS.value)


def my_audit_ids(user_id: int):
    return select(AuditTeamMember.audit_id).where(AuditTeamMember.user_id == user_id)


def next_audits(user_id: int, today: date) -> list[Audit]:
    """Dated audits I am on that have not ended yet (or are still under way), soonest first."""
    query = (
        select(Audit)
        .where(
            Audit.id.in_(my_audit_ids(user_id)),
            Audit.state.in_(UPCOMING),
            (Audit.end_date >= today) | (Audit.state == AuditState.IN_PROGRESS.value),
        )
        .options(
            selectinload(Audit.organisation).selectinload(Organisation.sites),
            selectinload(Audit.team).selectinload(AuditTeamMember.user),
        )
        .order_by(Audit.start_date, Audit.id)
        .limit(LIST_SIZE)
    )
    return list(db.session.scalars(query))


def count_in_state(user_id: int, state: str) -> int:
    query = select(func.count(Audit.id)).where(
        Audit.id.in_(my_audit_ids(user_id)), Audit.state == state
    )
    return int(db.session.scalar(query) or 0)


def answers_to_review_query(user_id: int):
    """Nonconformities my audits review (raised at them, or earlier in the cycle of one under
    way: access.can_review_finding) whose client answer waits for the team's review."""
    return select(Finding).where(
        reviewable_by(user_id),
        Finding.state == FindingState.ANSWERED.value,
    )


def answers_to_review(user_id: int) -> tuple[int, list[Finding]]:
    waiting = answers_to_review_query(user_id).subquery()
    count = int(db.session.scalar(select(func.count()).select_from(waiting)) or 0)
    query = (
        answers_to_review_query(user_id)
        .options(selectinload(Finding.organisation), selectinload(Finding.audit))
        .order_by(Finding.id)
        .limit(LIST_SIZE)
    )
    return count, list(db.session.scalars(query))
