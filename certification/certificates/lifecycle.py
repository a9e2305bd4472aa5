"""A certificate's life after issue: suspend, restore, withdraw, confidentiality, the nightly sweep.

The committee's decisions call these (17021-1 9.6.5: suspension, restoration and withdrawal are
decided; decisions.services), as do the remedies of an upheld appeal; planners change only the
confidentiality from the certificate page; the sweep runs from the CLI. Each checks its rule,
changes the rows, logs, flushes; none commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, literal, select, text
from sqlalchemy.orm import selectinload

from certification.activity.models import ActivityLog
from certification.activity.notes import log_note
from certification.activity.services import lock, record, refused_again, transition
from certification.certificates import rules
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.programme.models import Audit, overdue_candidate
from certification.settings import services as settings
from certification.templating import format_day
from certification.workflow import Action, CertificateState, TransitionError

C = CertificateState
# Log codes that mark an audit already flagged for the committee (earlier name first).
FLAG_CODES = {"audit_overdue": ("surveillance_overdue", "audit_overdue")}
# Ids bound in one statement where rows are looked up by a list of ids (as selectinload does):
# the sweep's lists hold every overdue audit, and one list of them all could pass what a
# statement may bind (SQLite 32,766 by default, PostgreSQL 65,535). A subquery instead was
# planned badly by PostgreSQL on tables not yet analysed (8 s at 10,000 audits, not 0.1 s).
IDS_PER_STATEMENT = 500


class CertificateError(ValueError):
    """A refused certificate action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def current_certificate(organisation_id: int, scheme: str) -> Certificate | None:
    """The organisation's newest issued (active or suspended) certificate of the scheme."""
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.organisation_id == organisation_id,
            Certificate.scheme == scheme,
            Certificate.state.in_(rules.LIVE),
        )
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(1)
    )


# -- suspension, restoration, withdrawal, confidentiality -------------------------------------


def suspend_certificate(
    actor, certificate: Certificate, reason: str, today: date, limit: date | None = None
) -> Certificate:
    """17021-1 9.6.5: temporarily invalid until `limit` (policy: at most 6 months)."""
    lock(certificate)
    reason = _reason(reason)
    longest = rules.longest_suspension(today, int(settings.get("suspension_months")))
    limit = limit or longest
    if limit <= today:
        raise CertificateError(_("The suspension must last until a later day."), field="limit")
    if limit > longest:
        raise CertificateError(
            _("A suspension can last until %(date)s at the latest.", date=format_day(longest)),
            field="limit",
        )
    move(actor, certificate, Action.SUSPEND, reason, until=limit)
    certificate.suspended_on, certificate.suspended_until = today, limit
    certificate.status_reason = reason
    db.session.flush()
    return certificate


def restore_certificate(
    actor, certificate: Certificate, reason: str, today: date, said: dict | None = None
) -> Certificate:
    """A suspended certificate comes back once the client resolved the cause (17021-1 9.6.5).

    An expired one does not come back this way: only the committee's decision on a completed
    recertification audit restores it, as a new revision (issuing.restore_expired_certificate).
    """
    lock(certificate)
    reason = _reason(reason)
    if certificate.state == C.EXPIRED:
        raise CertificateError(
            ngettext(
                "ISO/IEC 17021-1 9.6.3.2.5: an expired certificate is restored only by the "
                "committee's decision on a recertification audit completed within %(num)d month "
                "of expiry.",
                "ISO/IEC 17021-1 9.6.3.2.5: an expired certificate is restored only by the "
                "committee's decision on a recertification audit completed within %(num)d "
                "months of expiry.",
                rules.RESTORATION_MONTHS,
            )
        )
    if not rules.restorable(certificate.state, certificate.expires_on, today):
        raise _not_now(certificate)
    move(actor, certificate, Action.RESTORE, reason, said=said)
    certificate.suspended_on = certificate.suspended_until = None
    certificate.status_reason = reason
    db.session.flush()
    return certificate


def missed_audit(
    certificate: Certificate, today: date, besides: Audit | None = None
) -> Audit | None:
    """The first audit of the certificate's cycle past its due date and not yet held and decided
    (rules.audit_awaited), other than `besides` (the audit whose file is decided); None when
    there is none."""
    audits = certificate.cycle.audits if certificate.cycle is not None else []
    return next(
        (
            a
            for a in audits
            if a.id != getattr(besides, "id", None)
            and rules.audit_awaited(a.kind, a.state, a.due_by, today)
        ),
        None,
    )


def missed_audit_reason(missed: Audit) -> str:
    """17021-1 9.6.2, 9.6.5: why the suspension is not lifted (but on the missed audit's file)."""
    return _(
        "ISO/IEC 17021-1 9.6.2, 9.6.5: %(audit)s was due by %(date)s and has not been held and "
        "decided; the suspension is lifted by the committee's decision on that audit's file "
        "once it is held.",
        audit=missed.kind_enum.label,
        date=format_day(missed.due_by),
    )


