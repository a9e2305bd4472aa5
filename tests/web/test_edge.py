"""Input at the edge: control characters and numbers no one means, on every kind of route.

Each case failed with a 500 on PostgreSQL (NUL in text) or on both databases (numbers the database
cannot hold). Now the same answer on both: stripped, or refused with a message (the form again, as
every refused form here), nothing changed.
"""

from __future__ import annotations

from sqlalchemy import func, select

from certification.extensions import db as _db
from certification.findings.models import CorrectiveAction
from certification.organisations.models import Organisation
from certification.programme.models import AuditTeamMember
from certification.settings import services as settings
from tests import factories
from tests.web.test_admin import settings_form
from tests.web.test_organisations import form_data

NUL = "\x00"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_addresses_with_a_nul_are_not_found(client, db):
    api = client.get("/api/v1/certificates/%00")
    assert api.status_code == 404 and api.is_json and api.get_json()["error"]
    assert client.get("/verify/%00").status_code == 404
    assert client.get("/verify/abc%00def").status_code == 404


def test_anonymous_query_strings_and_login_drop_control_characters(client, db):
    user = factories.user("planner", email="pinar@body.example.test")
    db.session.commit()
    assert client.get("/register?q=%00G%C3%BCne%01%1f").status_code == 200
    assert client.get("/verify?number=TR%00-1").status_code == 404  # looked up as "TR-1"
    refused = client.post("/login", data={"email": NUL, "password": NUL})
    assert refused.status_code == 200 and "Sign in" in text(refused)
    signed_in = client.post(
        "/login", data={"email": f"pinar@body{NUL}.example.test", "password": factories.PASSWORD}
    )
    assert signed_in.status_code == 302 and user.email == "pinar@body.example.test"


def test_a_nul_typed_into_a_form_is_not_stored(client, db, login_as):
    login_as("planner")
    response = client.post(
        "/organisations/new", data=form_data(legal_name=f"Güneş{NUL} A.Ş.\x07", city="İz\x1bmir")
    )
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.legal_name, organisation.city) == ("Güneş A.Ş.", "İzmir")


def test_numbers_the_database_cannot_hold_are_refused_with_a_message(client, db, login_as):
    login_as("planner")
    huge = client.post("/organisations/new", data=form_data(effective_personnel="9" * 30))
    assert huge.status_code < 500 and "This number is too large." in text(huge)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    assert client.get("/organisations/?page=" + "9" * 20).status_code == 404
    assert client.get("/programme/audits/" + "9" * 20).status_code == 404
    assert client.get("/organisations/?page=2").status_code == 200


def test_an_id_in_the_address_beyond_any_row_is_treated_as_no_id(client, db, login_as):
    """Found by the address fuzz test: the driver could not hold it and the page answered 500."""
    login_as("planner")
    page = client.get("/applications/new?organisation_id=" + "9" * 20)
    assert page.status_code == 200 and "Record an application" in text(page)
    assert '<select id="organisation_id"' in text(page)


def test_nan_and_infinite_settings_are_refused(client, db, login_as):
    login_as("admin")
    before = settings.get("stage1_share")
    for value in ("NaN", "1e309", "-Infinity", "1e400"):
        response = client.post("/admin/settings", data=settings_form(stage1_percent=value))
        assert response.status_code < 500, value
        assert "Enter an ordinary number." in text(response), value
    assert settings.get("stage1_share") == before


def answered_finding():
    """A minor finding the client has answered, and the lead auditor who reviews the answer."""
    day = factories.today()
    audit = factories.audit(kind="stage2", state="in_progress", start_date=day, end_date=day)
    finding = factories.finding(audit, "minor", "answered")
    finding.actions.append(
        CorrectiveAction(correction="Fixed.", root_cause="None.", action="A form.", target_date=day)
    )
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    _db.session.commit()
    return finding, lead


def test_a_comment_of_only_control_characters_is_an_empty_comment(client, db, login_as):
    """It once reached the database's CHECK (a rejection needs a comment): a 500."""
    finding, lead = answered_finding()
    login_as(lead)
    response = client.post(f"/findings/{finding.id}/reject", data={"comment": NUL})
    assert response.status_code == 400 and "Tell the client why" in text(response)
    db.session.refresh(finding)
    assert finding.state == "answered" and finding.actions[0].accepted is None
