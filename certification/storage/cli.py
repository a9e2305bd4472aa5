"""`flask uploads check [--fix]`, `flask backup DIR` and `flask restore DIR`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from certification.storage.backup import (
    SnapshotError,
    make_snapshot,
    restore_snapshot,
    verify_snapshot,
)
from certification.storage.check import check_uploads, remove_orphans


@click.group("uploads")
def uploads_group() -> None:
    """Uploaded files against the database."""


@uploads_group.command("check")
@click.option("--fix", is_flag=True, help="Remove the files that no row refers to.")
@with_appcontext
def check_command(fix: bool) -> None:
    """List files no row refers to, and rows whose file is missing (exit 1 if any is left)."""
    folder = _upload_folder()
    report = check_uploads(folder)
    for name in report.orphans:
        click.echo(f"orphan file: {folder / name}")
    for row in report.missing:
        click.echo(
            f"missing file: {row.table} #{row.row_id} {row.original_name!r} "
            f"(expected {folder / row.stored_name})"
        )
    if fix and report.orphans:
        click.echo(f"{remove_orphans(folder, report)} orphan file(s) removed.")
        report.orphans = []
    if report.clean:
        click.echo("Uploads and database agree.")
        return
    raise SystemExit(1)


@click.command("backup")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a consistent snapshot (database, uploads, manifest with SHA-256) into TARGET."""
    from certification.extensions import db

    try:
        manifest = make_snapshot(db.engine, _upload_folder(), target)
    except SnapshotError as error:
        raise click.ClickException(str(error)) from None
    uploads = sum(1 for name in manifest["files"] if name.startswith("uploads/"))
    click.echo(f"Snapshot written to {target}: {manifest['database']} database, {uploads} file(s).")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Bring back a snapshot made by `flask backup`: database and uploads are replaced."""
    from certification.extensions import db

    try:
        verify_snapshot(source)
        if not yes:
            click.confirm(
                f"This replaces every row of {db.engine.url.render_as_string()} and every "
                f"uploaded file with the snapshot in {source}. Go on?",
                abort=True,
            )
        manifest = restore_snapshot(db.engine, _upload_folder(), source)
    except SnapshotError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the snapshot of {manifest['created_at']} from {source}.")


def _upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])
