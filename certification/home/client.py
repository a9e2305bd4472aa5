"""The client's home: certificate status and validity, next audits, findings to answer with
their deadlines, quotes to answer and the documents the body sent.

Every list belongs to the client's own organisation and is bounded, so the page runs the same
statements however long the organisation's history grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from certification.certificates.models import Certificate
from certification.extensions import db
from certification.findings.models import Finding
from certification.programme.models import Audit
from certification.quotes.models import Quote
from certification.workflow import AuditState, CertificateState, FindingState, QuoteState

LIST_SIZE = 5
WAITING_FOR_CLIENT = (FindingState.OPEN.value, FindingState.ANSWER_REJECTED.value)
CURRENT = (CertificateState.ACTIVE.value, CertificateState.SUSPENDED.value)
# Reports the client may read (access.can_view_report): submitted to the committee or decided.
REPORTED = (AuditState.SUBMITTED.value, AuditState.CLOSED.value)


@dataclass(frozen=True)
class Document:
    """A document the body sent the client: what it is, when, and where to read it."""

    kind: str  # "certificate", "report", "quote"
    title: str
    on: date | None
    endpoint: str
    values: dict


def certificates(organisation_id: int) -> list[Certificate]:
    query = (
        select(Certificate)
        .where(Certificate.organisation_id == organisation_id, Certificate.state.in_(CURRENT))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(LIST_SIZE)
    )
    return list(db.session.scalars(query))


def next_audits(organisation_id: int, today: date) -> list[Audit]:
    """Dated audits that have not ended, then planned ones by due date."""
    when = func.coalesce(Audit.start_date, Audit.due_by)
    query = (
        select(Audit)
        .where(
            Audit.organisation_id == organisation_id,
            Audit.state.in_((AuditState.PLANNED.value, AuditState.SCHEDULED.value, "in_progress")),
            (Audit.end_date.is_(None)) | (Audit.end_date >= today),
        )
        .order_by(when.is_(None), when, Audit.sequence, Audit.id)
        .limit(LIST_SIZE)
    )
    return list(db.session.scalars(query))


def findings_to_answer(organisation_id: int) -> tuple[int, list[Finding]]:
    where = (
        Finding.organisation_id == organisation_id,
        Finding.grade.in_(("minor", "major")),
        Finding.state.in_(WAITING_FOR_CLIENT),
    )
    count = int(db.session.scalar(select(func.count(Finding.id)).where(*where)) or 0)
    query = (
        select(Finding)
        .where(*where)
        .order_by(Finding.plan_due_on.is_(None), Finding.plan_due_on, Finding.id)
        .limit(LIST_SIZE)
    )
    return count, list(db.session.scalars(query))


def quotes_to_answer(organisation_id: int, today: date) -> list[Quote]:
    query = (
        select(Quote)
        .where(
            Quote.organisation_id == organisation_id,
            Quote.state == QuoteState.ISSUED.value,
            Quote.valid_until >= today,
        )
        .order_by(Quote.valid_until, Quote.id)
        .limit(LIST_SIZE)
    )
    return list(db.session.scalars(query))


def documents(organisation_id: int, certificates_now: list[Certificate]) -> list[Document]:
    """The newest reports and quotes sent, with the current certificates, newest first."""
    reports = db.session.scalars(
        select(Audit)
        .where(Audit.organisation_id == organisation_id, Audit.state.in_(REPORTED))
        .order_by(Audit.end_date.desc(), Audit.id.desc())
        .limit(LIST_SIZE)
    ).all()
    quotes = db.session.scalars(
        select(Quote)
        .where(Quote.organisation_id == organisation_id, Quote.issued_on.is_not(None))
        .order_by(Quote.issued_on.desc(), Quote.id.desc())
        .limit(LIST_SIZE)
    ).all()
    found = [
        Document("certificate", c.number, c.issued_on, "certificates.pdf", {"certificate_id": c.id})
        for c in certificates_now
    ]
    found += [
        Document("report", a.kind_enum.label, a.end_date, "reports.pdf", {"audit_id": a.id})
        for a in reports
    ]
    found += [
        Document("quote", q.number, q.issued_on, "quotes.pdf", {"quote_id": q.id}) for q in quotes
    ]
    found.sort(key=lambda d: d.on or date.min, reverse=True)
    return found[:LIST_SIZE]
