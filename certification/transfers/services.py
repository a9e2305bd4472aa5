"""Transfers (IAF MD 2): the application with the other body's data, refused when the
certificate cannot transfer; the pre-transfer review; the committee's decision, which on a grant
issues our certificate within the existing cycle and continues the programme where the other
body stopped.

Each verb checks everything first, then changes, logs and flushes; none commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from certification.activity.notes import log_note
from certification.activity.services import record, transition
from certification.agreements.services import in_force as agreement_in_force
from certification.applications import services as applications
from certification.certificates import services as certificates
from certification.decisions.models import Decision, DecisionMember, Outcome
from certification.decisions.services import decider_reason
from certification.extensions import db
from certification.programme.services import cancel_audit, refresh_programme_dates
from certification.templating import format_day
from certification.transfers import rules
from certification.transfers.models import Transfer
from certification.workflow import (
    Action,
    ApplicationState,
    AuditState,
    TransferState,
    TransitionError,
    next_state,
)


class TransferError(ValueError):
    """A refused transfer step; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class OtherCertificate:
    """The other body's certificate, as the client states it."""

    issuing_body: str
    accreditation_body: str
    accreditation_number: str
    certificate_number: str
    certificate_status: str
    issued_on: date
    original_issued_on: date
    expires_on: date
    last_audit_kind: str
    last_audit_on: date
    open_nonconformities: str = ""
    complaints: str = ""


def signatory_codes() -> list[str]:
    return [body.code for body in rules.mla_signatories()]


def eligibility_refusal(other: OtherCertificate, today: date) -> tuple[str, str] | None:
    """(message, field) when the certificate cannot transfer; None when it can."""
    problem = rules.transfer_problem(
        other.accreditation_body,
        signatory_codes(),
        other.certificate_status,
        other.issued_on,
        other.original_issued_on,
        other.expires_on,
        today,
        other.last_audit_kind,
        other.last_audit_on,
    )
    messages = {
        "not_mla": (
            _(
                "IAF MD 2: only certificates accredited by a signatory of the IAF MLA can be "
                "transferred; this accreditation body is not one."
            ),
            "accreditation_body",
        ),
        "suspended": (
            _("IAF MD 2: a suspended certificate cannot be transferred."),
            "certificate_status",
        ),
        "withdrawn": (
            _("IAF MD 2: only a valid certificate can be transferred; this one is withdrawn."),
            "certificate_status",
        ),
        "expired": (
            _("IAF MD 2: only a valid certificate can be transferred; this one has expired."),
            "expires_on",
        ),
        "dates": (
            _(
                "ISO/IEC 17021-1 9.1.3.2: the certificate's dates do not fit a three-year cycle. "
                "It expires at most three years after its issue or, when it was issued on an "
                "early recertification, three years after the expiry it replaced; the cycles "
                "follow each other from the original certification date."
            ),
            "expires_on",
        ),
        "near_expiry": (
            _(
                "The certificate expires on %(date)s, within %(months)d months: apply for "
                "certification with a recertification audit instead of a transfer.",
                date=format_day(other.expires_on),
                months=rules.NEAR_EXPIRY_MONTHS,
            ),
            "expires_on",
        ),
    }
    return messages[problem] if problem else None


def apply_for_transfer(
    actor, organisation, other: OtherCertificate, *, scheme, edition, scope, site_ids, files, today
) -> Transfer:
    """The application to transfer: refused (nothing stored) when the certificate cannot
    transfer; else an application of kind "transfer" with its documents, and the transfer."""
    refusal = eligibility_refusal(other, today)
    if refusal is not None:
        raise TransferError(*refusal)
    if other.original_issued_on > other.issued_on:
        raise TransferError(
            _("The original certification date cannot be after the issue date."),
            "original_issued_on",
        )
    if other.last_audit_kind not in rules.DONE_BY_LAST_AUDIT or other.last_audit_on > today:
        raise TransferError(_("Give the last audit the other body carried out."), "last_audit_on")
    for name in ("issuing_body", "certificate_number"):
        if not getattr(other, name).strip():
            raise TransferError(_("Fill in the other body's data."), name)
    application = applications.submit_application(
        actor, organisation, scheme, edition, scope, site_ids, files, kind="transfer", today=today
    )
    transfer = Transfer(
        organisation_id=organisation.id,
        application_id=application.id,
        state=TransferState.RECEIVED.value,
        received_on=today,
        **{k: v.strip() if isinstance(v, str) else v for k, v in vars(other).items()},
    )
    db.session.add(transfer)
    db.session.flush()
    record(
        actor,
        transfer,
        "transfer_applied",
        to_state=transfer.state,
        reason=f"{other.issuing_body}: {other.certificate_number}",
    )
    db.session.flush()
    return transfer


