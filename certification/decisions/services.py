"""The committee's work: the queue of submitted files, the file, and deciding on it.

17021-1 9.5: the decision is taken by people who took no part in the audit; the auditor's
recommendation (reports.AuditReport), the decision and each member's reasons are kept apart.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.accounts.models import User
from certification.activity.notes import log_note
from certification.activity.services import lock, record, refusal_message, transition
from certification.agreements.services import in_force as agreement_in_force
from certification.certificates.models import Certificate
from certification.decisions import rules
from certification.decisions.file import (
    DECIDERS,
    LIVE_STATES,
    current_certificate,
    decider_reason,
    file_facts,
    file_notes,
    findings_summary,
    impartiality_reason,
    outcome_message,
    previous_decisions,
    rating_of,
    relied_findings,
    relied_on,
    replaced_history,
)
from certification.decisions.models import Decision, DecisionMember, Outcome
from certification.decisions.queue import WAITING_SINCE
from certification.extensions import db
from certification.i18n.languages import LANGUAGES
from certification.programme.models import Audit, AuditTeamMember
from certification.reports.models import AuditReport
from certification.reports.services import report_of
from certification.workflow import Action, AuditState, CertificateState, TransitionError

__all__ = [
    "DECIDERS",
    "LIVE_STATES",
    "current_certificate",
    "decider_reason",
    "file_notes",
    "findings_summary",
    "impartiality_reason",
    "outcome_message",
    "previous_decisions",
    "relied_findings",
    "relied_on",
    "replaced_history",
]

# Outcomes decided on a certificate without an audit (17021-1 9.6.5): suspension and withdrawal
# (the client's request, an audit not held in time), and lifting a suspension.
ON_CERTIFICATE = (Outcome.SUSPEND, Outcome.RESTORE, Outcome.WITHDRAW)


class DecisionError(ValueError):
    """A refused decision; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class NotImpartial(DecisionError):
    """The person may not decide on this file (shown with its reason, HTTP 403)."""


# -- the queue ---------------------------------------------------------------------------------


def queue_query():
    """Audits waiting for the committee, oldest submission first."""
    return (
        select(Audit)
        .where(Audit.state == AuditState.SUBMITTED.value, Audit.kind != "stage1")
        .options(
            selectinload(Audit.organisation),
            selectinload(Audit.cycle),
            selectinload(Audit.team).selectinload(AuditTeamMember.user),
        )
        .order_by(WAITING_SINCE, Audit.id)
    )


def reports_by_audit(audits) -> dict[int, AuditReport]:
    ids = [audit.id for audit in audits]
    if not ids:
        return {}
    rows = db.session.scalars(select(AuditReport).where(AuditReport.audit_id.in_(ids)))
    return {report.audit_id: report for report in rows}


def days_waiting(report: AuditReport | None, audit: Audit, today: date) -> int:
    since = report.submitted_at if report is not None and report.submitted_at else audit.created_at
    return max((today - since.date()).days, 0)


# -- deciding ----------------------------------------------------------------------------------


