"""The admin's verbs over accreditations, and the look-up the certificate issue uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from certification.accreditations import rules
from certification.accreditations.iaf import IAF_SECTORS
from certification.accreditations.models import Accreditation
from certification.activity.notes import log_note
from certification.activity.services import record
from certification.applications.schemes import SCHEMES
from certification.extensions import db

MARK_TYPES = ("image/png", "image/jpeg")


class AccreditationError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class AccreditationInput:
    accreditation_body: str
    number: str
    schemes: list[str]
    sectors: str  # "29, 32"
    valid_from: date | None
    valid_until: date | None


def accreditations() -> list[Accreditation]:
    return list(db.session.scalars(select(Accreditation).order_by(Accreditation.id)))


def covering(scheme: str, edition: str, sector: str, on: date) -> Accreditation | None:
    """The accreditation a certificate decided on `on` falls under, or None (unaccredited)."""
    return rules.covering(accreditations(), scheme, edition, sector, on)


def parse_sectors(text: str) -> list[str] | None:
    """ "29, 32 ;35" -> ["29", "32", "35"]; None if a code is not an IAF sector."""
    codes = [c for c in re.split(r"[,;\s]+", text or "") if c]
    if any(code not in IAF_SECTORS for code in codes):
        return None
    return sorted(set(codes), key=int)


def save_accreditation(
    actor, accreditation: Accreditation | None, values: AccreditationInput, mark=None
) -> Accreditation:
    """Create or change an accreditation; every value is checked before anything changes.
    `mark`: an optional (name, bytes) upload of the accreditation body's mark (PNG or JPEG)."""
    body = (values.accreditation_body or "").strip()
    number = (values.number or "").strip()
    if not body:
        raise AccreditationError(_("Name the accreditation body."), "accreditation_body")
    if not number:
        raise AccreditationError(_("Give the accreditation number."), "number")
    known = {f"{s}:{e}" for s, e, _t in SCHEMES}
    schemes = [s for s in values.schemes if s in known]
    if not schemes:
        raise AccreditationError(_("Choose at least one scheme of the scope."), "schemes")
    sectors = parse_sectors(values.sectors)
    if not sectors:
        raise AccreditationError(
            _("Give the IAF sectors of the scope as numbers from 1 to 39, e.g. 29, 32."), "sectors"
        )
    if values.valid_from is None:
        raise AccreditationError(_("Give the first day of validity."), "valid_from")
    if values.valid_until is not None and values.valid_until < values.valid_from:
        raise AccreditationError(_("The accreditation cannot end before it starts."), "valid_until")
    stored = _stored_mark(mark) if mark is not None else None
    accreditation = accreditation or Accreditation(created_by_id=actor.id)
    accreditation.accreditation_body = body[:200]
    accreditation.number = number[:60]
    accreditation.schemes = schemes
    accreditation.sectors = sectors
    accreditation.valid_from, accreditation.valid_until = values.valid_from, values.valid_until
    if stored is not None:
        accreditation.mark_stored_name, accreditation.mark_content_type = stored
    db.session.add(accreditation)
    db.session.flush()
    note = log_note(
        "accreditation", body=accreditation.accreditation_body, number=accreditation.number
    )
    record(actor, accreditation, "accreditation_saved", note=note)
    return accreditation


def _stored_mark(mark) -> tuple[str, str]:
    from certification.applications.uploads import (
        Upload,
        UploadError,
        check_upload,
        max_bytes,
        write_file,
    )

    try:
        checked = check_upload(Upload(*mark), max_bytes(), photos=True)
    except UploadError as error:
        raise AccreditationError(error.message, "mark") from None
    if checked.content_type not in MARK_TYPES:
        raise AccreditationError(_("The accreditation mark is a PNG or JPEG image."), "mark")
    return write_file(checked.data), checked.content_type
