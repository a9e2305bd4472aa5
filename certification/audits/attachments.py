"""Photos and documents an auditor attaches to checklist answers as evidence."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from certification.activity.notes import checklist_group, log_note
from certification.activity.services import lock, record
from certification.applications import uploads
from certification.audits import thumbnails
from certification.audits.models import Answer, Attachment
from certification.audits.services import (
    AuditWorkError,
    check_can_edit,
    checklist_of,
    find_answer,
    question_in,
)
from certification.extensions import db
from certification.programme.models import Audit


def attachments_of(audit: Audit) -> dict[int, list[Attachment]]:
    """The answers' attachments by answer id, oldest first."""
    query = (
        select(Attachment)
        .where(Attachment.audit_id == audit.id, Attachment.answer_id.is_not(None))
        .order_by(Attachment.id)
    )
    found: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(query):
        found.setdefault(attachment.answer_id, []).append(attachment)
    return found


def add_attachments(actor, audit: Audit, question_id: str, files) -> list[Attachment]:
    """Photos and documents as evidence of a question; all files are checked before any is kept."""
    lock(audit)  # like an answer: refused once the report has gone to the committee
    check_can_edit(actor, audit)
    question = question_in(checklist_of(audit), question_id)
    try:
        checked = uploads.check_all(files, photos=True)
    except uploads.UploadError as error:
        raise AuditWorkError(error.message, field="file") from None
    if not checked:
        raise AuditWorkError(_("Choose a photo or a file to attach."), field="file")
    answer = find_answer(audit, question.id)
    if answer is None:  # evidence can come before the grade
        answer = Answer(
            audit_id=audit.id,
            question_id=question.id,
            clause=question.clause,
            version=1,
            evidence="",
            updated_by_id=actor.id,
        )
        db.session.add(answer)
        db.session.flush()
    attachments = uploads.store_files(
        checked,
        lambda upload, stored_name: Attachment(
            audit_id=audit.id,
            organisation_id=audit.organisation_id,
            answer_id=answer.id,
            original_name=upload.display_name,
            stored_name=stored_name,
            content_type=upload.content_type,
            size=len(upload.data),
            uploaded_by_id=actor.id,
        ),
    )
    for upload, attachment in zip(checked, attachments, strict=True):
        thumbnails.stage(attachment.stored_name, upload.content_type, upload.data)
        record(
            actor,
            attachment,
            "attachment_added",
            note=log_note("evidence_file", question=question.id, file=attachment.original_name),
            group_key=checklist_group(audit),
        )
    return attachments


def delete_attachment(actor, attachment: Attachment, audit: Audit) -> Path:
    """Remove one's own attachment; its file goes when the change commits."""
    lock(audit)
    check_can_edit(actor, audit)
    if attachment.uploaded_by_id != actor.id:
        raise AuditWorkError(_("Only the person who attached a file can remove it."))
    record(
        actor,
        attachment,
        "attachment_removed",
        reason=attachment.original_name,
        group_key=checklist_group(audit),
    )
    path = attachment_path(attachment)
    db.session.delete(attachment)
    db.session.flush()
    uploads.remove_on_commit(path)
    thumbnails.remove_on_commit(attachment.stored_name)
    return path


def attachment_path(attachment: Attachment) -> Path:
    return uploads.stored_path(attachment.stored_name)


def served_type(attachment: Attachment) -> tuple[str, bool]:
    """The type to serve, decided by the checked name; only JPEG and PNG are shown inline."""
    types = uploads.accepted_types(photos=True)
    content_type = types.get(
        uploads.extension(attachment.original_name), "application/octet-stream"
    )
    return content_type, content_type in thumbnails.PICTURE_TYPES
