"""Applications: submitting with documents, the review (17021-1 9.1.2), withdrawing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.applications import uploads
from certification.applications.models import Application, Document
from certification.applications.services import (
    ApplicationError,
    qualified_auditor_count,
    review_application,
    submit_application,
    withdraw_application,
)
from certification.extensions import db as _db
from certification.organisations.models import Site
from certification.workflow import TransitionError
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated for the person asking, so services run inside a request."""
    with app.test_request_context():
        yield


def upload_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def actions(subject) -> list[str]:
    query = select(ActivityLog.action).where(
        ActivityLog.subject_type == type(subject).__name__, ActivityLog.subject_id == subject.id
    )
    return list(_db.session.scalars(query.order_by(ActivityLog.id)))


def submit(actor, org, files=(), **kw):
    return submit_application(
        actor,
        org,
        kw.pop("scheme", "iso10002"),
        kw.pop("edition", "2018"),
        kw.pop("scope", "Handling of customer complaints in retail stores"),
        kw.pop("site_ids", []),
        list(files),
        today=TODAY,
        **kw,
    )


def test_client_submission_stores_the_application_its_sites_and_documents(app, db):
    client = factories.user(Role.CLIENT)
    org = client.organisation
    branch = Site(name="Ankara branch", city="Ankara")
    org.sites.append(branch)
    factories.organisation()  # another client, untouched
    db.session.flush()
    before = upload_files(app)

    application = submit(client, org, [uploads.Upload("manual.pdf", PDF)], site_ids=[branch.id])

    assert application.state == "submitted"
    assert application.submitted_by_id == client.id and application.submitted_at is not None
    assert {s.name for s in application.sites} == {"Head office", "Ankara branch"}
    [document] = application.documents
    assert document.original_name == "manual.pdf" and document.size == len(PDF)
    assert document.content_type == "application/pdf"
    assert document.stored_name != "manual.pdf" and len(document.stored_name) == 32
    assert upload_files(app) - before == {f"{document.stored_name}.part"}  # not yet in place
    db.session.commit()
    assert upload_files(app) - before == {document.stored_name}
    assert uploads.document_path(document).read_bytes() == PDF
    assert actions(application) == ["created"]
    assert actions(document) == ["document_uploaded"]
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "created"))
    assert log.organisation_id == org.id and log.actor_id == client.id
    assert log.reason == "ISO 10002:2018"


def test_one_bad_file_stores_nothing_at_all(app, db):
    client = factories.user(Role.CLIENT)
    before = upload_files(app), count(Application), count(Document), count(ActivityLog)
    files = [uploads.Upload("manual.pdf", PDF), uploads.Upload("virus.pdf", b"MZ\x90\x00")]

    with pytest.raises(uploads.UploadError, match="virus.pdf"):
        submit(client, client.organisation, files)

    assert (upload_files(app), count(Application), count(Document), count(ActivityLog)) == before


def test_a_client_must_send_a_complaints_handling_document(db):
    client = factories.user(Role.CLIENT)
    with pytest.raises(ApplicationError, match="complaints-handling"):
        submit(client, client.organisation, [])
    assert count(Application) == 0


def test_staff_may_record_an_application_without_documents(db):
    planner = factories.user(Role.PLANNER)
    org = factories.organisation()
    application = submit(planner, org, [])
    assert application.submitted_by_id == planner.id and application.documents == []


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"scheme": "iso9001"}, "offered schemes"),
        ({"edition": "2004"}, "offered schemes"),
        ({"scope": " short "}, "at least 10"),
    ],
)
def test_unknown_scheme_or_thin_scope_is_refused(db, kw, message):
    planner = factories.user(Role.PLANNER)
    with pytest.raises(ApplicationError, match=message):
        submit(planner, factories.organisation(), **kw)
    assert count(Application) == 0


def test_a_site_of_another_organisation_is_refused(db):
    planner = factories.user(Role.PLANNER)
    org, other = factories.organisation(), factories.organisation()
    with pytest.raises(ApplicationError, match="does not belong"):
        submit(planner, org, site_ids=[other.head_office.id])