def decide(
    actor,
    audit: Audit,
    *,
    outcome: Outcome | str,
    reasons: str,
    today: date,
    scope: str = "",
    other_members: list[tuple[int, bool, str]] | tuple = (),
    certificate_seen: str = "",
    certificate_language: str = "",
) -> Decision:
    """Record the committee's decision on a submitted audit file and carry it out.

    Every check runs before anything changes, so a refusal leaves the file as it was.
    `other_members`: (member_id, agrees, reasons) of the co-deciding committee members.
    `certificate_seen`: the id of the certificate the file showed ("0": none; "": not known).
    `certificate_language`: a granted or renewed certificate's language beside English ("":
    the client's preferred language).
    """
    reasons = (reasons or "").strip()
    lock(audit)  # a second "grant" at the same moment waits here, then finds the file decided
    if audit.state != AuditState.SUBMITTED:
        raise DecisionError(_nothing_to_decide(audit))
    _check_decider(actor, audit, audit.organisation, today, audit.cycle.scheme)
    if not reasons:
        raise DecisionError(_("Give the reasons for the decision."), "reasons")
    members = _co_members(actor, audit, audit.organisation, other_members, today)
    certificate = _held_certificate(audit, certificate_seen)
    problem = rules.decision_problem(str(outcome), file_facts(audit, certificate), today)
    if problem is not None:
        raise DecisionError(outcome_message(problem, audit, certificate, today), "outcome")
    chosen = Outcome(outcome)
    if chosen in (Outcome.GRANT, Outcome.RENEW) and not agreement_in_force(audit.organisation_id):
        raise DecisionError(
            _(
                "ISO/IEC 17021-1 5.1.2: no certification without a certification agreement in "
                "force; the client has not accepted one."
            ),
            "outcome",
        )
    scope = _scope(chosen, scope, audit, certificate)
    if certificate_language and certificate_language not in LANGUAGES:
        raise DecisionError(_("Choose one of the offered languages."), "certificate_language")
    report = report_of(audit)
    decision = Decision(
        organisation_id=audit.organisation_id,
        cycle_id=audit.cycle_id,
        audit_id=audit.id,
        certificate_id=certificate.id if certificate else None,
        outcome=chosen.value,
        decided_on=today,
        decided_by_id=actor.id,
        reasons=reasons,
        recommendation=report.recommendation if report else "",
        scope=scope,
    )
    decision.members.append(DecisionMember(member_id=actor.id, agrees=True, reasons=reasons))
    decision.members.extend(members)
    db.session.add(decision)
    db.session.flush()
    _carry_out(actor, decision, audit, certificate, report, today, certificate_language or None)
    action = Action.RETURN if chosen == Outcome.MORE_INFORMATION else Action.CLOSE
    transition(actor, audit, action, reason=reasons, note=log_note("labelled_reason", label=chosen))
    record(
        actor, decision, "decided", reason=reasons, note=log_note("labelled_reason", label=chosen)
    )
    db.session.flush()
    return decision


def _held_certificate(audit: Audit, certificate_seen: str) -> Certificate | None:
    """The certificate this decision acts on, held until the decision commits.

    Two files of one organisation (a surveillance and a special audit) decided at the same moment
    act on one certificate: they take the organisation's row in turn (after their own audit's
    row, always in this order, so no deadlock), and the second reads what the first made of
    the certificate. If it is no longer the one its file showed, the second is refused.
    """
    lock(audit.organisation, rows_may_point_here=True)
    certificate = current_certificate(audit.organisation_id, audit.cycle.scheme)
    if certificate is not None:
        lock(certificate)
    now = str(certificate.id) if certificate is not None else "0"
    if certificate_seen and certificate_seen != now:
        raise DecisionError(_certificate_changed(certificate))
    return certificate


def _certificate_changed(certificate: Certificate | None) -> str:
    if certificate is None:
        return _(
            "The certificate changed while you were deciding: another decision a moment ago "
            "left no certificate in force. Nothing was changed; read the file again."
        )
    return _(
        "The certificate changed while you were deciding: another decision a moment ago made "
        "it %(number)s (%(state)s). Nothing was changed; read the file again and decide.",
        number=certificate.number,
        state=certificate.state_enum.label,
    )


def _nothing_to_decide(audit: Audit) -> str:
    if audit.state in (AuditState.CLOSED, AuditState.RETURNED):
        return _(
            "This file was already decided (the audit is %(state)s): nothing was changed.",
            state=audit.state_enum.label,
        )
    return _("There is nothing to decide: the audit is %(state)s.", state=audit.state_enum.label)


def _check_decider(actor, audit: Audit | None, organisation, today: date, scheme: str) -> None:
    """17021-1 9.5.1.2 and 7.2: a committee member, on no audit of the file, competent."""
    reason = decider_reason(actor, audit, organisation, scheme, today)
    if reason is not None:
        raise NotImpartial(reason)


