"""Impartiality pages: a person signs this year's declaration, the admin sees who has not, keeps
the risk register and records the committee's review with its minutes."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta

from certification.extensions import db as _db
from certification.impartiality.models import Declaration, ImpartialityRisk
from tests import factories
from tests.web.test_access_matrix import PDF, snapshot


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_an_auditor_signs_the_yearly_declaration(client, db, login_as):
    auditor = login_as("auditor")
    page = text(client.get("/impartiality/"))
    assert "I will keep confidential" in page and "Sign the declaration" in page
    assert "Impartiality risk register" not in page  # the records are not an auditor's
    unticked = client.post("/impartiality/", data={"interests": ""})
    assert unticked.status_code == 400 and "Tick the box" in text(unticked)
    client.post("/impartiality/", data={"interests": "", "agree": "y"})
    assert _db.session.query(Declaration).filter_by(user_id=auditor.id).count() == 1
    assert "Signed on" in text(client.get("/impartiality/"))


def test_the_admin_sees_who_has_not_signed_and_records_a_paper(client, db, login_as):
    late = factories.user("committee", name="Late Member")
    login_as("admin")
    page = text(client.get("/impartiality/declarations"))
    assert "Late Member" in page and "Not signed yet" in page
    client.post("/impartiality/declarations", data={"person_id": late.id, "interests": ""})
    page = text(client.get("/impartiality/declarations"))
    assert "Late Member" in page.split("Signed")[-1]


def test_the_admin_keeps_the_risk_register(client, db, login_as):
    org = factories.organisation(legal_name="Karadeniz Sigorta A.Ş.")
    login_as("admin")
    data = {
        "threat": "self_interest",
        "source_kind": "client",
        "organisation_id": org.id,
        "person_id": 0,
        "description": "A third of the revenue.",
        "level": "high",
        "action_taken": "",
        "review_on": (date.today() + timedelta(days=90)).isoformat(),
    }
    before = snapshot(_db)
    refused = client.post("/impartiality/risks", data=data)
    assert refused.status_code == 400 and "record the action taken" in text(refused)
    assert snapshot(_db) == before
    client.post("/impartiality/risks", data={**data, "action_taken": "Second committee member."})
    page = text(client.get("/impartiality/risks"))
    assert "Karadeniz Sigorta A.Ş." in page and "Second committee member." in page
    risk = _db.session.query(ImpartialityRisk).one()
    assert "Register entry" in text(client.get(f"/impartiality/risks/{risk.id}"))


def test_the_committee_reads_the_register_but_does_not_write(client, db, login_as):
    login_as("committee")
    assert client.get("/impartiality/risks").status_code == 200
    assert "Record a risk" not in text(client.get("/impartiality/risks"))
    assert client.post("/impartiality/risks", data={"threat": "other"}).status_code == 403


def test_the_yearly_committee_review_with_its_minutes(client, db, login_as):
    login_as("admin")
    assert "A yearly review is due" in text(client.get("/impartiality/"))
    response = client.post(
        "/impartiality/reviews",
        data={
            "held_on": date.today().isoformat(),
            "members": "Prof. A, Consumer association B",
            "conclusions": "No new threat; rotation works.",
            "minutes": (io.BytesIO(PDF), "minutes-2026.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = text(client.get("/impartiality/reviews"))
    assert "minutes-2026.pdf" in page and "rotation works" in page
    assert "A yearly review is due" not in text(client.get("/impartiality/"))