def test_written_files_are_removed_when_the_database_refuses_the_rows(app, db, monkeypatch):
    planner = factories.user(Role.PLANNER)
    application = factories.application()
    checked = uploads.check_all([uploads.Upload("a.pdf", PDF), uploads.Upload("b.pdf", PDF)])
    before = upload_files(app)

    def refuse():
        raise RuntimeError("database gone")

    monkeypatch.setattr(_db.session, "flush", refuse)
    with pytest.raises(RuntimeError):
        uploads.store_documents(planner, application.organisation, application, checked)
    assert upload_files(app) == before


def test_approving_records_the_reviewer_and_logs_the_move(db):
    planner = factories.user(Role.PLANNER)
    application = factories.application()

    review_application(
        planner, application, approve=True, competence_confirmed=True, notes="Sector 29 covered."
    )

    assert application.state == "approved"
    assert application.reviewed_by_id == planner.id and application.reviewed_at is not None
    assert application.competence_confirmed and application.review_notes == "Sector 29 covered."
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "approve"))
    assert (log.from_state, log.to_state, log.reason) == (
        "submitted",
        "approved",
        "Sector 29 covered.",
    )


def test_approving_without_confirmed_competence_is_refused(db):
    planner = factories.user(Role.PLANNER)
    application = factories.application()
    with pytest.raises(ApplicationError, match="9.1.2"):
        review_application(planner, application, approve=True, competence_confirmed=False, notes="")
    assert application.state == "submitted" and application.reviewed_by_id is None
    assert actions(application) == []


def test_rejecting_needs_notes_and_keeps_them(db):
    planner = factories.user(Role.PLANNER)
    application = factories.application()
    with pytest.raises(ApplicationError, match="reason"):
        review_application(
            planner, application, approve=False, competence_confirmed=True, notes=" "
        )
    assert application.state == "submitted"

    review_application(
        planner, application, approve=False, competence_confirmed=False, notes="Sector not covered."
    )
    assert application.state == "rejected" and application.review_notes == "Sector not covered."
    assert actions(application) == ["reject"]


def test_a_reviewed_application_cannot_be_reviewed_again(db):
    planner = factories.user(Role.PLANNER)
    application = factories.application()
    review_application(planner, application, approve=True, competence_confirmed=True, notes="")
    with pytest.raises(TransitionError):
        review_application(
            planner, application, approve=False, competence_confirmed=False, notes="x"
        )
    assert application.state == "approved"


def test_withdrawing_needs_a_reason_and_is_logged(db):
    client = factories.user(Role.CLIENT)
    application = factories.application(client.organisation)
    with pytest.raises(ApplicationError):
        withdraw_application(client, application, reason="  ")
    withdraw_application(client, application, reason="We postpone certification.")
    assert application.state == "withdrawn"
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "withdraw"))
    assert log.reason == "We postpone certification." and log.actor_id == client.id


def test_a_rejected_application_cannot_be_withdrawn(db):
    planner = factories.user(Role.PLANNER)
    application = factories.application()
    review_application(planner, application, approve=False, competence_confirmed=False, notes="No.")
    with pytest.raises(TransitionError):
        withdraw_application(planner, application, reason="late")


def test_qualified_auditors_are_counted_by_scheme_sector_and_validity(db):
    valid = factories.user(Role.AUDITOR)
    factories.qualification(valid, valid_until=None)
    factories.qualification(valid, valid_until=TODAY)  # the same person counts once
    factories.qualification(factories.user(Role.AUDITOR), valid_until=TODAY + timedelta(days=30))
    factories.qualification(factories.user(Role.AUDITOR), valid_until=TODAY - timedelta(days=1))
    factories.qualification(factories.user(Role.AUDITOR), sector_code="35")
    factories.qualification(factories.user(Role.AUDITOR), scheme="csat-star")
    factories.qualification(factories.user(Role.AUDITOR, active=False))
    factories.qualification(factories.user(Role.COMMITTEE))

    assert qualified_auditor_count("iso10002", "29", TODAY) == 2
    assert qualified_auditor_count("iso10002", "12", date(2026, 1, 1)) == 0


def test_files_may_be_given_as_plain_name_and_bytes_pairs(db):
    client = factories.user(Role.CLIENT)
    application = submit(client, client.organisation, [("manual.pdf", PDF)])
    assert [d.original_name for d in application.documents] == ["manual.pdf"]
