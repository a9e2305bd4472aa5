"""Uploaded files move into place only when their row commits.

A file is first written beside its final name as `<name>.part`; the session remembers it. When
the outermost transaction commits, every such file is renamed into place (an atomic rename in the
same folder) and files whose rows were deleted are removed. When the transaction ends any other
way (rollback, error, a killed request), the `.part` files are removed. So an upload that dies
half-way leaves no file under a final name, and a rolled-back row leaves no orphan.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

PART_SUFFIX = ".part"
# Files made from an upload (a photo's thumbnail) live in this subfolder under the upload's own
# name: they can be made again from the upload, so backups leave them out.
DERIVED_FOLDER = "derived"
_PENDING = "certification_pending_files"
log = logging.getLogger("certification.storage")


def _pending(session) -> dict[str, list[Path]]:
    return session.info.setdefault(_PENDING, {"moves": [], "deletes": []})


def stage_file(session, folder: Path, data: bytes, stored_name: str | None = None) -> str:
    """Write `data` as `<name>.part` in `folder` (a new random name unless one is given);
    returns the final name.

    The file takes its final name when `session` commits, and is removed if it does not.
    """
    if not session.in_transaction():
        session.begin()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = stored_name or secrets.token_hex(16)
    part = folder / f"{stored_name}{PART_SUFFIX}"
    moves = _pending(session)["moves"]
    with part.open("xb") as out:
        moves.append(part)  # remembered before the first byte: even a half-written file goes
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return stored_name


def unstage(session, stored_names: list[str], folder: Path) -> None:
    """Remove staged files at once (the caller gives up on them before the transaction ends)."""
    parts = {folder / f"{name}{PART_SUFFIX}" for name in stored_names}
    moves = _pending(session)["moves"]
    for part in [p for p in moves if p in parts]:
        moves.remove(part)
        part.unlink(missing_ok=True)


def delete_on_commit(session, path: Path) -> None:
    """Remove `path` once the deletion of its row has committed; keep it if that rolls back."""
    _pending(session)["deletes"].append(path)


@event.listens_for(Session, "after_commit")
def _promote(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    for part in pending["moves"]:
        try:
            os.replace(part, part.with_name(part.name.removesuffix(PART_SUFFIX)))
        except OSError:  # the row is committed: `flask uploads check` reports the missing file
            log.exception("could not move %s into place", part)
    for path in pending["deletes"]:
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _discard(session, transaction) -> None:
    if transaction.parent is not None:
        return
    pending = session.info.pop(_PENDING, None)
    for part in (pending or {}).get("moves", []):
        part.unlink(missing_ok=True)
