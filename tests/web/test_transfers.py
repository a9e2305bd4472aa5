"""Transfer pages: the planner records an application from the organisation page (refused with
the IAF MD 2 reason when it cannot transfer), the client applies in the portal, the review and
the committee's decision."""

from __future__ import annotations

import html
from datetime import date, timedelta

from sqlalchemy import select

from certification.extensions import db as _db
from certification.transfers.models import Transfer
from certification.workflow import certificate_expiry, renewed_expiry
from tests import factories
from tests.services.test_transfers import REVIEW, SCOPE, contracted
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


def _received(client, login_as, **kw):
    organisation = factories.organisation()
    _db.session.commit()
    login_as("planner")
    response = client.post(f"/transfers/new/{organisation.id}", data=form(organisation, **kw))
    assert response.status_code == 302
    return _db.session.scalars(select(Transfer)).one()


def test_the_reviewer_records_the_certified_scope_and_a_wider_one_is_flagged(client, db, login_as):
    """IAF MD 2: the same scope. The client asked for more than the other body certified; the
    reviewer copies the certificate's scope, the page shows both and our certificate carries
    the certified one."""
    transfer = _received(client, login_as, scope=f"{SCOPE} and online sales")
    login_as("auditor")
    page = text(client.get(f"/transfers/{transfer.id}"))
    assert "Scope on the other body's certificate" in page
    review = {k: "y" if v is True else v for k, v in REVIEW.items()}
    review["recommended"] = "yes"
    refused = client.post(
        f"/transfers/{transfer.id}/review", data={**review, "certified_scope": ""}
    )
    assert refused.status_code == 400
    assert "copy the scope from the other body's certificate" in text(refused)
    _db.session.expire_all()
    assert _db.session.get(Transfer, transfer.id).state == "received"
    response = client.post(f"/transfers/{transfer.id}/review", data=review)
    assert response.status_code == 302
    page = text(client.get(f"/transfers/{transfer.id}"))
    assert f"{SCOPE} and online sales" in page  # as the application states it
    assert "the scope on the other body's certificate differs" in page
    assert "a wider scope needs a scope-extension audit after the transfer" in page
    contracted(_db.session.get(Transfer, transfer.id))
    _db.session.commit()
    login_as("committee")
    client.post(f"/transfers/{transfer.id}/decide", data={"outcome": "grant", "reasons": "Clean."})
    _db.session.expire_all()
    assert _db.session.get(Transfer, transfer.id).certificate.scope == SCOPE


def test_a_transfer_reviewed_before_the_scope_was_recorded_says_so(client, db, login_as):
    """Transfers reviewed before the migration have no certified scope: the page says that the
    certificate carries the scope stated in the application."""
    transfer = _received(client, login_as)
    login_as("auditor")
    review = {k: "y" if v is True else v for k, v in REVIEW.items()}
    client.post(f"/transfers/{transfer.id}/review", data={**review, "recommended": "yes"})
    _db.session.expire_all()
    transfer = _db.session.get(Transfer, transfer.id)
    transfer.certified_scope = None  # as the migration leaves them
    _db.session.commit()
    page = text(client.get(f"/transfers/{transfer.id}"))
    assert "Not recorded at the review; our certificate carries the scope stated" in page
    assert "differs" not in page


def test_a_member_without_recorded_competence_sees_why_and_cannot_decide(client, db, login_as):
    transfer = _received(client, login_as)
    login_as("auditor")
    review = {k: "y" if v is True else v for k, v in REVIEW.items()}
    client.post(f"/transfers/{transfer.id}/review", data={**review, "recommended": "yes"})
    _db.session.expire_all()
    contracted(_db.session.get(Transfer, transfer.id))
    _db.session.commit()
    login_as(factories.user("committee", name="New Member"))
    page = text(client.get(f"/transfers/{transfer.id}"))
    assert "You cannot decide on this transfer." in page
    assert "New Member has no recorded competence as a certification committee member" in page
    assert "Record the decision" not in page
    response = client.post(
        f"/transfers/{transfer.id}/decide", data={"outcome": "grant", "reasons": "Fine."}
    )
    assert response.status_code == 400
    assert "has no recorded competence" in text(response)
    _db.session.expire_all()
    transfer = _db.session.get(Transfer, transfer.id)
    assert transfer.state == "reviewed" and transfer.certificate_id is None


def test_a_certificate_recertified_early_is_received(client, db, login_as):
    """Recertified and issued two months before the old expiry: the new expiry (the old one + 3
    years, as workflow.renewed_expiry counts it) is more than three years after the issue; a
    few days past that end of a cycle is refused."""
    organisation = factories.organisation()
    _db.session.commit()
    login_as("planner")
    original = date.today() - timedelta(days=1070)  # the old expiry is about 25 days ahead
    old_expiry = certificate_expiry(original)
    expires = renewed_expiry(old_expiry, original)
    issued = old_expiry - timedelta(days=60)
    dates = {
        "original_issued_on": original.isoformat(),
        "issued_on": issued.isoformat(),
        "last_audit_kind": "recertification",
        "last_audit_on": (issued - timedelta(days=20)).isoformat(),
    }
    refused = client.post(
        f"/transfers/new/{organisation.id}",
        data=form(organisation, expires_on=(expires + timedelta(days=3)).isoformat(), **dates),
    )
    assert refused.status_code == 400
    assert "the certificate's dates do not fit a three-year cycle" in text(refused)
    response = client.post(
        f"/transfers/new/{organisation.id}",
        data=form(organisation, expires_on=expires.isoformat(), **dates),
    )
    assert response.status_code == 302
    transfer = _db.session.scalars(select(Transfer)).one()
    assert transfer.expires_on == expires
