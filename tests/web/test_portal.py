"""The client portal: home page, applying with documents, reading and withdrawing an application."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.applications.models import Application, Document
from certification.organisations.models import Site
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def apply_form(files=None, **overrides) -> dict:
    data = {
        "scheme": "iso10002:2018",
        "scope": "Handling of customer complaints in our retail stores",
        "confirm": "y",
        "documents": [(io.BytesIO(PDF), "complaints-manual.pdf")] if files is None else files,
    }
    data.update(overrides)
    return data


def post_apply(client, data):
    return client.post(
        "/portal/apply", data=data, content_type="multipart/form-data", follow_redirects=True
    )


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_home_shows_the_organisations_applications_quotes_audits_and_documents(
    client, db, login_as
):
    user = login_as("client")
    org = user.organisation
    application = factories.application(org, scheme="csat-star")
    factories.quote(application, number="Q-DRAFT-1")
    factories.quote(
        application,
        number="Q-SENT-1",
        state="issued",
        issued_on=date(2026, 11, 1),
        valid_until=date(2026, 12, 1),
    )
    cycle = factories.cycle(application.quotes[0])
    factories.audit(
        cycle,
        kind="stage1",
        state="scheduled",
        start_date=date(2027, 1, 11),
        end_date=date(2027, 1, 12),
    )
    factories.audit(cycle, kind="surveillance1", sequence=3)
    other = factories.application(factories.organisation(legal_name="Başka Firma Ltd."))
    db.session.commit()

    page = client.get("/portal/").get_data(as_text=True)

    assert org.legal_name in page
    assert "Customer satisfaction star scheme" in page and "Submitted" in page
    assert "Q-SENT-1" in page and "Q-DRAFT-1" not in page
    assert "Stage 1" in page and "Surveillance 1" in page
    assert "After the certification decision" in page
    assert other.organisation.legal_name not in page


def test_the_client_follows_the_portal_to_its_audit_programme(client, db, login_as):
    user = login_as("client")
    cycle = factories.cycle(factories.quote(factories.application(user.organisation)))
    stage1 = factories.audit(cycle, kind="stage1")
    factories.audit(cycle, kind="stage2", sequence=2)
    db.session.commit()

    home = client.get("/portal/").get_data(as_text=True)
    assert f"/programme/audits/{stage1.id}" in home
    programme = client.get(f"/programme/cycles/{cycle.id}")
    assert programme.status_code == 200
    assert "Stage 2" in programme.get_data(as_text=True)


def test_the_portal_asks_a_visitor_to_sign_in(client):
    response = client.get("/portal/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_portal_is_for_clients_only(client, login_as):
    login_as("planner")
    assert client.get("/portal/").status_code == 403
    assert client.get("/portal/apply").status_code == 403


def test_apply_form_offers_schemes_and_sites_with_the_head_office_fixed(client, db, login_as):
    user = login_as("client")
    user.organisation.sites.append(Site(name="İzmir warehouse", city="İzmir"))
    db.session.commit()
    page = client.get("/portal/apply").get_data(as_text=True)
    assert "TS ISO 10002:2006" in page and "İzmir warehouse" in page
    assert "The head office is always included." in page


def test_a_client_applies_with_a_document(app, client, db, login_as):
    user = login_as("client")
    branch = Site(name="Ankara branch", city="Ankara")
    user.organisation.sites.append(branch)
    db.session.commit()

    response = post_apply(client, apply_form(sites=[str(branch.id)]))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your application was sent." in page
    application = db.session.scalar(select(Application))
    assert application.organisation_id == user.organisation_id
    assert application.submitted_by_id == user.id and application.state == "submitted"
    assert {s.name for s in application.sites} == {"Head office", "Ankara branch"}
    assert [d.original_name for d in application.documents] == ["complaints-manual.pdf"]
    assert "complaints-manual.pdf" in page and "ISO 10002:2018" in page
    logged = db.session.scalars(select(ActivityLog.action).order_by(ActivityLog.id)).all()
    assert logged == ["created", "document_uploaded"]


def test_a_client_application_needs_a_document_and_the_confirmation(client, db, login_as):
    login_as("client")
    page = post_apply(client, apply_form(files=[])).get_data(as_text=True)
    assert "Attach at least one document that describes your complaints-handling system." in page

    page = post_apply(client, apply_form(confirm="")).get_data(as_text=True)
    assert "Please confirm that the information is correct." in page

    page = post_apply(client, apply_form(scope="short")).get_data(as_text=True)
    assert "Describe the scope in 10 to 5000 characters." in page
    assert count(db, Application) == 0 and count(db, Document) == 0


def test_a_client_cannot_choose_another_organisations_site(client, db, login_as):
    login_as("client")
    stranger = factories.organisation()
    db.session.commit()
    response = post_apply(client, apply_form(sites=[str(stranger.head_office.id)]))
    assert "is not a valid choice for this field" in response.get_data(as_text=True)
    assert count(db, Application) == 0


def test_a_client_reads_its_own_application_and_not_anothers(client, db, login_as):
    user = login_as("client")
    own = factories.application(user.organisation)
    foreign = factories.application()
    db.session.commit()

    response = client.get(f"/applications/{own.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/portal/applications/{own.id}")
    page = client.get(f"/portal/applications/{own.id}").get_data(as_text=True)
    assert "Withdraw the application" in page

    assert client.get(f"/applications/{foreign.id}").status_code == 404
    assert client.get(f"/portal/applications/{foreign.id}").status_code == 404
    assert client.get("/portal/applications/999999").status_code == 404


def test_a_client_withdraws_its_application_with_a_reason(client, db, login_as):
    user = login_as("client")
    application = factories.application(user.organisation)
    db.session.commit()
    url = f"/portal/applications/{application.id}/withdraw"

    page = client.post(url, data={"reason": ""}, follow_redirects=True).get_data(as_text=True)
    assert "Give a reason for withdrawing the application." in page
    assert application.state == "submitted"

    response = client.post(url, data={"reason": "We postpone the project."}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your application was withdrawn." in page and "Withdrawn" in page
    assert "Withdraw the application" not in page
    db.session.refresh(application)
    assert application.state == "withdrawn"
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "withdraw"))
    assert log.reason == "We postpone the project." and log.actor_id == user.id


def test_a_rejected_application_shows_why_and_cannot_be_withdrawn(client, db, login_as):
    user = login_as("client")
    planner = factories.user(Role.PLANNER)
    application = factories.application(
        user.organisation,
        state="rejected",
        review_notes="Sector 35 is outside our scope.",
        reviewed_by=planner,
        reviewed_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
    )
    db.session.commit()
    page = client.get(f"/portal/applications/{application.id}").get_data(as_text=True)
    assert "Sector 35 is outside our scope." in page
    assert "Withdraw the application" not in page
    response = client.post(
        f"/portal/applications/{application.id}/withdraw",
        data={"reason": "Changed our mind."},
        follow_redirects=True,
    )
    assert "This cannot be done now" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state == "rejected"


def test_a_client_cannot_withdraw_another_organisations_application(client, db, login_as):
    login_as("client")
    foreign = factories.application()
    db.session.commit()
    response = client.post(f"/portal/applications/{foreign.id}/withdraw", data={"reason": "x"})
    assert response.status_code == 404
    db.session.refresh(foreign)
    assert foreign.state == "submitted"
