"""Appeal pages: the client appeals from the portal, the planner appoints the panel (refused
with the reason for someone involved), the panel decides, the answer in writing as a PDF."""

from __future__ import annotations

import html
import io
from datetime import date

from pypdf import PdfReader

from certification.appeals import services
from certification.appeals.models import Appeal
from certification.extensions import db as _db
from tests import factories
from tests.services.test_appeals import TODAY, lodged, suspended
from tests.web.test_access_matrix import snapshot


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_client_appeals_a_suspension_from_the_portal(client, db, login_as):
    decision, *_rest = suspended(today=date.today())
    _db.session.commit()
    login_as("client", organisation=decision.organisation)
    portal = text(client.get("/portal/"))
    assert "You may appeal these decisions" in portal and "Suspend the certificate" in portal
    page = text(client.get(f"/appeals/new/{decision.id}"))
    assert "Surveillance not allowed." in page and "Lodge the appeal" in page
    empty = client.post(f"/appeals/new/{decision.id}", data={"grounds": ""})
    assert empty.status_code == 400 and "Give the reasons for your appeal." in text(empty)
    response = client.post(f"/appeals/new/{decision.id}", data={"grounds": "The date was agreed."})
    assert response.status_code == 302
    appeal = _db.session.query(Appeal).one()
    page = text(client.get(f"/appeals/{appeal.id}"))
    assert appeal.number in page and "Stays in force during the appeal" in page
    assert "Appeal this decision" not in text(client.get("/portal/"))


def test_the_planner_is_refused_a_decider_on_the_panel(client, db, login_as):
    decision, _certificate, decider, _lead = suspended()
    appeal = lodged(decision)
    _db.session.commit()
    login_as("planner")
    page = text(client.get(f"/appeals/{appeal.id}"))
    assert "Appoint the appeal panel" in page and "Deciding Member" in page
    before = snapshot(_db)
    response = client.post(f"/appeals/{appeal.id}/panel", data={"members": [decider.id]})
    assert response.status_code == 400
    assert "Deciding Member took the decision appealed" in text(response)
    assert snapshot(_db) == before


def test_the_panel_upholds_and_the_client_reads_the_answer(client, db, login_as):
    decision, certificate, _decider, _lead = suspended()
    appeal = lodged(decision)
    member = factories.user("committee", name="Panel Member")
    services.appoint_panel(factories.user("planner"), appeal, [member.id], TODAY)
    _db.session.commit()
    login_as(member)
    page = text(client.get(f"/appeals/{appeal.id}"))
    assert "Record the panel's decision" in page and "Stays in force during the appeal" in page
    client.post(f"/appeals/{appeal.id}/stay", data={"reason": "The e-mails are convincing."})
    page = text(client.get(f"/appeals/{appeal.id}"))
    assert "Suspended until the panel decides: The e-mails are convincing." in page
    response = client.post(
        f"/appeals/{appeal.id}/decide",
        data={"outcome": "upheld", "reasons": "The date was agreed.", "answer": "Upheld."},
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Appeal, appeal.id).state == "upheld"
    assert certificate.state == "active"
    login_as("client", organisation=decision.organisation)
    page = text(client.get(f"/appeals/{appeal.id}"))
    assert "The certificate is restored" in page and "Upheld." in page
    pdf = client.get(f"/appeals/{appeal.id}/answer.pdf")
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"Answer to appeal {appeal.number}" in words and "The date was agreed." in words


def test_someone_off_the_panel_cannot_decide(client, db, login_as):
    decision, *_rest = suspended()
    appeal = lodged(decision)
    services.appoint_panel(
        factories.user("planner"), appeal, [factories.user("committee").id], TODAY
    )
    _db.session.commit()
    login_as("committee")
    before = snapshot(_db)
    response = client.post(
        f"/appeals/{appeal.id}/decide", data={"outcome": "upheld", "reasons": "x", "answer": "y"}
    )
    assert response.status_code == 403
    assert snapshot(_db) == before
