"""The small copy of an evidence photo that the report PDF prints beside its finding.

It is made once, when the photo is attached, and staged with it: it takes its place when the
upload commits and goes when the attachment is removed. A photo attached before thumbnails were
stored (or whose thumbnail was lost) gets one the first time it is asked for. Thumbnails live
in UPLOAD_FOLDER/derived under the photo's stored name; backups leave them out.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
from pathlib import Path

from PIL import Image, ImageOps

from certification.applications import uploads
from certification.extensions import db
from certification.storage import files

PICTURE_TYPES = {"image/jpeg", "image/png"}
THUMBNAIL_PIXELS = 480  # the longer side of a PDF thumbnail: sharp at 40 mm, a few dozen kB
SUFFIX = ".thumb.jpg"
log = logging.getLogger(__name__)


def folder() -> Path:
    return uploads.upload_folder() / files.DERIVED_FOLDER


def path_of(stored_name: str) -> Path:
    return folder() / f"{stored_name}{SUFFIX}"


def make(data: bytes) -> bytes | None:
    """A small JPEG of the photo, turned upright; None when the bytes are not a readable image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            # A JPEG decodes at the smallest DCT scale (1/2, 1/4, 1/8) still larger than the
            # thumbnail: a 12-megapixel phone photo decodes several times faster.
            image.draft("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
            return out.getvalue()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def stage(stored_name: str, content_type: str, data: bytes) -> None:
    """Stage the thumbnail of a photo being attached: in place when the upload commits."""
    if content_type not in PICTURE_TYPES:
        return
    small = make(data)
    if small is not None:
        files.stage_file(db.session(), folder(), small, f"{stored_name}{SUFFIX}")


def remove_on_commit(stored_name: str) -> None:
    uploads.remove_on_commit(path_of(stored_name))


def read(stored_name: str) -> tuple[str | bytes, int, int] | None:
    """Where the thumbnail is (its bytes, if it could not be kept) and its size in pixels; made
    now (and kept) if it is missing; None when the photo cannot be read.

    A path lets reportlab copy the JPEG into the PDF as it is, without decoding it."""
    path = path_of(stored_name)
    if not path.is_file():
        small = _make_and_keep(stored_name, path)
        if small is None:
            return None
        if not path.is_file():
            return _with_size(small, io.BytesIO(small))
    return _with_size(str(path), path)


def _with_size(source, readable) -> tuple[str | bytes, int, int] | None:
    try:
        with Image.open(readable) as image:  # reads the header only
            return source, image.width, image.height
    except (OSError, SyntaxError, ValueError):
        return None


def _make_and_keep(stored_name: str, path: Path) -> bytes | None:
    try:
        small = make(uploads.stored_path(stored_name).read_bytes())
    except OSError:  # the photo itself is gone: `flask uploads check` reports it
        return None
    if small is None:
        return None
    try:  # written aside and renamed, so a reader at the same instant never sees half a file
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{secrets.token_hex(4)}{files.PART_SUFFIX}")
        part.write_bytes(small)
        os.replace(part, path)
    except OSError:
        log.warning("could not keep the thumbnail of %s", stored_name)
    return small
