"""Uploaded files follow their rows: in place only once the row commits, gone when it rolls
back; `flask uploads check` finds the strays; `flask backup` / `flask restore` round-trip."""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from certification import create_app
from certification.accounts.models import Role
from certification.accreditations.models import Accreditation
from certification.agreements.models import MarkFile
from certification.applications import uploads
from certification.applications.models import Document
from certification.extensions import db as _db
from certification.settings import services as settings
from certification.storage import backup, check
from tests import factories

PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def folder(app, tmp_path):
    """An upload folder of this test's own."""
    before = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    with app.test_request_context():
        yield tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = before


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def add_document(application):
    checked = uploads.check_all([uploads.Upload("manual.pdf", PDF)])
    planner = factories.user(Role.PLANNER)
    [document] = uploads.store_documents(planner, application.organisation, application, checked)
    return document


def test_a_file_takes_its_name_only_when_its_row_commits(db, folder):
    document = add_document(factories.application())
    assert names(folder) == {f"{document.stored_name}.part"}
    db.session.commit()
    assert names(folder) == {document.stored_name}
    assert uploads.document_path(document).read_bytes() == PDF


def test_a_rolled_back_row_leaves_no_file(db, folder):
    application = factories.application()
    db.session.commit()
    add_document(application)
    db.session.rollback()
    assert names(folder) == set()
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_request_that_dies_after_the_upload_leaves_no_file(db, folder):
    add_document(factories.application())
    db.session.remove()  # what Flask-SQLAlchemy does when a request ends in an error
    assert names(folder) == set()


def test_a_deleted_rows_file_goes_only_when_the_deletion_commits(db, folder):
    document = add_document(factories.application())
    db.session.commit()
    path = uploads.document_path(document)
    db.session.delete(document)
    uploads.remove_on_commit(path)
    db.session.rollback()
    assert path.exists()
    db.session.delete(db.session.get(Document, document.id))
    uploads.remove_on_commit(path)
    db.session.commit()
    assert not path.exists()


# --- flask uploads check -----------------------------------------------------------------


def test_uploads_check_lists_and_fixes_orphans_and_reports_missing_files(app, db, folder):
    kept = add_document(factories.application())
    lost = add_document(factories.application())
    db.session.commit()
    uploads.document_path(lost).unlink()
    (folder / "0123456789abcdef0123456789abcdef").write_bytes(b"no row")
    stale = folder / "fedcba9876543210fedcba9876543210.part"
    stale.write_bytes(b"half an upl")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    (folder / "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.part").write_bytes(b"in flight")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["uploads", "check"])
    assert result.exit_code == 1
    assert "orphan file:" in result.output and "0123456789abcdef" in result.output
    assert stale.name in result.output  # a killed upload's leftover
    assert "aaaaaaaa" not in result.output  # an upload still in progress is left alone
    assert f"missing file: documents #{lost.id} 'manual.pdf'" in result.output
    assert kept.stored_name not in result.output

    result = runner.invoke(args=["uploads", "check", "--fix"])
    assert "2 orphan file(s) removed." in result.output and result.exit_code == 1  # still missing
    assert names(folder) == {kept.stored_name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.part"}

    db.session.delete(db.session.get(Document, lost.id))
    db.session.commit()
    result = runner.invoke(args=["uploads", "check"])
    assert result.exit_code == 0 and "Uploads and database agree." in result.output


def test_uploads_check_knows_every_column_that_holds_a_stored_file():
    """A table left out would have its files called orphans, and `--fix` would delete them."""
    covered = {(model.__tablename__, column.key) for model, column, _ in check.OWNERS}
    holding = {
        (table.name, column.name)
        for table in _db.metadata.sorted_tables
        for column in table.columns
        if column.name == "stored_name" or column.name.endswith(("_stored", "_stored_name"))
    }
    assert holding and holding == covered


def test_uploads_check_keeps_letterhead_images_marks_and_accreditation_marks(app, db, folder):
    logo, mark, accreditation_mark = (uploads.write_file(b"\x89PNG image") for _ in range(3))
    settings.put("body_logo", {"stored": logo, "type": "image/png"})
    db.session.add(
        MarkFile(original_name="mark.png", stored_name=mark, content_type="image/png", size=11)
    )
    db.session.add(
        Accreditation(
            accreditation_body="TÜRKAK",
            valid_from=date(2026, 1, 1),
            mark_stored_name=accreditation_mark,
            mark_content_type="image/png",
        )
    )
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["uploads", "check", "--fix"])
    assert result.exit_code == 0 and "Uploads and database agree." in result.output, result.output
    assert names(folder) == {logo, mark, accreditation_mark}

    uploads.stored_path(logo).unlink()
    result = runner.invoke(args=["uploads", "check"])
    assert result.exit_code == 1 and "missing file: settings #0 'body_logo'" in result.output