def _check_state(transfer: Transfer, action: Action) -> None:
    try:
        next_state(transfer.state_enum, action)
    except TransitionError:
        raise TransferError(
            _(
                "This cannot be done now: the transfer is %(state)s.",
                state=transfer.state_enum.label,
            )
        ) from None


CHECKS = ("reports_reviewed", "nonconformities_reviewed", "complaints_reviewed", "cycle_checked")


def review_transfer(actor, transfer: Transfer, review: dict, today: date) -> Transfer:
    """IAF MD 2 pre-transfer review by a competent person: the last reports, the open
    nonconformities, the complaints and where the cycle stands; a visit if they decide so. The
    reviewer copies the scope from the other body's certificate: ours carries that scope."""
    _check_state(transfer, Action.REVIEW)
    findings = (review.get("review_findings") or "").strip()
    certified_scope = (review.get("certified_scope") or "").strip()
    visited, visited_on = bool(review.get("visited")), review.get("visited_on")
    checks = [bool(review.get(k)) for k in CHECKS]
    _check_review(actor, checks, certified_scope, findings, visited, visited_on, today)
    refusal = eligibility_refusal(_stated(transfer), today)
    if refusal is not None:
        raise TransferError(*refusal)
    for key in CHECKS:
        setattr(transfer, key, True)
    transfer.visited, transfer.visited_on = visited, visited_on if visited else None
    transfer.visit_notes = (review.get("visit_notes") or "").strip()
    transfer.review_findings, transfer.recommended = findings, bool(review.get("recommended"))
    transfer.certified_scope = certified_scope
    transfer.reviewed_on, transfer.reviewed_by_id = today, actor.id
    verdict = _("transfer recommended") if transfer.recommended else _("transfer not recommended")
    transition(actor, transfer, Action.REVIEW, reason=verdict)
    return transfer


def _check_review(
    actor, checks, certified_scope: str, findings: str, visited: bool, visited_on, today: date
) -> None:
    problem = rules.review_problem(
        getattr(actor, "role", ""), checks, certified_scope, findings, visited, visited_on, today
    )
    messages = {
        "role": (_("The pre-transfer review is recorded by a competent person of the body."), None),
        "checks": (
            _(
                "IAF MD 2: review the last audit reports, the open nonconformities, the "
                "complaints and where the cycle stands, and tick each."
            ),
            "reports_reviewed",
        ),
        "scope": (
            _(
                "IAF MD 2: the cycle continues with the same scope: copy the scope from the "
                "other body's certificate."
            ),
            "certified_scope",
        ),
        "findings": (_("Write what the review found."), "review_findings"),
        "visit": (_("Give the day of the visit (not in the future)."), "visited_on"),
    }
    if problem:
        raise TransferError(*messages[problem])


def _stated(transfer: Transfer) -> OtherCertificate:
    return OtherCertificate(
        **{name: getattr(transfer, name) for name in OtherCertificate.__dataclass_fields__}
    )


def decide_transfer(
    actor, transfer: Transfer, *, grant: bool, reasons: str, today: date
) -> Transfer:
    """The committee decides like any other decision (17021-1 9.5): impartial members, not the
    reviewer; a grant needs the certification agreement (accepted quote) in force."""
    _check_state(transfer, Action.GRANT if grant else Action.REJECT)
    _check_decider(actor, transfer, today)
    reasons = (reasons or "").strip()
    if not reasons:
        raise TransferError(_("Give the reasons for the decision."), "reasons")
    cycle = _contracted_cycle(transfer) if grant else _maybe_cycle(transfer)
    if grant:
        refusal = eligibility_refusal(_stated(transfer), today)
        if refusal is not None:
            raise TransferError(refusal[0])
    decision = Decision(
        organisation_id=transfer.organisation_id,
        cycle_id=cycle.id if cycle else None,
        outcome=(Outcome.GRANT if grant else Outcome.REFUSE).value,
        decided_on=today,
        decided_by_id=actor.id,
        reasons=reasons,
        recommendation="grant" if transfer.recommended else "refuse",
        scope=transfer.scope_to_certify,
    )
    decision.members.append(DecisionMember(member_id=actor.id, agrees=True, reasons=reasons))
    db.session.add(decision)
    db.session.flush()
    transfer.decision_id = decision.id
    if grant:
        _issue(actor, transfer, decision, cycle, today)
    transition(actor, transfer, Action.GRANT if grant else Action.REJECT, reason=reasons)
    outcome = log_note("labelled_reason", label=decision.outcome_enum)
    record(actor, decision, "decided", reason=reasons, note=outcome)
    db.session.flush()
    return transfer


