"""The admin's home: dormant accounts and qualifications about to lapse (outbox failures come
from the notifications domain as a panel)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select

from certification.accounts.models import AuditorQualification, User
from certification.extensions import db
from certification.home import rules
from certification.home.planning import start_of_day


def dormant_clause(today: date, days: int):
    """SQL form of rules.is_dormant: active accounts unused (or never used) for `days` days."""
    cutoff = start_of_day(rules.dormant_cutoff(today, days))
    return and_(User.active.is_(True), func.coalesce(User.last_login_at, User.created_at) < cutoff)


def dormant_accounts(today: date, days: int) -> int:
    return int(
        db.session.scalar(select(func.count(User.id)).where(dormant_clause(today, days))) or 0
    )


def expiring_qualification_clause(today: date, windows: tuple[int, ...]):
    """Users holding a qualification that is valid today and lapses inside the widest window."""
    lapsing = select(AuditorQualification.auditor_id).where(
        AuditorQualification.valid_until >= today,
        AuditorQualification.valid_until <= rules.horizon(today, windows),
    )
    return and_(User.active.is_(True), User.id.in_(lapsing))


def expiring_qualifications(today: date, windows: tuple[int, ...]) -> int:
    query = select(func.count(AuditorQualification.id)).where(
        AuditorQualification.valid_until >= today,
        AuditorQualification.valid_until <= rules.horizon(today, windows),
    )
    return int(db.session.scalar(query) or 0)
