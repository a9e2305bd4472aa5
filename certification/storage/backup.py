"""A consistent snapshot of the database and the uploaded files, and bringing one back.

The snapshot folder holds the database (SQLite: the online backup API, a consistent copy even
while the app writes; PostgreSQL: `pg_dump`, one transaction), the uploads, and `manifest.json`
with the SHA-256 of every file. A restore checks every hash first and changes nothing if one fails.
The database is copied before the files: a row's file takes its place right after the row commits.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from certification.storage.files import DERIVED_FOLDER, PART_SUFFIX

MANIFEST = "manifest.json"
UPLOADS = "uploads"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
FORMAT = 1


class SnapshotError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backend(engine) -> str:
    name = engine.url.get_backend_name()
    if name not in DUMP_NAMES:
        raise SnapshotError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def make_snapshot(engine, upload_folder: Path, target: Path) -> dict:
    """Write a snapshot into `target` (a new or empty folder); returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise SnapshotError(f"{target} is not empty: give a new folder for each snapshot")
    kind = backend(engine)
    target.mkdir(parents=True, exist_ok=True)
    database_file = target / DUMP_NAMES[kind]
    if kind == "sqlite":
        _sqlite_copy(engine, database_file)
    else:
        _run_pg(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={database_file}",
            url=engine.url,
        )
    (target / UPLOADS).mkdir()
    if upload_folder.is_dir():
        for path in sorted(upload_folder.iterdir()):
            if path.is_file() and not path.name.endswith(PART_SUFFIX):
                shutil.copy2(path, target / UPLOADS / path.name)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "files": {
            str(path.relative_to(target)): sha256(path)
            for path in sorted(target.rglob("*"))
            if path.is_file()
        },
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def verify_snapshot(source: Path) -> dict:
    """The manifest, once every file matches its hash and nothing is missing or added."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
        files = dict(manifest["files"])
        kind = manifest["database"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SnapshotError(f"{source} has no readable {MANIFEST}: {error}") from None
    if kind not in DUMP_NAMES or DUMP_NAMES[kind] not in files:
        raise SnapshotError(f"{MANIFEST} names no database file")
    present = {
        str(path.relative_to(source))
        for path in source.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    problems = [f"missing: {name}" for name in sorted(set(files) - present)]
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(files))]
    problems += [
        f"hash differs: {name}"
        for name in sorted(set(files) & present)
        if sha256(source / name) != files[name]
    ]
    if problems:
        raise SnapshotError(
            "the snapshot fails its manifest, nothing was restored:\n  " + "\n  ".join(problems)
        )
    return manifest


def restore_snapshot(engine, upload_folder: Path, source: Path) -> dict:
    """Replace the database and the uploads with the snapshot's; refuses a damaged snapshot."""
    manifest = verify_snapshot(source)
    kind = backend(engine)
    if manifest["database"] != kind:
        raise SnapshotError(
            f"the snapshot holds a {manifest['database']} database; this app uses {kind}"
        )
    database_file = source / DUMP_NAMES[kind]
    engine.dispose()
    if kind == "sqlite":
        _sqlite_restore(engine, database_file)
    else:
        _run_pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            str(database_file),
            url=engine.url,
        )
    engine.dispose()
    _replace_uploads(source / UPLOADS, upload_folder)
    return manifest


def _replace_uploads(snapshot_uploads: Path, upload_folder: Path) -> None:
    """The folder ends up holding exactly the snapshot's files (each copied in atomically)."""
    upload_folder.mkdir(parents=True, exist_ok=True)
    wanted = (
        {path.name for path in snapshot_uploads.iterdir()} if snapshot_uploads.is_dir() else set()
    )
    for name in sorted(wanted):
        part = upload_folder / f"{name}{PART_SUFFIX}"
        shutil.copy2(snapshot_uploads / name, part)
        os.replace(part, upload_folder / name)
    for path in upload_folder.iterdir():
        if path.is_file() and path.name not in wanted:
            path.unlink()
    # Thumbnails are not in a snapshot: the ones of the restored photos are made again as needed.
    shutil.rmtree(upload_folder / DERIVED_FOLDER, ignore_errors=True)


def _sqlite_copy(engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(target) as copy:
            raw.driver_connection.backup(copy)
        copy.close()
    finally:
        raw.close()


def _sqlite_restore(engine, snapshot: Path) -> None:
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True) as source:
            source.backup(raw.driver_connection)
        source.close()
    finally:
        raw.close()


def _run_pg(program: str, *args: str, url: URL) -> None:
    """Run pg_dump or pg_restore against `url`; the password goes by environment, not argv."""
    if shutil.which(program) is None:
        raise SnapshotError(
            f"{program} was not found on PATH: install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) of the server's major version"
        )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url._replace(drivername="postgresql", password=None).render_as_string()
    done = subprocess.run(
        [program, *args, f"--dbname={dsn}"], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SnapshotError(f"{program} failed: {done.stderr.strip()}")
