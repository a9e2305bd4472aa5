"""What an upheld appeal does, each through the lifecycle of the thing decided (17021-1 9.8):
a suspension or a withdrawal is reversed on the certificate; a refusal or a scope reduction
goes back to the committee, which decides the audit file again; a rating band is corrected by
a new revision of the certificate."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from certification.activity.notes import log_note
from certification.activity.services import transition
from certification.appeals import rules
from certification.appeals.services import AppealError, remedy_decision
from certification.certificates import services as certificates
from certification.decisions.models import Outcome
from certification.workflow import Action, CertificateState, TransitionError


def carry_out(actor, appeal, today: date, *, band: str = "") -> None:
    decision = appeal.decision
    remedy = rules.remedy_for(appeal.kind, decision.audit_id is not None)
    if remedy is None:
        raise AppealError(_("This decision has no file the committee could decide again."))
    reason, said = appeal.reasons, log_note("appeal_upheld", number=appeal.number)
    certificate = appeal.certificate
    try:
        if remedy == "restore":
            _needs(certificate, CertificateState.SUSPENDED)
            remedy_decision(actor, appeal, Outcome.RESTORE, today)
            certificates.restore_certificate(actor, certificate, reason, today, said)
        elif remedy == "reinstate":
            _needs(certificate, CertificateState.WITHDRAWN)
            decision = remedy_decision(actor, appeal, Outcome.RESTORE, today)
            certificates.reinstate_certificate(actor, certificate, reason, today, said)
            # 17021-1 9.6.3.2.5 as the domain reads it: a reinstated certificate is a new
            # revision effective on the decision, so its PDF differs from the withdrawn one's.
            appeal.certificate = certificates.revise_certificate(
                actor,
                certificate,
                decision,
                scope=certificate.scope,
                sites=certificate.sites,
                today=today,
            )
        elif remedy == "rerate":
            _rerate(actor, appeal, certificate, band, today)
        else:
            transition(actor, decision.audit, Action.REOPEN, reason=reason, note=said)
    except certificates.CertificateError as error:
        raise AppealError(error.message) from None
    except TransitionError:
        raise AppealError(
            _("The decision's file cannot be reopened in its present state.")
        ) from None
    appeal.remedy = remedy


def _needs(certificate, state: CertificateState) -> None:
    if certificate is None or certificate.state != state:
        raise AppealError(
            _(
                "The certificate is no longer %(state)s, so the decision cannot be reversed this "
                "way; decide what to do with the committee.",
                state=state.label,
            )
        )


def _rerate(actor, appeal, certificate, band: str, today: date) -> None:
    band = (band or "").strip()
    if not band:
        raise AppealError(_("State the rating band the panel found."), "band")
    if certificate is None or certificate.state != CertificateState.ACTIVE:
        _needs(certificate, CertificateState.ACTIVE)
    decision = remedy_decision(actor, appeal, Outcome.MAINTAIN, today)
    revised = certificates.revise_certificate(
        actor,
        certificate,
        decision,
        scope=certificate.scope,
        sites=certificate.sites,
        today=today,
        band=band,
    )
    appeal.corrected_band = band
    appeal.certificate = revised
