"""The photos and files taken on the checklist answer a finding was raised from: they follow the
finding to its page, to the client, to the committee's file and to the report PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps
from sqlalchemy import select

from certification.applications import uploads
from certification.audits.models import Attachment
from certification.extensions import db

SHOWN_INLINE = {"image/jpeg", "image/png"}
THUMBNAIL_PIXELS = 480  # the longer side of a PDF thumbnail: sharp at 40 mm, a few dozen kB


@dataclass(frozen=True)
class PdfPhoto:
    """One photo as the report PDF prints it: a small JPEG, and where the original is."""

    name: str
    thumbnail: bytes
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


def thumbnail(attachment: Attachment) -> tuple[bytes, int, int] | None:
    """A small JPEG of the photo (turned upright), or None when the file cannot be read."""
    path = uploads.stored_path(attachment.stored_name)
    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
            return out.getvalue(), image.width, image.height
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ):  # not a photo after all
        return None


def pdf_photos(findings, url_of) -> dict[int, list[PdfPhoto]]:
    """Each finding's pictures made ready for the report PDF; `url_of(finding, attachment)` is
    the address of the original, served through the finding's access check."""
    ready: dict[int, list[PdfPhoto]] = {}
    for finding_id, files in photos_of(findings).items():
        finding = next(f for f in findings if f.id == finding_id)
        for attachment in filter(is_picture, files):
            small = thumbnail(attachment)
            if small is not None:
                photo = PdfPhoto(attachment.original_name, *small, url_of(finding, attachment))
                ready.setdefault(finding_id, []).append(photo)
    return ready
