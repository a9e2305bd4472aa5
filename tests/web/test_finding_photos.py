"""A photo taken on a checklist answer follows the finding raised from it: on the finding's page,
to the client, in the committee's file, and in the report PDF as a thumbnail linking to the
original (served only to who may see the finding)."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image

from certification.audits import attachments as audit_attachments
from certification.audits import services as audit_services
from certification.audits import thumbnails
from certification.findings.models import Finding
from tests import factories
from tests.services.test_audit_answers import TODAY, started

QUESTION = "7.2-a"


def text(response) -> str:
    return response.get_data(as_text=True)


def served(client, url) -> tuple[int, str, str]:
    """Status, type and disposition of a file response, closed (send_file holds the file)."""
    response = client.get(url)
    response.close()
    return (
        response.status_code,
        response.mimetype,
        response.headers.get("Content-Disposition", ""),
    )


def jpeg(width=1600, height=1200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def photographed(db):
    """A stage 2 under way: question 7.2-a graded major with a photo and a PDF attached."""
    audit, lead, _member = started(db, start=TODAY)
    audit_services.save_answer(
        lead,
        audit,
        QUESTION,
        grade="major",
        points=None,
        evidence="No register at the desk.",
        expected_version=0,
        today=TODAY,
    )
    photo, document = audit_attachments.add_attachments(
        lead, audit, QUESTION, [("desk.jpg", jpeg()), ("form.pdf", b"%PDF-1.4\n%%EOF\n")]
    )
    finding = db.session.scalars(db.select(Finding).where(Finding.audit_id == audit.id)).one()
    db.session.commit()
    return audit, lead, finding, photo, document


def test_the_finding_page_shows_the_photo_and_serves_it(client, login_as, photographed):
    audit, lead, finding, photo, document = photographed
    login_as(lead)
    page = text(client.get(f"/findings/{finding.id}"))
    src = f"/findings/{finding.id}/photos/{photo.id}"
    assert "Photos taken on site" in page
    assert f'<img src="{src}" alt="desk.jpg"' in page
    assert f'href="/findings/{finding.id}/photos/{document.id}">form.pdf</a>' in page
    assert served(client, src)[:2] == (200, "image/jpeg")
    assert served(client, src)[2].startswith("inline")
    assert served(client, f"/findings/{finding.id}/photos/{document.id}")[2].startswith(
        "attachment"
    )


def test_the_client_sees_the_photo_of_its_finding_and_no_one_elses(
    client, db, login_as, photographed
):
    audit, _lead, finding, photo, _document = photographed
    login_as(factories.user("client", organisation=audit.organisation))
    page = text(client.get(f"/findings/{finding.id}/answer"))
    assert f'<img src="/findings/{finding.id}/photos/{photo.id}"' in page
    assert served(client, f"/findings/{finding.id}/photos/{photo.id}")[0] == 200

    login_as(factories.user("client", organisation=factories.organisation()))
    assert served(client, f"/findings/{finding.id}/photos/{photo.id}")[0] == 404


def test_a_file_of_another_answer_is_not_served_through_this_finding(
    client, db, login_as, photographed
):
    audit, lead, finding, _photo, _document = photographed
    other = audit_attachments.add_attachments(lead, audit, "7.3-a", [("other.jpg", jpeg(40, 30))])
    db.session.commit()
    login_as(lead)
    assert served(client, f"/findings/{finding.id}/photos/{other[0].id}")[0] == 404


def test_the_committee_file_shows_the_photo(client, db, login_as, photographed):
    audit, _lead, finding, photo, _document = photographed
    audit.state = "submitted"
    db.session.commit()
    login_as(factories.committee_member())
    page = text(client.get(f"/decisions/audits/{audit.id}"))
    assert "Photos taken on site" in page
    assert f'<img src="/findings/{finding.id}/photos/{photo.id}"' in page


def test_the_report_pdf_has_a_thumbnail_linking_to_the_original(client, login_as, photographed):
    audit, lead, finding, photo, _document = photographed
    login_as(lead)
    reader = pypdf.PdfReader(io.BytesIO(client.get(f"/audits/{audit.id}/report.pdf").data))
    text_ = "\n".join(page.extract_text() for page in reader.pages)
    assert "Photos taken on site" in text_ and "desk.jpg" in text_
    original = f"http://localhost/findings/{finding.id}/photos/{photo.id}"
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert links.count(original) == 2  # the thumbnail and the name
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    assert max(images[0].image.size) <= 480  # a thumbnail, not the 1600 px original


# -- the thumbnail is made once, when the photo is attached -----------------------------------


def report_images(client, audit) -> list:
    reader = pypdf.PdfReader(io.BytesIO(client.get(f"/audits/{audit.id}/report.pdf").data))
    return [image for page in reader.pages for image in page.images]


def test_the_thumbnail_is_stored_with_the_photo_and_the_pdf_does_not_make_it_again(
    client, login_as, photographed, monkeypatch
):
    audit, lead, _finding, photo, document = photographed
    stored = thumbnails.path_of(photo.stored_name)
    with Image.open(stored) as small:
        assert (small.format, small.size) == ("JPEG", (480, 360))
    assert not thumbnails.path_of(document.stored_name).exists()  # a PDF has no thumbnail

    def made_again(data):
        raise AssertionError("the report PDF made the thumbnail again")

    monkeypatch.setattr(thumbnails, "make", made_again)
    login_as(lead)
    [image] = report_images(client, audit)
    assert image.image.size == (480, 360)


def test_a_photo_attached_before_thumbnails_were_stored_gets_one_when_first_printed(
    client, login_as, photographed
):
    audit, lead, _finding, photo, _document = photographed
    stored = thumbnails.path_of(photo.stored_name)
    stored.unlink()
    login_as(lead)
    [image] = report_images(client, audit)
    assert image.image.size == (480, 360)
    assert stored.exists()  # kept for the next print


def test_a_removed_photo_takes_its_thumbnail_with_it(db, photographed):
    audit, lead, _finding, photo, _document = photographed
    stored = thumbnails.path_of(photo.stored_name)
    audit_attachments.delete_attachment(lead, photo, audit)
    assert stored.exists()  # until the removal commits
    db.session.commit()
    assert not stored.exists()


def test_an_upload_that_rolls_back_leaves_no_thumbnail(db, photographed):
    audit, lead, _finding, _photo, _document = photographed
    [again] = audit_attachments.add_attachments(lead, audit, QUESTION, [("desk2.jpg", jpeg())])
    stored = thumbnails.path_of(again.stored_name)
    db.session.rollback()
    assert not stored.exists() and not list(stored.parent.glob(f"{stored.name}*"))


@pytest.fixture
def own_folder(app, tmp_path, monkeypatch):
    """An upload folder of this test's own, so that `--fix` touches no other test's files."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def test_uploads_check_keeps_thumbnails_and_lists_those_of_removed_photos(
    app, db, own_folder, photographed
):
    _audit, _lead, _finding, photo, _document = photographed
    stray = thumbnails.folder() / f"{'0' * 32}{thumbnails.SUFFIX}"
    stray.write_bytes(b"left behind")
    result = app.test_cli_runner().invoke(args=["uploads", "check", "--fix"])
    assert f"orphan file: {own_folder / 'derived' / stray.name}" in result.output
    assert "1 orphan file(s) removed." in result.output
    assert thumbnails.path_of(photo.stored_name).name not in result.output
    assert not stray.exists() and thumbnails.path_of(photo.stored_name).exists()
