"""Transfer pages: the planner records an application from the organisation page (refused with
the IAF MD 2 reason when it cannot transfer), the client applies in the portal, the review and
the committee's decision."""

from __future__ import annotations

import html
from datetime import date, timedelta

from sqlalchemy import select

from certification.extensions import db as _db
from certification.transfers.models import Transfer
from tests import factories
from tests.services.test_transfers import REVIEW, contracted
from tests.web.test_access_matrix import snapshot


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def form(organisation, **kw) -> dict:
    today = date.today()
    data = {
        "issuing_body": "Örnek Belgelendirme A.Ş.",
        "accreditation_body": "TURKAK",
        "accreditation_number": "AB-0123-S",
        "certificate_number": "OB-10002-0042",
        "certificate_status": "active",
        "issued_on": (today - timedelta(days=300)).isoformat(),
        "original_issued_on": (today - timedelta(days=1400)).isoformat(),
        "expires_on": (today + timedelta(days=700)).isoformat(),
        "last_audit_kind": "surveillance1",
        "last_audit_on": (today - timedelta(days=30)).isoformat(),
        "open_nonconformities": "",
        "complaints": "",
        "scheme": "iso10002:2018",
        "scope": "Handling of customer complaints for retail services",
        "sites": [s.id for s in organisation.sites],
    }
    data.update(kw)
    return data


def test_the_planner_records_a_transfer_from_the_organisation_page(client, db, login_as):
    organisation = factories.organisation()
    _db.session.commit()
    login_as("planner")
    page = text(client.get(f"/organisations/{organisation.id}"))
    assert "Apply to transfer a certificate" in page
    before = snapshot(_db)
    refused = client.post(
        f"/transfers/new/{organisation.id}", data=form(organisation, accreditation_body="OTHER")
    )
    assert refused.status_code == 400 and "signatory of the IAF MLA" in text(refused)
    suspended = client.post(
        f"/transfers/new/{organisation.id}", data=form(organisation, certificate_status="suspended")
    )
    assert "a suspended certificate cannot be transferred" in text(suspended)
    assert snapshot(_db) == before
    response = client.post(f"/transfers/new/{organisation.id}", data=form(organisation))
    assert response.status_code == 302
    transfer = _db.session.scalars(select(Transfer)).one()
    page = text(client.get(f"/transfers/{transfer.id}"))
    assert "OB-10002-0042" in page and "Our programme continues with" in page
    assert "Surveillance 2" in page and "Record the pre-transfer review" in page


def test_the_client_applies_in_the_portal(client, db, login_as):
    user = login_as("client")
    assert "Apply to transfer a certificate" in text(client.get("/portal/"))
    data = form(user.organisation)
    data["documents"] = []
    response = client.post("/transfers/apply", data=data)
    assert response.status_code == 400  # a client sends the certificate and the last reports
    assert "Attach at least one document" in text(response)


def test_review_then_the_committee_grants(client, db, login_as):
    organisation = factories.organisation()
    _db.session.commit()
    login_as("planner")
    client.post(f"/transfers/new/{organisation.id}", data=form(organisation))
    transfer = _db.session.scalars(select(Transfer)).one()
    login_as("auditor")
    review = {k: "y" if v is True else v for k, v in REVIEW.items()}
    review["recommended"] = "yes"
    response = client.post(f"/transfers/{transfer.id}/review", data=review)
    assert response.status_code == 302
    contracted(transfer)
    _db.session.commit()
    login_as("committee")
    page = text(client.get(f"/transfers/{transfer.id}"))
    assert "Grant the transfer" in page
    response = client.post(
        f"/transfers/{transfer.id}/decide", data={"outcome": "grant", "reasons": "Clean review."}
    )
    assert response.status_code == 302
    _db.session.expire_all()
    transfer = _db.session.get(Transfer, transfer.id)
    assert transfer.state == "transferred"
    page = text(client.get(f"/transfers/{transfer.id}"))
    assert f"Our certificate {transfer.certificate.number}" in page
