"""Checking and storing uploaded documents: type by extension AND content, size, safe names.

Files are stored under random names in UPLOAD_FOLDER (outside the static folder) and served
only through an access check; the client's file name is kept for display only.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from certification.activity.services import record
from certification.applications.models import Document
from certification.extensions import db
from certification.storage import files

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 200

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = CONTENT_TYPES["odt"].encode()
# Photos are accepted only where a caller asks for them (evidence taken on site with a phone).
PHOTO_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
}
# ISO base media "ftyp" brands of HEIF/HEIC images, as phone cameras write them.
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")

T = TypeVar("T")


class UploadError(ValueError):
    """A refused upload; the message is shown to the user as it is."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class Upload(NamedTuple):
    """One file as received: the client's name and its bytes (a plain pair works too)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CheckedUpload:
    display_name: str
    content_type: str
    data: bytes


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]).resolve()


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


# Direction overrides can disguise an extension ("manual\u202efdp.exe" shows as "manualexe.pdf").
BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in BIDI_OVERRIDES


def shown_name(name: str) -> str:
    """The name as it may be echoed in a message: no control characters."""
    return "".join(ch for ch in name if not _is_control(ch))[:MAX_NAME_LENGTH] or "?"


def safe_display_name(name: str) -> str:
    """The client's file name, refused when it tries to name a path."""
    if any(_is_control(ch) for ch in name):
        raise UploadError(
            _("“%(name)s” has control characters in its name.", name=shown_name(name))
        )
    cleaned = name.strip()
    if "/" in cleaned or "\\" in cleaned or cleaned.startswith("."):
        raise UploadError(
            _(
                "“%(name)s” is not a plain file name. Rename the file and send it again.",
                name=shown_name(name),
            )
        )
    if not cleaned.strip("."):
        raise UploadError(_("A file has no usable name. Rename the file and send it again."))
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UploadError(_("“%(name)s…” has a name that is too long.", name=shown_name(name)[:40]))
    return cleaned


def readable_size(size: int) -> str:
    """10485760 -> "10 MiB"; 1024 -> "1 KiB"."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor:
            return f"{format_decimal(round(size / factor, 1))} {unit}"
    return ngettext("%(num)d byte", "%(num)d bytes", size)


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_matches(ext: str, data: bytes) -> bool:
    """Does the content really look like the kind its extension claims?"""
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext == "heic":
        return data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS
    if ext not in ("docx", "xlsx", "odt") or not zipfile.is_zipfile(io.BytesIO(data)):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if ext == "odt":
                if "mimetype" not in names:
                    return False
                with archive.open("mimetype") as entry:
                    return entry.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return False
    folder = "word/" if ext == "docx" else "xl/"
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def accepted_types(photos: bool = False) -> dict[str, str]:
    return CONTENT_TYPES | PHOTO_TYPES if photos else CONTENT_TYPES


def check_upload(upload: Upload, limit: int, photos: bool = False) -> CheckedUpload:
    """Refuse a bad file with a message that names it; pure. `photos` also accepts images."""
    name = safe_display_name(upload.name)
    ext = extension(name)
    types = accepted_types(photos)
    if ext not in types:
        if photos:
            message = _(
                "“%(name)s” is not an accepted type. Send JPG, PNG or HEIC photos, "
                "or PDF, DOCX, XLSX or ODT files.",
                name=name,
            )
        else:
            message = _(
                "“%(name)s” is not an accepted type. Send PDF, DOCX, XLSX or ODT files.",
                name=name,
            )
        raise UploadError(message)
    if not upload.data:
        raise UploadError(_("“%(name)s” is empty.", name=name))
    if len(upload.data) > limit:
        raise UploadError(
            _("“%(name)s” is larger than %(limit)s.", name=name, limit=readable_size(limit))
        )
    if not content_matches(ext, upload.data):
        raise UploadError(
            _(
                "“%(name)s” is not a real %(kind)s file: its content does not match its name.",
                name=name,
                kind=ext.upper(),
            )
        )
    return CheckedUpload(name, types[ext], upload.data)


def check_all(uploads, limit: int | None = None, *, photos: bool = False) -> list[CheckedUpload]:
    """Check every file before any is written: one bad file refuses the whole submission."""
    limit = max_bytes() if limit is None else limit
    return [check_upload(Upload(*upload), limit, photos) for upload in uploads]


def write_file(data: bytes) -> str:
    """Stage bytes under a new random name in UPLOAD_FOLDER; returns that name.

    The file takes that name only when the session commits (certification.storage.files).
    """
    return files.stage_file(db.session(), upload_folder(), data)


def store_files(
    checked: list[CheckedUpload], make_row: Callable[[CheckedUpload, str], T]
) -> list[T]:
    """Stage each file and add the row make_row(upload, stored_name) builds for it; flush.

    All or nothing: if anything fails, the files staged so far are removed at once.
    """
    staged: list[str] = []
    try:
        rows = []
        for upload in checked:
            staged.append(write_file(upload.data))
            rows.append(make_row(upload, staged[-1]))
        db.session.add_all(rows)
        db.session.flush()
    except Exception:
        files.unstage(db.session(), staged, upload_folder())
        raise
    return rows


def store_documents(
    actor, organisation, application, checked: list[CheckedUpload], kind="management_system"
) -> list[Document]:
    """Write the files under random names and add their rows; on a failure remove the files."""
    documents = store_files(
        checked,
        lambda upload, stored_name: _document_row(
            actor, organisation, application, upload, kind, stored_name
        ),
    )
    for document in documents:
        record(actor, document, "document_uploaded", reason=document.original_name)
    return documents


def _document_row(actor, organisation, application, upload, kind, stored_name) -> Document:
    return Document(
        stored_name=stored_name,
        organisation_id=organisation.id,
        application=application,
        kind=kind,
        original_name=upload.display_name,
        content_type=upload.content_type,
        size=len(upload.data),
        uploaded_by_id=getattr(actor, "id", None),
    )


def remove_on_commit(path: Path) -> None:
    """The file of a deleted row goes once that deletion commits."""
    files.delete_on_commit(db.session(), path)


def stored_path(stored_name: str) -> Path:
    """Where a stored file (document or attachment) lies in UPLOAD_FOLDER."""
    return upload_folder() / stored_name


def document_path(document: Document) -> Path:
    return stored_path(document.stored_name)


def safe_content_type(document: Document) -> str:
    """Serve only the types we accept, decided by the name we checked, never by the browser."""
    return CONTENT_TYPES.get(extension(document.original_name), "application/octet-stream")
