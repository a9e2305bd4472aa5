"""The photos and files taken on the checklist answer a finding was raised from: they follow the
finding to its page, to the client, to the committee's file and to the report PDF."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from certification.applications import uploads
from certification.audits import thumbnails
from certification.audits.models import Attachment
from certification.extensions import db

SHOWN_INLINE = thumbnails.PICTURE_TYPES


@dataclass(frozen=True)
class PdfPhoto:
    """One photo as the report PDF prints it: a small JPEG (its path, or its bytes), and where
    the original is."""

    name: str
    thumbnail: str | bytes
    width: int
    height: int
    url: str


def photos_of(findings) -> dict[int, list[Attachment]]:
    """The files of each finding's checklist answer, by finding id, oldest first; one query."""
    by_answer = {f.answer_id: f.id for f in findings if f.answer_id is not None}
    found: dict[int, list[Attachment]] = {f.id: [] for f in findings}
    if not by_answer:
        return found
    rows = db.session.scalars(
        select(Attachment).where(Attachment.answer_id.in_(by_answer)).order_by(Attachment.id)
    )
    for row in rows:
        found[by_answer[row.answer_id]].append(row)
    return found


def content_type(attachment: Attachment) -> str:
    """Decided by the checked name, as every upload is served."""
    types = uploads.accepted_types(photos=True)
    return types.get(uploads.extension(attachment.original_name), "application/octet-stream")


def is_picture(attachment: Attachment) -> bool:
    """A photo a browser and a PDF can show (JPEG, PNG); other files are offered as links."""
    return content_type(attachment) in SHOWN_INLINE


def pdf_photos(findings, url_of) -> dict[int, list[PdfPhoto]]:
    """Each finding's pictures made ready for the report PDF; `url_of(finding, attachment)` is
    the address of the original, served through the finding's access check."""
    ready: dict[int, list[PdfPhoto]] = {}
    for finding_id, files in photos_of(findings).items():
        finding = next(f for f in findings if f.id == finding_id)
        for attachment in filter(is_picture, files):
            small = thumbnails.read(attachment.stored_name)
            if small is not None:
                photo = PdfPhoto(attachment.original_name, *small, url_of(finding, attachment))
                ready.setdefault(finding_id, []).append(photo)
    return ready
