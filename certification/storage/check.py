"""Upload folder against database rows: files nobody refers to, and rows whose file is gone."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from certification.accreditations.models import Accreditation
from certification.agreements.models import MarkFile
from certification.appeals.models import AppealAttachment
from certification.applications.models import Document
from certification.audits.models import Attachment
from certification.complaints.models import ComplaintAttachment
from certification.extensions import db
from certification.impartiality.models import ImpartialityReview
from certification.settings import services as settings
from certification.storage.files import DERIVED_FOLDER, PART_SUFFIX

# Every table that owns a file in UPLOAD_FOLDER: (table, stored-name column, name to show).
# A table missing here would have its files called orphans, and `--fix` would delete them;
# a test holds this list to every column of the schema that holds a stored name.
OWNERS = (
    (Document, Document.stored_name, Document.original_name),
    (Attachment, Attachment.stored_name, Attachment.original_name),
    (AppealAttachment, AppealAttachment.stored_name, AppealAttachment.original_name),
    (ComplaintAttachment, ComplaintAttachment.stored_name, ComplaintAttachment.original_name),
    (MarkFile, MarkFile.stored_name, MarkFile.original_name),
    (
        ImpartialityReview,
        ImpartialityReview.minutes_stored,
        ImpartialityReview.minutes_name,
    ),
    (Accreditation, Accreditation.mark_stored_name, Accreditation.accreditation_body),
)

# A `.part` file younger than this may belong to an upload still in progress.
UNFINISHED_AFTER_SECONDS = 3600


@dataclass(frozen=True)
class MissingFile:
    table: str
    row_id: int
    stored_name: str
    original_name: str


@dataclass
class UploadReport:
    orphans: list[str] = field(default_factory=list)  # files no row refers to
    missing: list[MissingFile] = field(default_factory=list)  # rows whose file is gone

    @property
    def clean(self) -> bool:
        return not self.orphans and not self.missing


def stored_files() -> list[MissingFile]:
    """Every row that owns a file in UPLOAD_FOLDER, and the letterhead images in the settings."""
    rows = []
    for model, stored, shown in OWNERS:
        query = select(model.id, stored, shown).where(stored.is_not(None)).order_by(model.id)
        for row_id, stored_name, original_name in db.session.execute(query):
            rows.append(MissingFile(model.__tablename__, row_id, stored_name, original_name))
    for key in settings.IMAGE_KEYS:
        image = settings.get(key)
        if image:
            rows.append(MissingFile("settings", 0, image["stored"], key))
    return rows


def check_uploads(folder: Path, now: float | None = None) -> UploadReport:
    """Compare the folder with the rows; unfinished `.part` files count once they are stale."""
    now = time.time() if now is None else now
    rows = stored_files()
    present = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    known = {row.stored_name for row in rows}
    report = UploadReport()
    for name, path in sorted(present.items()):
        if name not in known and not _unfinished(path, now):
            report.orphans.append(name)
    report.missing = [row for row in rows if row.stored_name not in present]
    report.orphans += _derived_orphans(folder / DERIVED_FOLDER, known, now)
    return report


def _derived_orphans(derived: Path, known: set[str], now: float) -> list[str]:
    """Files made from an upload (`<stored name>.<kind>`) whose upload has no row any more."""
    if not derived.is_dir():
        return []
    orphans = []
    for path in sorted(p for p in derived.iterdir() if p.is_file()):
        if path.name.split(".", 1)[0] in known:
            continue
        if not _unfinished(path, now):
            orphans.append(f"{DERIVED_FOLDER}/{path.name}")
    return orphans


def _unfinished(path: Path, now: float) -> bool:
    """A `.part` file young enough to belong to an upload still in progress."""
    return path.name.endswith(PART_SUFFIX) and now - path.stat().st_mtime < UNFINISHED_AFTER_SECONDS


def remove_orphans(folder: Path, report: UploadReport) -> int:
    for name in report.orphans:
        (folder / name).unlink(missing_ok=True)
    return len(report.orphans)
