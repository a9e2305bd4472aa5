"""The certificate's verbs: issue, revise, renew, suspend, restore, withdraw, and the nightly sweep.

The committee's decisions (certification/decisions) call these; planners call the lifecycle ones
from the certificate page. Each checks its rule, changes the rows, logs, flushes; none commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.activity.models import ActivityLog
from certification.activity.services import record, transition
from certification.certificates import rules
from certification.certificates.models import Certificate, CertificateSite
from certification.certificates.numbering import NumberFormatError, next_certificate_number
from certification.extensions import db
from certification.programme.models import Audit
from certification.programme.services import refresh_programme_dates, start_next_cycle
from certification.settings import services as settings
from certification.templating import format_day
from certification.workflow import Action, CertificateState, TransitionError

C = CertificateState
RENEWAL_TYPE = "recertification"


class CertificateError(ValueError):
    """A refused certificate action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


# -- issuing ----------------------------------------------------------------------------------


def issue_certificate(
    actor,
    decision,
    *,
    today: date,
    scope: str,
    sites,
    accredited: bool | None = None,
    confidential: bool = False,
    band: str = "",
    certification_type: str = "initial",
) -> Certificate:
    """A grant (or a renewal) issues a certificate effective on the decision date."""
    if certification_type == RENEWAL_TYPE:
        previous = current_certificate(decision.organisation_id, decision.cycle.scheme)
        if previous is None:
            raise CertificateError(_("There is no certificate to renew for this organisation."))
        return renew_certificate(
            actor,
            previous,
            decision,
            today=today,
            scope=scope,
            sites=sites,
            accredited=accredited,
            confidential=confidential,
            band=band,
        )
    _check_decision(decision, today)
    dates = rules.initial_dates(decision.decided_on)
    certificate = _new_certificate(
        decision, dates, scope, sites, accredited, confidential, band, certification_type
    )
    _start_programme(decision.cycle, decision.decided_on)
    record(
        actor,
        certificate,
        "certificate_issued",
        to_state=certificate.state,
        reason=_issue_note(certificate),
    )
    db.session.flush()
    return certificate


def renew_certificate(
    actor,
    certificate: Certificate,
    decision,
    *,
    today: date,
    scope: str | None = None,
    sites=None,
    accredited: bool | None = None,
    confidential: bool | None = None,
    band: str | None = None,
) -> Certificate:
    """17021-1 9.6.3: recertification decided before expiry; the new certificate keeps the
    original issue date and expires on the old expiry + 3 years; the old one is superseded."""
    _check_decision(decision, today)
    if certificate.state != C.ACTIVE:
        raise CertificateError(
            _(
                "Only an active certificate can be renewed; this one is %(state)s.",
                state=certificate.state_enum.label,
            )
        )
    if not rules.renewal_in_time(decision.decided_on, certificate.expires_on):
        raise CertificateError(
            _(
                "The recertification decision must be taken before the certificate expires "
                "(%(date)s). Restore the lapsed certificate instead.",
                date=format_day(certificate.expires_on),
            )
        )
    dates = rules.renewal_dates(
        decision.decided_on, certificate.expires_on, certificate.original_issued_on
    )
    renewed = _new_certificate(
        decision,
        dates,
        scope if scope is not None else certificate.scope,
        sites if sites is not None else certificate.sites,
        certificate.accredited if accredited is None else accredited,
        certificate.confidential if confidential is None else confidential,
        certificate.band if band is None else band,
        RENEWAL_TYPE,
        supersedes=certificate,
    )
    certificate.ended_on = decision.decided_on
    transition(
        actor,
        certificate,
        Action.SUPERSEDE,
        reason=_("Renewed by certificate %(number)s.", number=renewed.number),
    )
    # The recertification decision starts the next cycle; the renewed certificate belongs to it.
    renewed.cycle_id = start_next_cycle(
        actor, decision.cycle, decision.decided_on, renewed.expires_on
    ).id
    record(
        actor, renewed, "certificate_renewed", to_state=renewed.state, reason=_issue_note(renewed)
    )
    db.session.flush()
    return renewed


