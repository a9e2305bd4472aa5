"""Evidence files the client sends with a corrective action: stored like every upload (random
names outside the static folder, served only through an access check)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from certification.activity.services import record
from certification.applications import uploads
from certification.audits.models import Attachment
from certification.extensions import db
from certification.findings.models import CorrectiveAction, Finding


def store_attachments(actor, finding: Finding, corrective: CorrectiveAction, checked) -> None:
    """Write the files under random names; if anything fails, remove what was written."""
    rows = uploads.store_files(
        checked,
        lambda upload, stored_name: Attachment(
            audit_id=finding.audit_id,
            organisation_id=finding.organisation_id,
            corrective_action_id=corrective.id,
            original_name=upload.display_name,
            stored_name=stored_name,
            content_type=upload.content_type,
            size=len(upload.data),
            uploaded_by_id=getattr(actor, "id", None),
        ),
    )
    for row in rows:
        record(actor, row, "document_uploaded", reason=row.original_name)


def attachment_path(attachment: Attachment) -> Path:
    return uploads.stored_path(attachment.stored_name)


def action_attachments(finding: Finding) -> dict[int, list[Attachment]]:
    """Evidence files of each corrective action of the finding, by action id."""
    ids = [a.id for a in finding.actions]
    grouped: dict[int, list[Attachment]] = {i: [] for i in ids}
    if not ids:
        return grouped
    rows = db.session.scalars(
        select(Attachment).where(Attachment.corrective_action_id.in_(ids)).order_by(Attachment.id)
    )
    for row in rows:
        grouped[row.corrective_action_id].append(row)
    return grouped