def withdraw_certificate(actor, certificate: Certificate, reason: str, today: date) -> Certificate:
    """17021-1 9.6.5: withdrawn on request, or after a suspension that was not resolved."""
    lock(certificate)
    reason = _reason(reason)
    move(actor, certificate, Action.WITHDRAW, reason)
    certificate.ended_on = today
    certificate.status_reason = reason
    db.session.flush()
    return certificate


def reinstate_certificate(
    actor, certificate: Certificate, reason: str, today: date, said: dict | None = None
) -> Certificate:
    """17021-1 9.8: a withdrawal reversed on appeal makes the certificate active again, within
    its dates; one past its expiry cannot come back this way."""
    lock(certificate)
    reason = _reason(reason)
    if certificate.state == C.WITHDRAWN and today > certificate.expires_on:
        raise CertificateError(
            _(
                "The certificate expired on %(date)s: it cannot be reinstated.",
                date=format_day(certificate.expires_on),
            )
        )
    move(actor, certificate, Action.REINSTATE, reason, said=said)
    certificate.ended_on = None
    certificate.status_reason = reason
    db.session.flush()
    return certificate


def toggle_confidentiality(
    actor, certificate: Certificate, reason: str, today: date, make_confidential: bool | None = None
) -> Certificate:
    """At the client's request a certificate is kept out of the public register; the public
    pages then show only its number and status (the body still confirms validity on request).

    `make_confidential`: the value the page offered; None switches whatever it is now.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason; it is kept with the certificate."), "reason")
    lock(certificate)
    if make_confidential is not None and certificate.confidential == make_confidential:
        raise CertificateError(
            _("Already done: the certificate is confidential now. Nothing was changed.")
            if make_confidential
            else _("Already done: the certificate is public now. Nothing was changed.")
        )
    certificate.confidential = (
        make_confidential if make_confidential is not None else not certificate.confidential
    )
    record(
        actor,
        certificate,
        "made_confidential" if certificate.confidential else "made_public",
        reason=reason,
    )
    db.session.flush()  # the public answer is rewritten on this flush (verification/answers.py)
    return certificate


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason; it is kept with the certificate."), "reason")
    return reason


def move(
    actor, certificate: Certificate, action: Action, reason: str, until=None, said=None
) -> None:
    """A lifecycle transition; one the table refuses becomes a CertificateError with the state.
    `reason` is what the person typed; `said` a note (activity.notes) worded when read."""
    if until is not None:
        said = log_note("until", date=until)
    try:
        transition(actor, certificate, action, reason=reason, note=said)
    except TransitionError as error:
        if refused_again(error):
            raise
        raise _not_now(certificate) from None


def _not_now(certificate: Certificate) -> CertificateError:
    return CertificateError(
        _(
            "This cannot be done now: the certificate is %(state)s.",
            state=certificate.state_enum.label,
        )
    )


# -- the sweep --------------------------------------------------------------------------------


@dataclass
class SweepResult:
    expired: list[Certificate] = field(default_factory=list)
    overdue_surveillance: list[Audit] = field(default_factory=list)
    overdue_suspensions: list[Certificate] = field(default_factory=list)
    newly_flagged: int = 0


def sweep(today: date, actor=None) -> SweepResult:
    """Expire what lapsed; flag overdue surveillance and suspensions past their limit for the
    committee, each logged once: a second run on the same day changes nothing more."""
    result = SweepResult()
    live = db.session.scalars(
        select(Certificate).where(Certificate.state.in_(rules.LIVE), Certificate.expires_on < today)
    ).all()
    for certificate in live:
        if rules.has_expired(certificate.state, certificate.expires_on, today):
            certificate.ended_on = rules.lapsed_on(certificate.expires_on)
            transition(
                actor,
                certificate,
                Action.EXPIRE,
                note=log_note("expired_after", date=certificate.expires_on),
            )
            result.expired.append(certificate)
    result.overdue_surveillance = _overdue_surveillance(today)
    result.overdue_suspensions = suspensions_past_limit(today)
    result.newly_flagged = _flag_once(
        actor, result.overdue_surveillance, "audit_overdue", _surveillance_note
    ) + _flag_once(actor, result.overdue_suspensions, "suspension_limit_passed", _suspension_note)
    db.session.flush()
    return result


def overdue_audit_clause(today: date):
    """SQL twin of rules.audit_overdue (tests hold the two together): a surveillance or
    recertification audit, not cancelled, past its due-by date and not held by it. Read from
    a partial index (programme.models.overdue_candidate)."""
    return and_(overdue_candidate(), Audit.due_by < today)


def _overdue_of_active_certificates(today: date):
    """Overdue audits whose cycle has an active certificate. Audits alone in the FROM, so the
    planner walks the partial index of overdue candidates by due date (a join let SQLite start
    from every active certificate instead: 90 ms at 10,000 certificates)."""
    active = select(Certificate.id).where(*_active_certificate_of_the_audits_cycle()).exists()
    return select(Audit).where(overdue_audit_clause(today), active)


def _active_certificate_of_the_audits_cycle() -> tuple:
    return (Certificate.cycle_id == Audit.cycle_id, Certificate.state == C.ACTIVE)


def overdue_audits(today: date, limit: int | None = None) -> list[tuple[Audit, Certificate]]:
    """Audits of the programme not held by their due date, with the active certificate of their
    cycle: the committee's list for suspension (one rule, rules.audit_overdue); the first
    `limit` of them, longest overdue first, when a page shows only some."""
    audits = db.session.scalars(
        _overdue_of_active_certificates(today)
        .options(selectinload(Audit.organisation))
        .order_by(Audit.due_by, Audit.id)
        .limit(limit)
    ).all()
    certificates: dict[int, Certificate] = {}
    for cycles in in_batches(audit.cycle_id for audit in audits):
        # Every certificate of the cycles (a few each), the active one kept here: with the state
        # in SQL, PostgreSQL without statistics read all active certificates for each batch.
        for certificate in db.session.scalars(
            select(Certificate).where(one_of(Certificate.cycle_id, cycles)).order_by(Certificate.id)
        ):  # should a cycle hold two active certificates, the first
            if certificate.state == C.ACTIVE:
                certificates.setdefault(certificate.cycle_id, certificate)
    # An audit held or a certificate suspended between the statements: not on the list.
    return [(a, certificates[a.cycle_id]) for a in audits if a.cycle_id in certificates]


def in_batches(ids: Iterable[int]) -> Iterator[list[int]]:
    """The distinct ids in order, at most IDS_PER_STATEMENT at a time (none: no batch)."""
    distinct = sorted(set(ids))
    for start in range(0, len(distinct), IDS_PER_STATEMENT):
        yield distinct[start : start + IDS_PER_STATEMENT]


def one_of(column, batch: list[int]):
    """`column` holds one of the batch's ids, within their range too: an index range that
    PostgreSQL uses before it has statistics (with the list alone it read the whole index for
    each batch: the sweep's flag look-ups took 46 s at 65,536 overdue audits, 0.8 s so)."""
    return and_(column.between(batch[0], batch[-1]), column.in_(batch))


def overdue_audit_count(today: date) -> int:
    """How many audits overdue_audits would list: every overdue candidate past its date, read
    from the partial index alone (due date, id, cycle), with one look-up of an active
    certificate of its cycle each (ix_certificates_cycle_id_state).

    PostgreSQL prices those look-ups from the due dates of all audits, most of them past and
    held: 64,000 expected where there are 3,456 at 50,000 certificates. With EXISTS it then
    hashed every active certificate in parallel workers (20 ms); with the look-ups the plan's
    estimated cost passes jit_above_cost, and compiling it (8 ms and more) cost more than the
    count. JIT stays off for this request's transaction (SET LOCAL: nothing is left on a
    connection a pooler hands on): 8 ms."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
    active = (
        select(literal(1)).where(*_active_certificate_of_the_audits_cycle()).limit(1)
    ).scalar_subquery()
    counted = select(func.count()).select_from(Audit)
    return db.session.scalar(counted.where(overdue_audit_clause(today), active.is_not(None))) or 0


def _past_limit(today: date):
    return and_(Certificate.state == C.SUSPENDED, Certificate.suspended_until < today)


def suspensions_past_limit(today: date, limit: int | None = None) -> list[Certificate]:
    """Suspended certificates past their limit: to withdraw or reduce in scope (9.6.5)."""
    return [
        c
        for c in db.session.scalars(
            select(Certificate)
            .where(_past_limit(today))
            .options(selectinload(Certificate.organisation))
            .order_by(Certificate.suspended_until, Certificate.id)
            .limit(limit)
        )
        if rules.suspension_overdue(c.state, c.suspended_until, today)
    ]


def suspensions_past_limit_count(today: date) -> int:
    return db.session.scalar(select(func.count(Certificate.id)).where(_past_limit(today))) or 0


def _overdue_surveillance(today: date) -> list[Audit]:
    return [audit for audit, _certificate in overdue_audits(today)]


def _flag_once(actor, subjects, action: str, describe) -> int:
    if not subjects:
        return 0
    kind = type(subjects[0]).__name__
    done: set[int] = set()
    for ids in in_batches(subject.id for subject in subjects):
        done.update(
            db.session.scalars(
                select(ActivityLog.subject_id).where(
                    ActivityLog.subject_type == kind,
                    # Audits flagged under the earlier code count as flagged.
                    ActivityLog.action.in_(FLAG_CODES.get(action, (action,))),
                    one_of(ActivityLog.subject_id, ids),
                )
            )
        )
    fresh = [s for s in subjects if s.id not in done]
    for subject in fresh:
        record(actor, subject, action, note=describe(subject))
    return len(fresh)


def _surveillance_note(audit: Audit) -> dict:
    late = [log_note("late_exception_given", reason=audit.late_justification)]
    return log_note(
        "audit_not_done",
        *(late if audit.late_justification else []),
        audit=audit.kind_enum,
        date=audit.due_by,
    )


def _suspension_note(certificate: Certificate) -> dict:
    return log_note("suspension_ended", date=certificate.suspended_until)
