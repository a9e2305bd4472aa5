"""The planner's desk: the list of applications, recording one, the review."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.applications import services, uploads
from certification.applications.models import Application
from certification.applications.views import object_url
from certification.organisations.models import Site
from tests import factories
from tests.sql_counting import counting_queries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def reviewed(application, planner, state):
    application.state = state
    application.reviewed_by = planner
    application.reviewed_at = application.created_at
    return application


# -- the list -------------------------------------------------------------------------------


def test_the_list_shows_waiting_applications_first(client, db, login_as):
    planner = login_as("planner")
    approved = factories.application(factories.organisation(legal_name="Alfa Sigorta A.Ş."))
    waiting = factories.application(factories.organisation(legal_name="Beta Enerji Ltd."))
    reviewed(approved, planner, "approved")
    db.session.flush()
    reviewed(factories.application(), planner, "rejected")  # newest, but not waiting
    db.session.commit()

    page = client.get("/applications/").get_data(as_text=True)

    assert page.index("Beta Enerji Ltd.") < page.index("Alfa Sigorta A.Ş.")
    assert planner.name in page and "Review passed" in page
    assert waiting.organisation.legal_name in page


def test_the_list_filters_by_state(client, db, login_as):
    planner = login_as("planner")
    reviewed(
        factories.application(factories.organisation(legal_name="Alfa A.Ş.")), planner, "approved"
    )
    factories.application(factories.organisation(legal_name="Beta Ltd."))
    db.session.commit()
    page = client.get("/applications/?state=approved").get_data(as_text=True)
    assert "Alfa A.Ş." in page and "Beta Ltd." not in page
    page = client.get("/applications/?state=nonsense").get_data(as_text=True)
    assert "Alfa A.Ş." in page and "Beta Ltd." in page


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_rows(app, client, db, login_as):
    planner = login_as("planner")
    for _ in range(3):
        reviewed(factories.application(), planner, "approved")
    db.session.commit()
    with counting_queries(db) as few:
        client.get("/applications/")
    for _ in range(app.config["PAGE_SIZE"] + 5):
        reviewed(factories.application(), planner, "approved")
    db.session.commit()
    with counting_queries(db) as many:
        page = client.get("/applications/").get_data(as_text=True)
    assert len(many) == len(few)
    assert 'rel="next"' in page and 'rel="prev"' not in page
    last = client.get("/applications/?last=1").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.COMMITTEE, Role.CLIENT])
def test_only_planning_staff_use_the_applications_pages(client, db, login_as, role):
    login_as(role)
    application = factories.application()
    db.session.commit()
    assert client.get("/applications/").status_code == 403
    assert client.get("/applications/new").status_code == 403
    if role != Role.COMMITTEE:  # the committee reads it: below
        refused = 404 if role == Role.CLIENT else 403  # a client is told nothing about the id
        assert client.get(f"/applications/{application.id}").status_code == refused
    response = client.post(
        f"/applications/{application.id}/review",
        data={"outcome": "approve", "competence_confirmed": "y"},
    )
    assert response.status_code == 403
    db.session.refresh(application)
    assert application.state == "submitted"


def test_the_committee_reads_an_application_and_its_review_but_records_none(client, db, login_as):
    """Its decision confirms the information the application review used (17021-1 9.5.2 c)."""
    login_as(Role.COMMITTEE)
    application = factories.application(scope="Complaints handling for retail banking")
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Complaints handling for retail banking" in page
    assert "Record the review" not in page and "Prepare a quote" not in page
    approved = factories.application(
        state="approved", reviewed_by_id=factories.user("planner").id, reviewed_at=factories.now()
    )
    db.session.commit()
    page = client.get(f"/applications/{approved.id}").get_data(as_text=True)
    assert "Reviewed by" in page and "Prepare a quote" not in page


# -- recording an application ---------------------------------------------------------------


def test_staff_pick_the_organisation_first(client, db, login_as):
    login_as("admin")
    factories.organisation(legal_name="Gamma Telekom A.Ş.")
    db.session.commit()
    page = client.get("/applications/new").get_data(as_text=True)
    assert "Gamma Telekom A.Ş." in page
    assert client.get("/applications/new?organisation_id=999999").status_code == 404


def test_staff_record_an_application_without_documents(client, db, login_as):
    planner = login_as("planner")
    org = factories.organisation()
    branch = Site(name="Bursa plant", city="Bursa")
    org.sites.append(branch)
    db.session.commit()
    url = f"/applications/new?organisation_id={org.id}"
    data = {
        "scheme": "ts-iso10002:2004",
        "scope": "Complaints handling for after-sales service",
        "sites": [str(branch.id)],
        "confirm": "y",
    }

    page = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)

    assert "The application was recorded." in page and "TS ISO 10002:2006" in page
    application = db.session.scalar(select(Application))
    assert application.organisation_id == org.id and application.submitted_by_id == planner.id
    assert {s.name for s in application.sites} == {"Head office", "Bursa plant"}


def test_staff_may_attach_documents_too(client, db, login_as):
    login_as("planner")
    org = factories.organisation()
    db.session.commit()
    data = {
        "scheme": "iso10002:2018",
        "scope": "Complaints handling for after-sales service",
        "confirm": "y",
        "documents": [(io.BytesIO(PDF), "procedure.pdf")],
    }
    response = client.post(
        f"/applications/new?organisation_id={org.id}",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "procedure.pdf" in page and "/applications/documents/" in page


# -- the detail page and the review ---------------------------------------------------------


def test_the_detail_page_shows_facts_documents_and_qualified_auditors(client, db, login_as):
    login_as("planner")
    application = factories.application(scope="Complaints handling in 12 call centres")
    factories.qualification(factories.user(Role.AUDITOR), scheme="iso10002", sector_code="29")
    factories.qualification(factories.user(Role.AUDITOR), scheme="iso10002", sector_code="29")
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert application.organisation.legal_name in page
    assert "Complaints handling in 12 call centres" in page and "Head office" in page
    assert "2 active auditors hold a valid qualification for ISO 10002:2018 in sector 29." in page
    assert "Record the review" in page


def test_the_detail_page_warns_when_no_auditor_is_qualified(client, db, login_as):
    login_as("planner")
    application = factories.application(factories.organisation(sector_code="35"))
    factories.qualification(factories.user(Role.AUDITOR), sector_code="29")
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "No active auditor holds a valid qualification for ISO 10002:2018 in sector 35." in page


def test_the_detail_page_lists_the_quotes_of_the_application(client, db, login_as):
    login_as("planner")
    application = factories.application()
    factories.quote(application, number="Q-2026-00042")
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Q-2026-00042" in page and "Draft" in page


def post_review(client, application, **data):
    """Posted from the detail page, as a browser does (a refusal goes back there)."""
    return client.post(
        f"/applications/{application.id}/review",
        data=data,
        headers={"Referer": f"http://localhost/applications/{application.id}"},
        follow_redirects=True,
    ).get_data(as_text=True)


def test_approving_without_the_competence_box_is_refused(client, db, login_as):
    login_as("planner")
    application = factories.application()
    db.session.commit()
    page = post_review(client, application, outcome="approve", notes="Looks fine.")
    assert "17021-1 9.1.2: the body confirms it can cover the scope and sector." in page
    db.session.refresh(application)
    assert application.state == "submitted" and application.reviewed_by_id is None


def test_approving_with_confirmed_competence(client, db, login_as):
    planner = login_as("planner")
    application = factories.application()
    db.session.commit()
    page = post_review(
        client, application, outcome="approve", competence_confirmed="y", notes="Sector covered."
    )
    assert "The review was recorded." in page and "Review passed" in page
    db.session.refresh(application)
    assert application.state == "approved" and application.reviewed_by_id == planner.id
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "approve"))
    assert log.reason == "Sector covered." and log.actor_id == planner.id
    assert "Record the review" not in client.get(f"/applications/{application.id}").get_data(
        as_text=True
    )


def test_rejecting_needs_notes(client, db, login_as):
    login_as("planner")
    application = factories.application()
    db.session.commit()
    page = post_review(client, application, outcome="reject", notes="")
    assert "Give the reason for rejecting the application." in page
    db.session.refresh(application)
    assert application.state == "submitted"

    page = post_review(client, application, outcome="reject", notes="Sector 35 is not covered.")
    db.session.refresh(application)
    assert application.state == "rejected" and "Sector 35 is not covered." in page
    assert (
        db.session.scalar(
            select(func.count()).select_from(ActivityLog).where(ActivityLog.action == "reject")
        )
        == 1
    )


def test_a_review_needs_an_outcome(client, db, login_as):
    login_as("planner")
    application = factories.application()
    db.session.commit()
    assert "Choose an outcome." in post_review(client, application, competence_confirmed="y")


def test_a_second_review_is_refused_with_a_message(client, db, login_as):
    planner = login_as("planner")
    application = reviewed(factories.application(), planner, "approved")
    db.session.commit()
    page = post_review(client, application, outcome="reject", notes="Changed my mind.")
    assert "This cannot be done now: the item is Review passed." in page
    db.session.refresh(application)
    assert application.state == "approved"


def test_the_history_shows_submission_uploads_and_review(app, client, db, login_as):
    planner = login_as("planner")
    client_user = factories.user(Role.CLIENT)
    with app.test_request_context():
        application = services.submit_application(
            client_user,
            client_user.organisation,
            "iso10002",
            "2018",
            "Complaints handling in our shops",
            [],
            [uploads.Upload("manual.pdf", PDF)],
        )
        services.review_application(
            planner, application, approve=True, competence_confirmed=True, notes="All clear."
        )
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    history = page[page.index("History") :]
    assert history.index("Application submitted") < history.index("Document uploaded")
    assert history.index("Document uploaded") < history.index("Review passed")
    assert "All clear." in history and client_user.name in history


def test_links_to_other_domains_appear_only_when_their_pages_exist(app):
    with app.test_request_context():
        assert object_url("applications.detail", 7) == "/applications/7"
        assert object_url("no_such.detail", 7) is None


def test_a_reviewer_without_a_reviewer_record_is_told_which_rule_asks_for_one(client, db, login_as):
    planner = factories.user(Role.PLANNER)
    login_as(planner)
    application = factories.application()
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "ISO/IEC 17021-1 7.1.2: you hold no valid application-reviewer competence" in page

    factories.qualification(planner, sector_code="", role="reviewer")
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "application-reviewer competence" not in page and "Record the review" in page