def _co_members(actor, audit, organisation, other_members, today) -> list[DecisionMember]:
    rows, seen = [], {actor.id}
    for member_id, agrees, member_reasons in other_members:
        person = db.session.get(User, member_id)
        if person is None or not person.active or person.role not in DECIDERS:
            raise DecisionError(_("Co-deciders must be active committee members."), "members")
        if person.id in seen:
            raise DecisionError(_("Each committee member votes once."), "members")
        seen.add(person.id)
        reason = decider_reason(person, audit, organisation, audit.cycle.scheme, today)
        if reason is not None:
            raise NotImpartial(reason, "members")
        member_reasons = (member_reasons or "").strip()
        if not agrees and not member_reasons:
            raise DecisionError(
                _("%(name)s disagrees: give their reasons.", name=person.name), "members"
            )
        rows.append(
            DecisionMember(member_id=person.id, agrees=bool(agrees), reasons=member_reasons)
        )
    return rows


def _scope(chosen: Outcome, scope: str, audit: Audit, certificate) -> str:
    scope = (scope or "").strip()
    if chosen in rules.SCOPE_OUTCOMES and not scope:
        raise DecisionError(_("State the scope as it stands after the change."), "scope")
    if scope:
        return scope
    if chosen is Outcome.RENEW and certificate is not None:
        # The certificate's scope (a transfer's certified scope, a reduced one), never the
        # application's wording, which may be wider: a widening needs its own decision.
        return certificate.scope
    if chosen in (Outcome.GRANT, Outcome.RENEW):
        return audit.cycle.application.scope if audit.cycle.application else ""
    return certificate.scope if certificate is not None else ""


def _carry_out(
    actor, decision: Decision, audit, certificate, report, today: date, language: str | None
) -> None:
    """What the outcome does to the certificate (issued, suspended, revised ...)."""
    from certification.certificates import services as certificates

    chosen = decision.outcome_enum
    sites = list(audit.cycle.application.sites) if audit.cycle.application else []
    band = report.band if report is not None else ""
    scored = rating_of(audit) is not None
    try:
        if chosen in (Outcome.GRANT, Outcome.RENEW):
            issued = certificates.issue_certificate(
                actor,
                decision,
                today=today,
                scope=decision.scope,
                sites=sites,
                band=band,
                certification_type="initial" if chosen == Outcome.GRANT else "recertification",
                language=language,
            )
            decision.certificate_id = issued.id
        elif chosen in rules.SCOPE_OUTCOMES:
            revised = certificates.revise_certificate(
                actor,
                certificate,
                decision,
                scope=decision.scope,
                sites=sites,
                today=today,
                band=band if scored else None,
            )
            decision.certificate_id = revised.id
        elif chosen == Outcome.SUSPEND:
            certificates.suspend_certificate(actor, certificate, decision.reasons, today)
        elif chosen == Outcome.RESTORE and certificate.state == CertificateState.EXPIRED:
            restored = certificates.restore_expired_certificate(
                actor, certificate, decision, today=today
            )
            decision.certificate_id = restored.id
        elif chosen == Outcome.RESTORE:
            certificates.restore_certificate(actor, certificate, decision.reasons, today)
            _rerate(actor, decision, certificate, band, scored, today)
        elif chosen == Outcome.MAINTAIN:
            _rerate(actor, decision, certificate, band, scored, today)
        elif chosen == Outcome.WITHDRAW:
            certificates.withdraw_certificate(actor, certificate, decision.reasons, today)
    except TransitionError as error:
        raise DecisionError(refusal_message(error)) from None
    except ValueError as error:
        raise DecisionError(getattr(error, "message", None) or str(error)) from None
    db.session.flush()


def _rerate(actor, decision, certificate, band: str, scored: bool, today: date) -> None:
    """Star scheme: every surveillance decision revises the band (a revision when it changes)."""
    from certification.certificates import services as certificates

    if scored:
        revised = certificates.rerate_certificate(
            actor, certificate, decision, band=band, today=today
        )
        decision.certificate_id = revised.id


# -- decisions on a certificate without an audit -----------------------------------------------


