"""The certification agreement: published in versions, accepted by the client, required for a
grant (17021-1 5.1.2); the mark files certified clients download (8.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from certification.activity.notes import log_note
from certification.activity.services import record
from certification.agreements import defaults
from certification.agreements.models import AgreementAcceptance, AgreementVersion, MarkFile
from certification.extensions import db
from certification.i18n.languages import LANGUAGES


class AgreementError(ValueError):
    """A refused agreement action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Consent:
    """What a client ticks when accepting: the version it read, from which address, in which
    language."""

    version: int
    address: str
    language: str


def current_version() -> AgreementVersion:
    """The newest published version; the built-in first version until an admin publishes one."""
    found = db.session.scalar(
        select(AgreementVersion).order_by(AgreementVersion.version.desc()).limit(1)
    )
    if found is not None:
        return found
    first = AgreementVersion(
        version=1, texts=dict(defaults.AGREEMENT), mark_rules=dict(defaults.MARK_RULES)
    )
    try:
        with db.session.begin_nested():
            db.session.add(first)
            db.session.flush()
    except IntegrityError:  # published by another request a moment ago
        return db.session.scalar(select(AgreementVersion).where(AgreementVersion.version == 1))
    return first


def acceptance_in_force(organisation_id: int) -> AgreementAcceptance | None:
    """The client's newest acceptance: the agreement in force for it (17021-1 5.1.2)."""
    return db.session.scalar(
        select(AgreementAcceptance)
        .where(AgreementAcceptance.organisation_id == organisation_id)
        .order_by(AgreementAcceptance.accepted_at.desc(), AgreementAcceptance.id.desc())
        .limit(1)
    )


def in_force(organisation_id: int) -> bool:
    return acceptance_in_force(organisation_id) is not None


def accept_agreement(actor, organisation, consent: Consent, today: date, quote=None):
    """Record that the client accepted the version it was shown; accepting it twice is one
    acceptance. A version replaced meanwhile is refused: the client reads the new one first.
    A planner may record an agreement the client signed on paper (the actor says who)."""
    staff = getattr(actor, "role", None) in ("admin", "planner")
    if not staff and getattr(actor, "organisation_id", None) != organisation.id:
        raise AgreementError(_("Only the client's own users accept its certification agreement."))
    version = current_version()
    if consent.version != version.version:
        raise AgreementError(
            _(
                "The certification agreement was updated to version %(version)d meanwhile: "
                "please read it and accept again.",
                version=version.version,
            ),
            "agreement",
        )
    existing = db.session.scalar(
        select(AgreementAcceptance).where(
            AgreementAcceptance.organisation_id == organisation.id,
            AgreementAcceptance.version_id == version.id,
        )
    )
    if existing is not None:
        return existing
    acceptance = AgreementAcceptance(
        organisation_id=organisation.id,
        version_id=version.id,
        accepted_by_id=actor.id,
        address=(consent.address or "")[:45],
        language=consent.language if consent.language in LANGUAGES else "en",
        quote_id=getattr(quote, "id", None),
    )
    try:
        with db.session.begin_nested():
            db.session.add(acceptance)
            db.session.flush()
    except IntegrityError:  # the same click twice at once: one acceptance stands
        return db.session.scalar(
            select(AgreementAcceptance).where(
                AgreementAcceptance.organisation_id == organisation.id,
                AgreementAcceptance.version_id == version.id,
            )
        )
    record(
        actor,
        acceptance,
        "agreement_accepted",
        note=log_note(
            "agreement_accepted",
            version=version.version,
            date=today,
            address=acceptance.address or "—",
        ),
    )
    return acceptance


def publish_version(actor, texts: dict[str, str], rules: dict[str, str]) -> AgreementVersion:
    """A new version of the agreement and of the rules for the marks (English at least)."""
    texts = {k: v.strip() for k, v in texts.items() if k in LANGUAGES and (v or "").strip()}
    rules = {k: v.strip() for k, v in rules.items() if k in LANGUAGES and (v or "").strip()}
    if "en" not in texts:
        raise AgreementError(_("Write the agreement in English at least."), "text_en")
    if "en" not in rules:
        raise AgreementError(
            _("Write the rules for using the marks in English at least."), "rules_en"
        )
    current = current_version()
    if texts == current.texts and rules == current.mark_rules:
        raise AgreementError(_("Nothing changed: the published version stays."))
    number = (db.session.scalar(select(func.max(AgreementVersion.version))) or 0) + 1
    version = AgreementVersion(
        version=number, texts=texts, mark_rules=rules, published_by_id=actor.id
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
            db.session.flush()
    except IntegrityError:
        raise AgreementError(
            _("Another version was published a moment ago: reload the page.")
        ) from None
    record(
        actor, version, "agreement_published", note=log_note("agreement_version", version=number)
    )
    return version


def mark_files() -> list[MarkFile]:
    return list(db.session.scalars(select(MarkFile).order_by(MarkFile.id)))


def add_mark_file(actor, upload) -> MarkFile:
    """An admin adds a file of the mark (PNG, JPEG or PDF), checked by type and content."""
    from certification.applications.uploads import (
        Upload,
        UploadError,
        check_upload,
        max_bytes,
        write_file,
    )

    try:
        checked = check_upload(Upload(*upload), max_bytes(), photos=True)
    except UploadError as error:
        raise AgreementError(error.message, "file") from None
    if checked.content_type not in ("image/png", "image/jpeg", "application/pdf"):
        raise AgreementError(_("A mark file is a PNG, JPEG or PDF file."), "file")
    mark = MarkFile(
        original_name=checked.display_name,
        stored_name=write_file(checked.data),
        content_type=checked.content_type,
        size=len(checked.data),
        uploaded_by_id=actor.id,
    )
    db.session.add(mark)
    db.session.flush()
    record(actor, mark, "mark_file_added", reason=mark.original_name)
    return mark


def remove_mark_file(actor, mark: MarkFile) -> None:
    record(actor, mark, "mark_file_removed", reason=mark.original_name)
    db.session.delete(mark)
    db.session.flush()