# --- flask backup / flask restore --------------------------------------------------------


@pytest.fixture
def demo_app(empty_database_url, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "TESTING": True,
            "SECRET_KEY": "backup-test",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        from certification import demo

        demo.rebuild_database()
        demo.build(date(2026, 11, 23))
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def everything(app) -> tuple[dict, dict]:
    """Every row of every table, and every uploaded file's bytes."""
    with app.app_context():
        _db.session.remove()
        rows = {}
        for table in _db.metadata.sorted_tables:
            found = _db.session.execute(select(table)).all()
            rows[table.name] = sorted(tuple(map(repr, row)) for row in found)
        _db.session.remove()
    folder = Path(app.config["UPLOAD_FOLDER"])
    # Thumbnails (derived/) are not backed up: they are made again from their photos.
    return rows, {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_backup_and_restore_round_trip_the_demo(demo_app, tmp_path):
    """One demo build (it takes a while) serves the refusal of a damaged copy and the round trip."""
    before = everything(demo_app)
    assert before[0]["documents"] and before[1]  # the demo has uploaded documents
    runner = demo_app.test_cli_runner()
    # Its appeal attachment and impartiality minutes are files of their rows, not orphans.
    assert before[0]["appeal_attachments"] and before[0]["impartiality_reviews"]
    result = runner.invoke(args=["uploads", "check"])
    assert result.exit_code == 0 and "Uploads and database agree." in result.output, result.output
    snapshot = tmp_path / "snapshot"

    result = runner.invoke(args=["backup", str(snapshot)])
    assert result.exit_code == 0, result.output
    assert "Snapshot written" in result.output
    manifest = backup.verify_snapshot(snapshot)
    assert len([n for n in manifest["files"] if n.startswith("uploads/")]) == len(before[1])

    damaged = tmp_path / "damaged"
    shutil.copytree(snapshot, damaged)
    one_file = next((damaged / "uploads").iterdir())
    one_file.write_bytes(one_file.read_bytes() + b"!")
    result = runner.invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code == 1
    assert f"hash differs: uploads/{one_file.name}" in result.output
    assert "nothing was restored" in result.output
    assert everything(demo_app) == before

    with demo_app.app_context():  # lose every row, and gain a stray file
        from certification import demo

        demo.rebuild_database()
    (Path(demo_app.config["UPLOAD_FOLDER"]) / "stray").write_bytes(b"x")
    assert everything(demo_app) != before

    result = runner.invoke(args=["restore", str(snapshot), "--yes"])
    assert result.exit_code == 0, result.output
    assert everything(demo_app) == before


def test_backup_refuses_a_folder_that_is_not_empty(app, db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "file").write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "old")])
    assert result.exit_code == 1 and "is not empty" in result.output


def test_a_missing_pg_dump_is_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    url = backup.URL.create("postgresql+psycopg", host="127.0.0.1", database="x")
    with pytest.raises(backup.SnapshotError, match="pg_dump was not found on PATH"):
        backup._run_pg("pg_dump", url=url)
