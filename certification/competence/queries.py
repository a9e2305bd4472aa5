"""What the competence pages read: each person of the body with their standing (17021-1 7.1,
7.2), one person's whole record, and the counts the admin's home shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import get_locale
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from certification.accounts.models import AuditorQualification, User
from certification.admin.profiles import PROFILE_ROLES
from certification.competence import rules
from certification.competence.models import PerformanceEvaluation, TrainingRecord, WitnessedAudit
from certification.extensions import db
from certification.findings.services import due_windows
from certification.i18n.collation import sorted_by_name

STATUSES = ("expiring", "lapsed", "evaluation_due", "no_record")


def notice_days() -> int:
    """How far ahead a lapsing record shows: the widest of the body's "due soon" windows."""
    return max(due_windows())


@dataclass
class Row:
    person: User
    standing: rules.Standing
    last_evaluated_on: date | None


def last_evaluations(person_ids) -> dict[int, date]:
    rows = db.session.execute(
        select(PerformanceEvaluation.person_id, func.max(PerformanceEvaluation.evaluated_on))
        .where(PerformanceEvaluation.person_id.in_(list(person_ids)))
        .group_by(PerformanceEvaluation.person_id)
    )
    return dict(rows.all())


def _keeps_records():
    """SQL: the person's role keeps a competence record (17021-1 7.1, 7.2)."""
    return User.role.in_([r.value for r in PROFILE_ROLES])


def people_standing(today: date, days: int, active_only: bool = True) -> list[Row]:
    """Every person who keeps a competence record, with their standing today, by name."""
    query = (
        select(User)
        .where(_keeps_records())
        .options(selectinload(User.qualifications))
        .order_by(User.id)
    )
    if active_only:
        query = query.where(User.active.is_(True))
    people = sorted_by_name(db.session.scalars(query).all(), lambda u: u.name, get_locale())
    last = last_evaluations(p.id for p in people)
    return [
        Row(p, rules.standing(p.qualifications, last.get(p.id), today, days), last.get(p.id))
        for p in people
    ]


def matches(row: Row, role: str, scheme: str, status: str) -> bool:
    """The overview's filters: a record in this role, of this scheme; this kind of attention."""
    records = row.person.qualifications
    if role and not any(q.role == role for q in records):
        return False
    if scheme and not any(q.scheme == scheme for q in records):
        return False
    return {
        "": True,
        "expiring": bool(row.standing.expiring),
        "lapsed": bool(row.standing.lapsed),
        "evaluation_due": row.standing.evaluation_due,
        "no_record": not row.standing.valid,
    }.get(status, True)


def _active_record_keepers():
    """SQL: an active person who keeps a competence record (as people_standing lists them)."""
    return and_(User.active.is_(True), _keeps_records())


def attention_counts(today: date, days: int) -> dict[str, int]:
    """For the admin's home: people with a record lapsing soon, and with an evaluation due.

    The SQL twins of Standing.expiring and .evaluation_due (tests hold them together), counted
    by the database: the overview's way, every person loaded with their records and sorted by
    name, took 25 ms on each admin home at 50,000 certificates (628 people)."""
    lapsing_soon = (
        select(func.count(func.distinct(AuditorQualification.auditor_id)))
        .join(User, User.id == AuditorQualification.auditor_id)
        .where(
            _active_record_keepers(),
            or_(
                AuditorQualification.valid_from.is_(None), AuditorQualification.valid_from <= today
            ),
            AuditorQualification.valid_until >= today,
            AuditorQualification.valid_until <= today + timedelta(days=days),
        )
    )
    evaluated_lately = (
        select(PerformanceEvaluation.id)
        .where(
            PerformanceEvaluation.person_id == User.id,
            PerformanceEvaluation.evaluated_on > rules.last_day_due(today),
        )
        .exists()
    )
    evaluation_due = select(func.count(User.id)).where(_active_record_keepers(), ~evaluated_lately)
    return {
        "expiring": db.session.scalar(lapsing_soon) or 0,
        "evaluation_due": db.session.scalar(evaluation_due) or 0,
    }


def evidence_of(person_id: int) -> tuple[list, list, list]:
    """(training, witnessed audits, evaluations) of one person, newest first."""
    trainings = db.session.scalars(
        select(TrainingRecord)
        .where(TrainingRecord.person_id == person_id)
        .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())
    ).all()
    witnessed = db.session.scalars(
        select(WitnessedAudit)
        .where(WitnessedAudit.person_id == person_id)
        .order_by(WitnessedAudit.witnessed_on.desc(), WitnessedAudit.id.desc())
    ).all()
    evaluations = db.session.scalars(
        select(PerformanceEvaluation)
        .where(PerformanceEvaluation.person_id == person_id)
        .options(selectinload(PerformanceEvaluation.evaluator))
        .order_by(PerformanceEvaluation.year.desc())
    ).all()
    return list(trainings), list(witnessed), list(evaluations)
