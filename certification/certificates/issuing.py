"""Issuing certificates: the grant, the renewal and the revision, each on a committee decision.

The committee's decisions (certification/decisions) call these. Each checks its rule, adds the new
certificate, supersedes the old one, logs, flushes; none commits.
"""

from __future__ import annotations

import secrets
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from certification.accreditations.services import covering
from certification.activity.notes import log_note
from certification.activity.services import record, transition
from certification.certificates import rules
from certification.certificates.issued import issue_pdf
from certification.certificates.lifecycle import CertificateError, current_certificate, move
from certification.certificates.models import Certificate, CertificateSite, new_identity
from certification.certificates.numbering import NumberFormatError, next_certificate_number
from certification.extensions import db
from certification.programme.services import refresh_programme_dates, start_next_cycle
from certification.templating import format_day
from certification.workflow import Action, CertificateState

C = CertificateState
RENEWAL_TYPE = "recertification"
TRANSFER_TYPE = "transfer"  # marked as such in the register


def issue_certificate(
    actor,
    decision,
    *,
    today: date,
    scope: str,
    sites,
    confidential: bool = False,
    band: str = "",
    certification_type: str = "initial",
    language: str | None = None,
) -> Certificate:
    """A grant (or a renewal) issues a certificate effective on the decision date, in English
    and `language` (by default the client's preferred language)."""
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
            confidential=confidential,
            band=band,
            language=language,
        )
    _check_decision(decision, today)
    dates = rules.initial_dates(decision.decided_on)
    certificate = _new_certificate(
        decision, dates, scope, sites, confidential, band, certification_type, language=language
    )
    _start_programme(decision.cycle, decision.decided_on, certificate.expires_on)
    record(
        actor,
        certificate,
        "certificate_issued",
        to_state=certificate.state,
        note=_issue_note(certificate),
    )
    db.session.flush()
    return certificate


def issue_transferred_certificate(
    actor,
    decision,
    *,
    today: date,
    scope: str,
    sites,
    original_issued_on: date,
    expires_on: date,
) -> Certificate:
    """IAF MD 2: a certificate transferred from another body is issued in our name within the
    existing cycle: the same expiry, the original certification date kept."""
    _check_decision(decision, today)
    dates = rules.CertificateDates(decision.decided_on, original_issued_on, expires_on)
    certificate = _new_certificate(decision, dates, scope, sites, False, "", TRANSFER_TYPE)
    record(
        actor,
        certificate,
        "certificate_issued",
        to_state=certificate.state,
        note=_issue_note(certificate),
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
    confidential: bool | None = None,
    band: str | None = None,
    language: str | None = None,
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
        certificate.confidential if confidential is None else confidential,
        certificate.band if band is None else band,
        RENEWAL_TYPE,
        supersedes=certificate,
        language=language,
    )
    certificate.ended_on = decision.decided_on
    transition(
        actor,
        certificate,
        Action.SUPERSEDE,
        note=log_note("renewed_by", number=renewed.number),
    )
    # The recertification decision starts the next cycle; the renewed certificate belongs to it.
    renewed.cycle_id = start_next_cycle(
        actor, decision.cycle, decision.decided_on, renewed.expires_on
    ).id
    record(actor, renewed, "certificate_renewed", to_state=renewed.state, note=_issue_note(renewed))
    db.session.flush()
    return renewed


def restore_expired_certificate(actor, certificate: Certificate, decision, *, today: date):
    """17021-1 9.6.3.2.5: restored from a recertification completed and decided within 6 months
    of expiry. The restored certificate is a new revision effective on the decision (so the two
    PDFs differ), keeps the original date and expires on the old expiry + 3 years; the lapse stays
    visible on the old revision, and the restored cycle gets its surveillance due dates."""
    _check_decision(decision, today)
    if certificate.state != C.EXPIRED:
        raise CertificateError(
            _(
                "Only an expired certificate is restored this way; this one is %(state)s.",
                state=certificate.state_enum.label,
            )
        )
    if not rules.restorable(certificate.state, certificate.expires_on, decision.decided_on):
        raise CertificateError(
            ngettext(
                "ISO/IEC 17021-1 9.6.3.2.5: more than %(num)d month has passed since the "
                "certificate expired: at least a new stage 2 audit is needed.",
                "ISO/IEC 17021-1 9.6.3.2.5: more than %(num)d months have passed since the "
                "certificate expired: at least a new stage 2 audit is needed.",
                rules.RESTORATION_MONTHS,
            )
        )
    dates = rules.restoration_dates(
        decision.decided_on, certificate.expires_on, certificate.original_issued_on
    )
    restored = _new_certificate(
        decision,
        dates,
        certificate.scope,
        certificate.sites,
        certificate.confidential,
        certificate.band,
        RENEWAL_TYPE,
        supersedes=certificate,
        revision=certificate.revision + 1,
    )
    transition(
        actor,
        certificate,
        Action.SUPERSEDE,
        note=log_note("restored_as", revision=restored.revision, number=restored.number),
    )
    restored.cycle_id = start_next_cycle(
        actor, decision.cycle, decision.decided_on, restored.expires_on
    ).id
    record(
        actor,
        restored,
        "certificate_restored",
        to_state=restored.state,
        note=_issue_note(restored),
    )
    db.session.flush()
    return restored