def revise_certificate(
    actor, certificate: Certificate, decision, *, scope: str, sites, today: date
) -> Certificate:
    """A change of scope issues a new revision (same dates, revision + 1); the old is superseded.

    17021-1 8.2.2: a revised certificate carries a mark that tells it from older versions; here
    the revision number, also appended to the number (which must stay unique).
    """
    _check_decision(decision, today)
    if certificate.state == C.SUSPENDED:
        # 17021-1 9.6.5: reducing the scope ends the suspension of what remains certified.
        _move(actor, certificate, Action.RESTORE, _("Scope changed by decision."))
        certificate.suspended_on = certificate.suspended_until = None
    if certificate.state != C.ACTIVE:
        raise CertificateError(
            _(
                "The scope of a %(state)s certificate cannot be changed.",
                state=certificate.state_enum.label,
            )
        )
    dates = rules.CertificateDates(
        decision.decided_on, certificate.original_issued_on, certificate.expires_on
    )
    revised = _new_certificate(
        decision,
        dates,
        scope,
        sites,
        certificate.accredited,
        certificate.confidential,
        certificate.band,
        certificate.certification_type,
        supersedes=certificate,
        revision=certificate.revision + 1,
    )
    certificate.ended_on = decision.decided_on
    transition(
        actor,
        certificate,
        Action.SUPERSEDE,
        reason=_(
            "Superseded by revision %(revision)d (%(number)s).",
            revision=revised.revision,
            number=revised.number,
        ),
    )
    record(
        actor, revised, "certificate_revised", to_state=revised.state, reason=_issue_note(revised)
    )
    db.session.flush()
    return revised


def _check_decision(decision, today: date) -> None:
    if decision.decided_on is None or decision.decided_on > today:
        raise CertificateError(_("A certificate is issued on or after its decision, not before."))
    if decision.cycle is None:
        raise CertificateError(_("The decision belongs to no certification cycle."))


def _new_certificate(
    decision,
    dates: rules.CertificateDates,
    scope: str,
    sites,
    accredited,
    confidential: bool,
    band: str,
    certification_type: str,
    *,
    supersedes: Certificate | None = None,
    revision: int = 0,
) -> Certificate:
    scope = (scope or "").strip()
    if not scope:
        raise CertificateError(_("Write the certified scope."), field="scope")
    copies = [_site_copy(site) for site in sites or []]
    if not copies:
        raise CertificateError(_("A certificate names at least one site."), field="sites")
    cycle = decision.cycle
    certificate = Certificate(
        number=_number(supersedes, revision, decision.decided_on.year),
        token=secrets.token_urlsafe(24),
        organisation_id=decision.organisation_id,
        cycle_id=cycle.id,
        supersedes_id=supersedes.id if supersedes else None,
        revision=revision,
        scheme=cycle.scheme,
        edition=cycle.edition,
        certification_type=certification_type,
        scope=scope,
        state=C.ACTIVE.value,
        accredited=bool(settings.get("accredited") if accredited is None else accredited),
        confidential=bool(confidential),
        band=band or "",
        issued_on=dates.issued_on,
        original_issued_on=dates.original_issued_on,
        expires_on=dates.expires_on,
        sites=copies,
    )
    db.session.add(certificate)
    db.session.flush()
    decision.certificate_id = certificate.id
    return certificate


def _number(supersedes: Certificate | None, revision: int, year: int) -> str:
    if revision == 0:
        try:
            return next_certificate_number(year)
        except NumberFormatError as error:
            raise CertificateError(str(error)) from None
    root = supersedes
    while root.revision > 0 and root.supersedes is not None:
        root = root.supersedes
    return f"{root.number}-R{revision}"


def _site_copy(site) -> CertificateSite:
    """A frozen copy of a site (a Site, a CertificateSite or a dict with the same keys)."""
    if isinstance(site, dict):
        get = site.get
    else:
        get = lambda key, default="": getattr(site, key, default)  # noqa: E731
    site_id = get("site_id", None) if isinstance(site, CertificateSite | dict) else site.id
    return CertificateSite(
        site_id=site_id,
        name=get("name", "") or "",
        address=get("address", "") or "",
        city=get("city", "") or "",
        country=get("country", "") or "",
        scope=get("scope", "") or "",
        is_head_office=bool(get("is_head_office", False)),
    )


def _start_programme(cycle, decided_on: date) -> None:
    """From the grant on, the programme shows the surveillance due-by dates (17021-1 9.1.3)."""
    if cycle.decision_date is None:
        cycle.decision_date = decided_on
        refresh_programme_dates(cycle)


def _issue_note(certificate: Certificate) -> str:
    return _(
        "Certificate %(number)s, valid from %(start)s to %(end)s.",
        number=certificate.number,
        start=format_day(certificate.issued_on),
        end=format_day(certificate.expires_on),
    )


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


# -- lifecycle --------------------------------------------------------------------------------


def suspend_certificate(
    actor, certificate: Certificate, reason: str, today: date, limit: date | None = None
) -> Certificate:
    """17021-1 9.6.5: temporarily invalid until `limit` (policy: at most 6 months)."""
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
    _move(actor, certificate, Action.SUSPEND, reason, until=limit)
    certificate.suspended_on, certificate.suspended_until = today, limit
    certificate.status_reason = reason
    db.session.flush()
    return certificate


