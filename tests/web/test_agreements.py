"""The certification agreement over HTTP: accepted with the first quote or in the portal, shown
to the committee, published in versions; the mark files for certified clients."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
from sqlalchemy import func, select

from certification.agreements.models import AgreementAcceptance, AgreementVersion, MarkFile
from certification.certificates.models import Certificate
from certification.extensions import db
from certification.quotes.models import Quote
from tests import factories

TODAY = date.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def text(response) -> str:
    return response.get_data(as_text=True)


def issued_quote():
    from certification.models_base import utcnow

    application = factories.application(
        state="approved", reviewed_by_id=factories.user("planner").id, reviewed_at=utcnow()
    )
    quote = factories.quote(
        application, state="issued", issued_on=TODAY, valid_until=TODAY + timedelta(days=30)
    )
    client_user = factories.user("client", organisation=quote.organisation)
    db.session.commit()
    return quote, client_user


def test_a_client_accepts_its_first_quote_with_the_agreement(client, login_as):
    quote, client_user = issued_quote()
    login_as(client_user)
    page = text(client.get(f"/quotes/{quote.id}"))
    assert "I accept the certification agreement, version 1" in page
    response = client.post(f"/quotes/{quote.id}/accept", data={"note": ""})
    assert response.status_code == 400
    assert "ISO/IEC 17021-1 5.1.2" in text(response)
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).state == "issued"

    response = client.post(
        f"/quotes/{quote.id}/accept",
        data={"note": "", "agreement": "yes", "agreement_version": "1"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 302
    acceptance = db.session.scalar(select(AgreementAcceptance))
    assert (acceptance.accepted_by_id, acceptance.address) == (client_user.id, "203.0.113.9")
    assert acceptance.version.version == 1 and acceptance.quote_id == quote.id
    page = text(client.get("/portal/"))
    assert "Version 1 accepted on" in page


def test_the_portal_page_accepts_and_the_committee_sees_who_when_and_where(client, login_as):
    org = factories.organisation()
    client_user = factories.user("client", organisation=org, name="Zeynep Client")
    db.session.commit()
    login_as(client_user)
    page = text(client.get("/portal/agreement"))
    assert "Certification agreement, version 1" in page and "Rules for using" in page
    assert "can be downloaded while your certificate is active" in page
    client.post("/portal/agreement/accept", data={"version": "1"})  # box not ticked
    assert db.session.scalar(select(func.count(AgreementAcceptance.id))) == 0
    client.post(
        "/portal/agreement/accept",
        data={"version": "1", "agreement": "yes"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert db.session.scalar(select(func.count(AgreementAcceptance.id))) == 1

    from tests.web.test_decisions import submitted

    audit = submitted(org=org)
    login_as("committee")
    page = text(client.get(f"/decisions/audits/{audit.id}"))
    assert "Version 1, accepted by Zeynep Client on" in page and "198.51.100.4" in page


def test_the_admin_publishes_a_new_version_and_the_pdf_says_which(client, login_as):
    login_as("admin")
    assert "Certification agreement" in text(client.get("/admin/settings"))
    page = text(client.get("/admin/agreement"))
    assert "Published: version 1" in page
    form = {
        "text_en": "Agreement v2 text.",
        "rules_en": "Use the mark with care.",
        "text_tr": "Sözleşme 2.",
        "rules_tr": "",
    }
    assert client.post("/admin/agreement", data=form).status_code == 302
    assert db.session.scalar(select(func.max(AgreementVersion.version))) == 2
    assert client.post("/admin/agreement", data=form).status_code == 400  # nothing changed
    body = client.get("/agreement.pdf").data
    words = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "version 2" in words and "Agreement v2 text." in words


def test_mark_files_are_for_clients_with_an_active_certificate(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/marks",
        data={"file": (io.BytesIO(PNG), "mark.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    mark = db.session.scalar(select(MarkFile))
    refused = client.post(
        "/admin/marks",
        data={"file": (io.BytesIO(b"MZ..."), "x.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 302 and db.session.scalar(select(func.count(MarkFile.id))) == 1

    org = factories.organisation()
    client_user = factories.user("client", organisation=org)
    db.session.commit()
    login_as(client_user)
    assert client.get(f"/marks/{mark.id}").status_code == 403
    assert client.get("/marks/mark.svg").status_code == 403
    cycle = factories.cycle(factories.quote(factories.application(org)))
    db.session.add(
        Certificate(
            number="MK-1",
            token="mk-1",
            organisation_id=org.id,
            cycle_id=cycle.id,
            scheme="iso10002",
            edition="2018",
            scope="S",
            issued_on=TODAY,
            original_issued_on=TODAY,
            expires_on=TODAY + timedelta(days=1000),
        )
    )
    db.session.commit()
    response = client.get(f"/marks/{mark.id}")
    assert response.data == PNG
    response.close()
    assert b"<svg" in client.get("/marks/mark.svg").data
    assert "mark.png" in text(client.get("/portal/agreement"))