def decider_refusal(actor, transfer: Transfer, today: date) -> str | None:
    """Why this person may not decide on the transfer: the same check as any decision (role,
    impartiality, recorded competence for the scheme: 17021-1 7.2), and not the reviewer."""
    scheme = transfer.application.scheme
    reason = decider_reason(actor, None, transfer.organisation, scheme, today)
    if reason is None and actor.id == transfer.reviewed_by_id:
        reason = _(
            "%(name)s did the pre-transfer review, so cannot decide on it: ISO/IEC 17021-1 keeps "
            "the decision apart from the review.",
            name=actor.name,
        )
    return reason


def _check_decider(actor, transfer: Transfer, today: date) -> None:
    reason = decider_refusal(actor, transfer, today)
    if reason is not None:
        raise TransferError(reason)


def _maybe_cycle(transfer: Transfer):
    return next(iter(_cycles(transfer)), None)


def _cycles(transfer: Transfer):
    from certification.programme.models import Cycle

    return db.session.scalars(
        db.select(Cycle).where(Cycle.application_id == transfer.application_id).order_by(Cycle.id)
    ).all()


def _contracted_cycle(transfer: Transfer):
    cycle = _maybe_cycle(transfer)
    if transfer.application.state != ApplicationState.CONTRACTED or cycle is None:
        raise TransferError(
            _(
                "ISO/IEC 17021-1 5.1.2: the certification agreement must be in force before the "
                "transfer is granted: the client accepts a quote for this application first."
            )
        )
    if not agreement_in_force(transfer.organisation_id):
        # The same rule as any grant (decisions.services): the accepted agreement, recorded.
        raise TransferError(
            _(
                "ISO/IEC 17021-1 5.1.2: no certification without a certification agreement in "
                "force; the client has not accepted one."
            )
        )
    return cycle


def _issue(actor, transfer: Transfer, decision: Decision, cycle, today: date) -> None:
    """Our certificate, with the same scope, expiry and original date; the programme continues
    from the next surveillance or the recertification (the audits the other body did are marked
    so)."""
    try:
        certificate = certificates.issue_transferred_certificate(
            actor,
            decision,
            today=today,
            scope=transfer.scope_to_certify,  # IAF MD 2: the same scope, never a wider one
            sites=transfer.application.sites,
            original_issued_on=transfer.original_issued_on,
            expires_on=transfer.expires_on,
        )
    except certificates.CertificateError as error:
        raise TransferError(error.message) from None
    transfer.certificate_id = certificate.id
    cycle.decision_date = rules.cycle_start(transfer.expires_on)
    cycle.expires_on = transfer.expires_on  # IAF MD 2: the cycle keeps the other body's expiry
    done = rules.audits_done(transfer.last_audit_kind)
    note = _("Done by %(body)s before the transfer.", body=transfer.issuing_body)
    for audit in cycle.audits:
        if audit.kind in done and audit.state in (
            AuditState.PLANNED.value,
            AuditState.SCHEDULED.value,
        ):
            cancel_audit(actor, audit, note, today)
    refresh_programme_dates(cycle)


def withdraw_transfer(actor, transfer: Transfer, reason: str, today: date) -> Transfer:
    """The client gives up the transfer (or staff record that it did)."""
    _check_state(transfer, Action.WITHDRAW)
    if (
        getattr(actor, "role", None) == "client"
        and actor.organisation_id != transfer.organisation_id
    ):
        raise TransferError(_("Only the organisation that applied can withdraw the transfer."))
    transition(actor, transfer, Action.WITHDRAW, reason=(reason or "").strip())
    return transfer
