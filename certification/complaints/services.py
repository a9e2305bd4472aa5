"""Receiving complaints (ISO 10002 7.2, 7.3): from the public form, a client in the portal, or
staff recording one that came by phone, e-mail or letter; and finding them again.

The handling steps after receipt live in handling.py. Each verb checks, changes, logs, flushes;
none commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certification.activity.notes import log_note
from certification.activity.services import record
from certification.applications import uploads
from certification.certificates.numbering import next_in_sequence
from certification.complaints import rules
from certification.complaints.models import (
    About,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
)
from certification.extensions import db
from certification.settings import services as settings
from certification.workflow import ComplaintState

STAFF_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.IN_PERSON)
LANGUAGES = ("en", "tr")
# How far back staff may date a complaint that came by post or phone.
LATEST_BACKDATE_DAYS = 60


class ComplaintError(ValueError):
    """A refused complaint step; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class DuplicateSubmission(Exception):
    """The same form was sent twice: the complaint it made the first time."""

    def __init__(self, complaint: Complaint):
        super().__init__(complaint.number)
        self.complaint = complaint


@dataclass
class Filing:
    """What a complainant tells us, whichever way it came."""

    complainant_name: str
    subject: str
    description: str
    email: str = ""
    phone: str = ""
    language: str = "en"
    about: str = About.BODY.value
    category: str = Category.OTHER.value
    named_organisation: str = ""
    identity_shared: bool = False
    files: list = field(default_factory=list)


def holidays() -> frozenset[date]:
    return rules.parse_holidays(settings.get("holidays"))


def receive_complaint(
    actor,
    filing: Filing,
    *,
    channel: str,
    today: date,
    received_on: date | None = None,
    submission_key: str | None = None,
    organisation=None,
    complainant_organisation=None,
) -> Complaint:
    """Record a complaint with its tracking number and private link; the time limits run from
    the day it was received. Every check runs before anything is stored."""
    received_on = received_on or today
    _check_filing(filing, channel, received_on, today)
    checked = uploads.check_all(filing.files)
    if submission_key:
        existing = by_submission_key(submission_key)
        if existing is not None:
            raise DuplicateSubmission(existing)
    complaint = _complaint_row(
        actor, filing, channel, received_on, organisation, complainant_organisation
    )
    complaint.submission_key = submission_key or None
    _insert_once(complaint, received_on.year, submission_key)
    _store_attachments(actor, complaint, checked)
    # The log never names the complainant (ISO 10002 4.10): the number and the channel only.
    record(
        actor,
        complaint,
        "complaint_received",
        to_state=complaint.state,
        note=log_note("complaint_received", number=complaint.number, channel=Channel(channel)),
    )
    db.session.flush()
    return complaint


def _complaint_row(actor, filing: Filing, channel, received_on, organisation, complainant_org):
    """The new complaint with its time limits, fixed from the settings of the day."""
    limits = rules.deadlines(
        received_on,
        holidays(),
        int(settings.get("complaint_acknowledge_days")),
        int(settings.get("complaint_answer_days")),
    )
    return Complaint(
        token=secrets.token_urlsafe(32),
        state=ComplaintState.RECEIVED.value,
        channel=channel,
        language=filing.language if filing.language in LANGUAGES else "en",
        about=filing.about,
        category=filing.category,
        organisation_id=getattr(organisation, "id", None),
        named_organisation=filing.named_organisation.strip()[:300],
        complainant_organisation_id=getattr(complainant_org, "id", None),
        filed_by_id=getattr(actor, "id", None),
        complainant_name=filing.complainant_name.strip(),
        complainant_email=filing.email.strip(),
        complainant_phone=filing.phone.strip(),
        complainant_key=rules.contact_key(filing.email, filing.phone),
        identity_shared=bool(filing.identity_shared),
        subject=filing.subject.strip(),
        description=filing.description.strip(),
        received_on=received_on,
        acknowledge_by=limits.acknowledge_by,
        answer_by=limits.answer_by,
    )


def _insert_once(complaint: Complaint, year: int, submission_key: str | None) -> None:
    """Number and insert in a savepoint: a second request racing with the same submission key
    fails on its unique index, gives its number back and finds the first one's complaint."""
    try:
        with db.session.begin_nested():
            sequence = next_in_sequence(f"complaint-{year}")
            complaint.number = f"CMP-{year}-{sequence:04d}"
            db.session.add(complaint)
            db.session.flush()
    except IntegrityError:
        existing = by_submission_key(submission_key) if submission_key else None
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None


def _check_filing(filing: Filing, channel: str, received_on: date, today: date) -> None:
    if channel not in {c.value for c in Channel}:
        raise ValueError(f"unknown channel {channel!r}")
    if not filing.complainant_name.strip():
        raise ComplaintError(_("Give the complainant's name."), "complainant_name")
    if not (filing.email.strip() or filing.phone.strip()):
        raise ComplaintError(
            _("Give an e-mail address or a telephone number, so that we can answer."), "email"
        )
    if not filing.subject.strip():
        raise ComplaintError(_("Say in a few words what the complaint is about."), "subject")
    if not filing.description.strip():
        raise ComplaintError(_("Describe what happened."), "description")
    if filing.about not in {a.value for a in About}:
        raise ComplaintError(_("Say whom the complaint is about."), "about")
    if filing.category not in {c.value for c in Category}:
        raise ComplaintError(_("Choose what the complaint is about."), "category")
    if filing.about == About.CLIENT and not filing.named_organisation.strip():
        raise ComplaintError(
            _("Name the certified organisation (or give its certificate number)."),
            "named_organisation",
        )
    if received_on > today:
        raise ComplaintError(_("A complaint cannot be received in the future."), "received_on")
    if (today - received_on).days > LATEST_BACKDATE_DAYS:
        raise ComplaintError(
            _(
                "Record a complaint within %(days)d days of receiving it.",
                days=LATEST_BACKDATE_DAYS,
            ),
            "received_on",
        )


def _store_attachments(actor, complaint: Complaint, checked) -> list[ComplaintAttachment]:
    rows = uploads.store_files(
        checked,
        lambda upload, stored_name: ComplaintAttachment(
            complaint_id=complaint.id,
            original_name=upload.display_name,
            stored_name=stored_name,
            content_type=upload.content_type,
            size=len(upload.data),
            uploaded_by_id=getattr(actor, "id", None),
        ),
    )
    for row in rows:
        record(actor, row, "document_uploaded", reason=row.original_name)
    return rows


def filing_from_user(
    user, subject: str, description: str, category: str, files, identity_shared: bool = False
) -> Filing:
    """A client user complains in the portal: their own name and address are the contact."""
    return Filing(
        complainant_name=user.name,
        email=user.email,
        language=user.locale or "en",
        subject=subject,
        description=description,
        category=category,
        identity_shared=identity_shared,
        files=list(files),
    )


# -- finding complaints ------------------------------------------------------------------------


def by_submission_key(key: str) -> Complaint | None:
    return db.session.scalar(select(Complaint).where(Complaint.submission_key == key))


def by_token(token: str) -> Complaint | None:
    """The complaint of a private tracking link; an empty or unknown token finds nothing."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.token == token))


def attachment_path(attachment: ComplaintAttachment):
    return uploads.stored_path(attachment.stored_name)