def restore_certificate(actor, certificate: Certificate, reason: str, today: date) -> Certificate:
    """From suspension; or from expiry within the restoration window (17021-1 9.6.3.2.5)."""
    reason = _reason(reason)
    months = rules.RESTORATION_MONTHS
    if not rules.restorable(certificate.state, certificate.expires_on, today, months):
        if certificate.state == C.EXPIRED:
            raise CertificateError(
                _(
                    "More than %(months)d months have passed since the certificate expired: "
                    "at least a new stage 2 audit is needed.",
                    months=months,
                )
            )
        raise _not_now(certificate)
    if certificate.state == C.EXPIRED:
        dates = rules.restoration_dates(
            today, certificate.expires_on, certificate.original_issued_on
        )
        certificate.issued_on, certificate.expires_on = dates.issued_on, dates.expires_on
        certificate.ended_on = None
    _move(actor, certificate, Action.RESTORE, reason)
    certificate.suspended_on = certificate.suspended_until = None
    certificate.status_reason = reason
    db.session.flush()
    return certificate


def withdraw_certificate(actor, certificate: Certificate, reason: str, today: date) -> Certificate:
    """17021-1 9.6.5: withdrawn on request, or after a suspension that was not resolved."""
    reason = _reason(reason)
    _move(actor, certificate, Action.WITHDRAW, reason)
    certificate.ended_on = today
    certificate.status_reason = reason
    db.session.flush()
    return certificate


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason; it is kept with the certificate."), "reason")
    return reason


def _move(actor, certificate: Certificate, action: Action, reason: str, until=None) -> None:
    if until is not None:
        reason = _("%(reason)s (until %(date)s)", reason=reason, date=format_day(until))
    try:
        transition(actor, certificate, action, reason=reason)
    except TransitionError:
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
                reason=_("Expired after %(date)s.", date=format_day(certificate.expires_on)),
            )
            result.expired.append(certificate)
    result.overdue_surveillance = _overdue_surveillance(today)
    result.overdue_suspensions = [
        c
        for c in db.session.scalars(
            select(Certificate)
            .where(Certificate.state == C.SUSPENDED, Certificate.suspended_until < today)
            .order_by(Certificate.id)
        )
        if rules.suspension_overdue(c.state, c.suspended_until, today)
    ]
    result.newly_flagged = _flag_once(
        actor, result.overdue_surveillance, "surveillance_overdue", _surveillance_note
    ) + _flag_once(actor, result.overdue_suspensions, "suspension_limit_passed", _suspension_note)
    db.session.flush()
    return result


def _overdue_surveillance(today: date) -> list[Audit]:
    audits = db.session.scalars(
        select(Audit)
        .join(Certificate, Certificate.cycle_id == Audit.cycle_id)
        .where(
            Certificate.state == C.ACTIVE,
            Audit.kind.in_(rules.SURVEILLANCE_KINDS),
            Audit.state.in_(rules.OPEN_AUDIT_STATES),
            Audit.due_by < today,
        )
        .options(selectinload(Audit.organisation))
        .order_by(Audit.due_by, Audit.id)
        .distinct()
    ).all()
    return [a for a in audits if rules.surveillance_overdue(a.kind, a.state, a.due_by, today)]


def _flag_once(actor, subjects, action: str, note) -> int:
    if not subjects:
        return 0
    kind = type(subjects[0]).__name__
    done = set(
        db.session.scalars(
            select(ActivityLog.subject_id).where(
                ActivityLog.subject_type == kind,
                ActivityLog.action == action,
                ActivityLog.subject_id.in_([s.id for s in subjects]),
            )
        )
    )
    fresh = [s for s in subjects if s.id not in done]
    for subject in fresh:
        record(actor, subject, action, reason=note(subject))
    return len(fresh)


def _surveillance_note(audit: Audit) -> str:
    return _(
        "%(audit)s was due by %(date)s and is not done: the committee considers suspension.",
        audit=audit.kind_enum.label,
        date=format_day(audit.due_by),
    )


def _suspension_note(certificate: Certificate) -> str:
    return _(
        "The suspension ended on %(date)s: withdraw the certificate or reduce its scope.",
        date=format_day(certificate.suspended_until),
    )


def toggle_confidentiality(
    actor, certificate: Certificate, reason: str, today: date
) -> Certificate:
    """At the client's request a certificate is kept out of the public register; the public
    pages then show only its number and status (the body still confirms validity on request)."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason; it is kept with the certificate."), "reason")
    certificate.confidential = not certificate.confidential
    record(
        actor,
        certificate,
        "made_confidential" if certificate.confidential else "made_public",
        reason=reason,
    )
    db.session.flush()  # the public look-up cache forgets on this flush (verification/cache.py)
    return certificate