def revise_certificate(
    actor,
    certificate: Certificate,
    decision,
    *,
    scope: str,
    sites,
    today: date,
    band: str | None = None,
) -> Certificate:
    """A change of scope issues a new revision (same dates, revision + 1); the old is superseded.

    17021-1 8.2.2: a revised certificate carries a mark that tells it from older versions; here
    the revision number, also appended to the number (which must stay unique).
    """
    _check_decision(decision, today)
    if certificate.state == C.SUSPENDED:
        # 17021-1 9.6.5: reducing the scope ends the suspension of what remains certified.
        move(actor, certificate, Action.RESTORE, "", said=log_note("scope_changed"))
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
        certificate.confidential,
        certificate.band if band is None else band,  # a rating band changed on appeal
        certificate.certification_type,
        supersedes=certificate,
        revision=certificate.revision + 1,
    )
    certificate.ended_on = decision.decided_on
    transition(
        actor,
        certificate,
        Action.SUPERSEDE,
        note=log_note("superseded_by", revision=revised.revision, number=revised.number),
    )
    record(actor, revised, "certificate_revised", to_state=revised.state, note=_issue_note(revised))
    db.session.flush()
    return revised


def rerate_certificate(actor, certificate: Certificate, decision, *, band: str, today: date):
    """The star scheme: the band is revised at every surveillance decision; when it changes the
    certificate gets a new revision carrying it (same scope, sites and dates), logged."""
    if (band or "") == (certificate.band or ""):
        return certificate
    before = certificate.band
    revised = revise_certificate(
        actor,
        certificate,
        decision,
        scope=certificate.scope,
        sites=certificate.sites,
        today=today,
        band=band,
    )
    record(
        actor,
        revised,
        "band_revised",
        note=log_note(
            "band_revised", before=before or "—", after=band or "—", revision=revised.revision
        ),
    )
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
    confidential: bool,
    band: str,
    certification_type: str,
    *,
    supersedes: Certificate | None = None,
    revision: int = 0,
    language: str | None = None,
) -> Certificate:
    scope = (scope or "").strip()
    if not scope:
        raise CertificateError(_("Write the certified scope."), field="scope")
    copies = [_site_copy(site) for site in sites or []]
    if not copies:
        raise CertificateError(_("A certificate names at least one site."), field="sites")
    cycle = decision.cycle
    sector = decision.organisation.sector_code if decision.organisation else ""
    # Accredited only inside an accreditation valid on the decision date (domain.md).
    accreditation = covering(cycle.scheme, cycle.edition, sector, decision.decided_on)
    certificate = Certificate(
        number=_number(supersedes, revision, decision.decided_on.year),
        certification_identity=supersedes.certification_identity if supersedes else new_identity(),
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
        accreditation_id=accreditation.id if accreditation is not None else None,
        sector_code=sector or "",
        confidential=bool(confidential),
        band=band or "",
        language=rules.certificate_language(language, supersedes, decision.organisation),
        issued_on=dates.issued_on,
        original_issued_on=dates.original_issued_on,
        expires_on=dates.expires_on,
        sites=copies,
    )
    db.session.add(certificate)
    db.session.flush()
    decision.certificate_id = certificate.id
    issue_pdf(certificate)  # the file as issued: stored, with its SHA-256 (and signed)
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
        region=get("region", "") or "",
        postcode=get("postcode", "") or "",
        country=get("country", "") or "",
        scope=get("scope", "") or "",
        is_head_office=bool(get("is_head_office", False)),
    )


def _start_programme(cycle, decided_on: date, expires_on: date) -> None:
    """From the grant on, the programme shows the surveillance due-by dates (17021-1 9.1.3)."""
    if cycle.decision_date is None:
        cycle.decision_date, cycle.expires_on = decided_on, expires_on
        refresh_programme_dates(cycle)


def _issue_note(certificate: Certificate) -> dict:
    return log_note(
        "certificate_valid",
        number=certificate.number,
        start=certificate.issued_on,
        end=certificate.expires_on,
    )