def certificate_decider_reason(person, certificate: Certificate, today: date) -> str | None:
    """Why this person may not decide on the certificate, in words; None when they may: a
    committee member, competent for its scheme, with no conflict, and on the team of no audit
    of its cycle (17021-1 9.5.1.2, 5.2, 7.2)."""
    audits = certificate.cycle.audits if certificate.cycle is not None else []
    last = audits[-1] if audits else None  # with the earlier ones: every audit of the cycle
    return decider_reason(person, last, certificate.organisation, certificate.scheme, today)


def unavailable_on_certificate(certificate: Certificate, today: date) -> dict[str, str]:
    """The outcomes of the certificate page that its state allows but a rule refuses now, with
    the reason (the page leaves them out and shows why): restoring a suspended certificate
    while an audit of its cycle is past its due date and not yet held and decided (17021-1
    9.6.2, 9.6.5; rules.missed_audit_problem)."""
    from certification.certificates import lifecycle

    audits = certificate.cycle.audits if certificate.cycle is not None else []
    cycle = [(a.kind, a.state, a.due_by) for a in audits]
    if rules.missed_audit_problem(Outcome.RESTORE, certificate.state, cycle, today) is None:
        return {}
    missed = lifecycle.missed_audit(certificate, today)
    return {Outcome.RESTORE.value: lifecycle.missed_audit_reason(missed)}


def decide_on_certificate(
    actor,
    certificate: Certificate,
    *,
    outcome: Outcome | str,
    reasons: str,
    today: date,
    limit: date | None = None,
) -> Decision:
    """Suspension, its lifting, or withdrawal without an audit (17021-1 9.6.5): at the client's
    own request, for an audit not held by its due date (9.6.2; the committee's list for
    suspension), or once the cause of a suspension is resolved. `limit`: the last day of a
    suspension (empty: the longest the policy allows)."""
    from certification.certificates import services as certificates

    reasons = (reasons or "").strip()
    lock(certificate)  # a second decision at the same moment waits here, then finds it changed
    reason = certificate_decider_reason(actor, certificate, today)
    if reason is not None:
        raise NotImpartial(reason)
    if str(outcome) not in {o.value for o in ON_CERTIFICATE}:
        raise DecisionError(_("Choose suspension, restoration or withdrawal."), "outcome")
    if not reasons:
        raise DecisionError(_("Give the reasons for the decision."), "reasons")
    chosen = Outcome(outcome)
    allowed = rules.NEEDS_CERTIFICATE_STATE[chosen]
    if certificate.state not in allowed:
        refused = TransitionError(certificate.state_enum, Action(chosen.value))
        raise DecisionError(refusal_message(refused, outcome_message("certificate_state")))
    refused_now = unavailable_on_certificate(certificate, today).get(chosen.value)
    if refused_now is not None:
        raise DecisionError(f"{refused_now} {_('Nothing was changed.')}", "outcome")
    try:
        if chosen == Outcome.SUSPEND:
            certificates.suspend_certificate(actor, certificate, reasons, today, limit=limit)
        elif chosen == Outcome.RESTORE:
            certificates.restore_certificate(actor, certificate, reasons, today)
        else:
            certificates.withdraw_certificate(actor, certificate, reasons, today)
    except TransitionError as error:
        raise DecisionError(refusal_message(error)) from None
    except ValueError as error:
        message = getattr(error, "message", None) or str(error)
        raise DecisionError(message, getattr(error, "field", None)) from None
    # Recorded once the change went through: a refused one leaves no decision behind.
    decision = Decision(
        organisation_id=certificate.organisation_id,
        cycle_id=certificate.cycle_id,
        certificate_id=certificate.id,
        outcome=chosen.value,
        decided_on=today,
        decided_by_id=actor.id,
        reasons=reasons,
        scope=certificate.scope,
    )
    decision.members.append(DecisionMember(member_id=actor.id, agrees=True, reasons=reasons))
    db.session.add(decision)
    db.session.flush()
    record(
        actor, decision, "decided", reason=reasons, note=log_note("labelled_reason", label=chosen)
    )
    db.session.flush()
    return decision
