"""Uploads: type by name AND content, size, safe names, nothing stored on refusal; downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.applications import uploads
from certification.applications.models import Application, Document
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 30


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def make_docx() -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Complaints received"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return make_zip({"mimetype": mimetype, "content.xml": b"<office:document-content/>"})


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def apply_with(client, files):
    data = {
        "scheme": "iso10002:2018",
        "scope": "Handling of customer complaints in our retail stores",
        "confirm": "y",
        "documents": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post(
        "/portal/apply", data=data, content_type="multipart/form-data", follow_redirects=True
    )


# -- the pure checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("manual.pdf", PDF, "application/pdf"),
        ("MANUAL.PDF", PDF, "application/pdf"),
        ("Şikayet süreci.docx", make_docx(), uploads.CONTENT_TYPES["docx"]),
        ("دليل الشكاوى\u200f.pdf", PDF, "application/pdf"),
        ("records.xlsx", make_xlsx(), uploads.CONTENT_TYPES["xlsx"]),
        ("policy.odt", make_odt(), uploads.CONTENT_TYPES["odt"]),
    ],
)
def test_accepted_files(app, name, content, content_type):
    checked = uploads.check_upload(uploads.Upload(name, content), limit=1024 * 1024)
    assert (checked.display_name, checked.content_type) == (name, content_type)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXE, "not a real PDF file"),
        ("photo.pdf", PNG, "not a real PDF file"),
        ("notes.txt", b"hello", "not an accepted type"),
        ("noextension", PDF, "not an accepted type"),
        ("table.docx", make_xlsx(), "not a real DOCX file"),
        ("sheet.xlsx", make_docx(), "not a real XLSX file"),
        ("bare.docx", make_zip({"word/document.xml": b"x"}), "not a real DOCX file"),
        ("slides.odt", make_odt(b"application/vnd.oasis.opendocument.presentation"), "ODT"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a real DOCX file"),
        ("empty.pdf", b"", "is empty"),
        ("../../etc/passwd.pdf", PDF, "not a plain file name"),
        ("..\\x.pdf", PDF, "not a plain file name"),
        ("/etc/x.pdf", PDF, "not a plain file name"),
        ("C:\\Users\\x.pdf", PDF, "not a plain file name"),
        ("a\x00b.pdf", PDF, "control characters"),
        ("line\nbreak.pdf", PDF, "control characters"),
        ("manual\u202efdp.exe", PDF, "control characters"),
        ("...", PDF, "not a plain file name"),
        ("   ", PDF, "no usable name"),
        ("x" * 300 + ".pdf", PDF, "too long"),
    ],
)
def test_refused_files(app, name, content, message):
    with pytest.raises(uploads.UploadError, match=message):
        uploads.check_upload(uploads.Upload(name, content), limit=1024 * 1024)


def test_size_is_checked_on_the_bytes(app):
    uploads.check_upload(uploads.Upload("a.pdf", PDF), limit=len(PDF))
    with pytest.raises(uploads.UploadError, match="larger than"):
        uploads.check_upload(uploads.Upload("a.pdf", PDF + b" "), limit=len(PDF))


# -- through the portal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXE, "“setup.pdf” is not a real PDF file"),
        ("photo.pdf", PNG, "“photo.pdf” is not a real PDF file"),
        ("notes.txt", b"hello", "“notes.txt” is not an accepted type. Send PDF, DOCX, XLSX or ODT"),
        ("empty.pdf", b"", "“empty.pdf” is empty."),
        ("../../etc/passwd.pdf", PDF, "“../../etc/passwd.pdf” is not a plain file name."),
        ("..\\x.pdf", PDF, "is not a plain file name."),
        ("/etc/x.pdf", PDF, "“/etc/x.pdf” is not a plain file name."),
        ("a\x00b.pdf", PDF, "“ab.pdf” has control characters in its name."),
        ("...", PDF, "“...” is not a plain file name."),
    ],
)
def test_a_refused_file_is_named_on_the_page_and_nothing_is_stored(
    app, client, db, login_as, name, content, message
):
    login_as("client")
    before = stored_files(app)
    # A good file next to the bad one: the whole submission is refused.
    response = apply_with(client, [("manual.pdf", PDF), (name, content)])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page.replace("&#34;", '"').replace("&#39;", "'")
    assert count(db, Application) == 0 and count(db, Document) == 0
    assert stored_files(app) == before


def test_an_oversized_file_is_refused(app, client, db, login_as):
    login_as("client")
    before = stored_files(app)
    limit = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 1024
    try:
        response = apply_with(client, [("big.pdf", PDF + b"0" * 2000)])
    finally:
        app.config["UPLOAD_MAX_BYTES"] = limit
    assert "“big.pdf” is larger than 1 KiB." in response.get_data(as_text=True)
    assert count(db, Application) == 0 and stored_files(app) == before


def test_docx_xlsx_and_odt_are_accepted(app, client, db, login_as):
    login_as("client")
    files = [("process.docx", make_docx()), ("log.xlsx", make_xlsx()), ("policy.odt", make_odt())]
    response = apply_with(client, files)
    assert "Your application was sent." in response.get_data(as_text=True)
    documents = db.session.scalars(select(Document).order_by(Document.id)).all()
    assert [(d.original_name, d.content_type) for d in documents] == [
        ("process.docx", uploads.CONTENT_TYPES["docx"]),
        ("log.xlsx", uploads.CONTENT_TYPES["xlsx"]),
        ("policy.odt", uploads.CONTENT_TYPES["odt"]),
    ]
    for document, (_name, content) in zip(documents, files, strict=True):
        assert uploads.document_path(document).read_bytes() == content


# -- downloads ------------------------------------------------------------------------------


def stored_document(org, name="Şikayet el kitabı.pdf", content=PDF) -> Document:
    application = factories.application(org)
    [document] = uploads.store_documents(
        None, org, application, uploads.check_all([uploads.Upload(name, content)])
    )
    return document


def test_a_client_downloads_its_own_document_under_its_original_name(client, db, login_as):
    user = login_as("client")
    document = stored_document(user.organisation)
    db.session.commit()

    with client.get(f"/applications/documents/{document.id}") as response:
        assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%C5%9Eikayet%20el%20kitab%C4%B1.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_client_cannot_download_another_organisations_document(client, db, login_as):
    login_as("client")
    document = stored_document(factories.organisation())
    db.session.commit()
    assert client.get(f"/applications/documents/{document.id}").status_code == 404
    assert client.get("/applications/documents/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.PLANNER, Role.AUDITOR, Role.COMMITTEE])
def test_staff_may_download_documents(client, db, login_as, role):
    login_as(role)
    document = stored_document(factories.organisation())
    db.session.commit()
    with client.get(f"/applications/documents/{document.id}") as response:
        assert response.status_code == 200 and response.data == PDF


def test_a_visitor_must_sign_in_to_download(client, db):
    document = stored_document(factories.organisation())
    db.session.commit()
    response = client.get(f"/applications/documents/{document.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
