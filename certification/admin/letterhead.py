"""The images printed on certificates: the body's logo and the signatory's signature.

Every upload is checked before any is kept (a PNG or JPEG that opens as an image, not too
large), so one bad file changes nothing.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from certification.activity.changes import changed_fields
from certification.activity.notes import Coded, log_note
from certification.activity.services import record
from certification.admin.settings_services import BodySettings, SettingsError
from certification.applications.uploads import (
    Upload,
    UploadError,
    check_upload,
    extension,
    max_bytes,
    readable_size,
    safe_display_name,
    stored_path,
    write_file,
)
from certification.settings import services as settings

IMAGE_TYPES = ("image/png", "image/jpeg")
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg")
# A letterhead image is drawn on every certificate: a larger file only slows each one down.
LETTERHEAD_MAX_BYTES = 2 * 1024 * 1024


def stored_image(key: str) -> tuple[bytes, str] | None:
    """The stored image of `key` and its type; None if there is none (or its file has gone)."""
    if key not in settings.IMAGE_KEYS:
        return None
    stored = settings.get(key)
    if not stored:
        return None
    try:
        return stored_path(stored["stored"]).read_bytes(), stored["type"]
    except OSError:
        return None


def check_image(name: str, data: bytes):
    """A PNG or JPEG that really is one; the message names the file and what is wrong."""
    shown = safe_display_name(name)
    if extension(shown) not in IMAGE_EXTENSIONS:
        raise UploadError(_("“%(name)s” is not a PNG or JPEG image.", name=shown))
    limit = min(max_bytes(), LETTERHEAD_MAX_BYTES)
    checked = check_upload(Upload(name, data), limit, photos=True)
    if checked.content_type not in IMAGE_TYPES:
        raise UploadError(_("“%(name)s” is not a PNG or JPEG image.", name=shown))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadError(
            _("“%(name)s” cannot be read as an image: it may be damaged.", name=shown)
        ) from None
    return checked


def save_letterhead(actor, uploads: dict[str, tuple[str, bytes]], removed: set[str]) -> list[str]:
    """Keep the uploaded images and remove the ones asked; returns the settings changed."""
    checked = {}
    for key, (name, data) in uploads.items():
        try:
            checked[key] = check_image(name, data)
        except UploadError as error:
            raise SettingsError({key: error.message}) from None
    values = {key: None for key in removed if key in settings.IMAGE_KEYS}
    for key, image in checked.items():
        values[key] = {"stored": write_file(image.data), "type": image.content_type}
    changed = [key for key, value in values.items() if settings.get(key) != value]
    for key in changed:
        settings.put(key, values[key])
    if changed:
        lines = [
            log_note(
                "image_removed" if values[key] is None else "image_new", field=Coded("setting", key)
            )
            for key in changed
        ]
        record(actor, BodySettings(), "settings_updated", note=changed_fields(lines))
    return changed


def size_limit() -> str:
    return readable_size(min(max_bytes(), LETTERHEAD_MAX_BYTES))
