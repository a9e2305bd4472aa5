"""Accreditations over HTTP: the admin records them; the certificate, the verification page, the
API and the exports then say the same about each certificate."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from certification.accreditations.models import Accreditation
from certification.extensions import db
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = date.today()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_admin_records_an_accreditation_with_its_mark(client, login_as):
    login_as("admin")
    assert "Accreditations: which certificates are accredited" in text(
        client.get("/admin/settings")
    )
    form = {
        "accreditation_body": "TÜRKAK",
        "number": "AB-0123-MS",
        "schemes": ["iso10002:2018"],
        "sectors": "29, 40",
        "valid_from": "2025-01-01",
        "valid_until": "2028-12-31",
    }
    response = client.post("/admin/accreditations/new", data=form)
    assert response.status_code == 400 and "IAF sectors" in text(response)
    assert db.session.scalar(select(Accreditation)) is None
    form["sectors"] = "29, 32"
    form["mark"] = (io.BytesIO(PNG), "turkak.png")
    response = client.post(
        "/admin/accreditations/new", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    saved = db.session.scalar(select(Accreditation))
    assert (saved.schemes, saved.sectors) == (["iso10002:2018"], ["29", "32"])
    page = text(client.get("/admin/accreditations/"))
    assert "TÜRKAK" in page and "IAF 32: Financial intermediation" in page
    mark = client.get(f"/admin/accreditations/{saved.id}/mark")
    assert mark.data == PNG
    mark.close()


def granted(sector: str):
    """A certificate granted through the committee's decision, today."""
    from tests.web.test_decisions import submitted

    org = factories.organisation(sector_code=sector)
    audit = submitted(org=org)
    member = factories.committee_member()  # 17021-1 7.2: competence recorded
    from certification.decisions.services import decide

    decide(member, audit, outcome="grant", reasons="OK", today=TODAY)
    db.session.commit()
    from certification.certificates.models import Certificate

    return db.session.scalar(select(Certificate).where(Certificate.organisation_id == org.id))


def test_the_certificate_page_the_verify_page_the_api_and_the_exports_agree(client, login_as):
    db.session.add(
        Accreditation(
            accreditation_body="TÜRKAK",
            number="AB-0123-MS",
            schemes=["iso10002:2018"],
            sectors=["29"],
            valid_from=TODAY - timedelta(days=400),
        )
    )
    db.session.commit()
    inside, outside = granted("29"), granted("35")
    assert inside.accredited and not outside.accredited
    for cert, accredited in ((inside, True), (outside, False)):
        api = client.get(f"/api/v1/certificates/{cert.number}").json
        page = text(client.get(f"/verify/{cert.token}"))
        if accredited:
            assert api["accreditation"] == {"body": "TÜRKAK", "number": "AB-0123-MS"}
            assert "Accredited by TÜRKAK, number AB-0123-MS" in page
        else:
            assert api["accreditation"] is None
            assert "TÜRKAK" not in page and "Accredited" not in page
    login_as("planner")
    assert "Accredited by TÜRKAK" in text(client.get(f"/certificates/{inside.id}"))
    assert "Not accredited" in text(client.get(f"/certificates/{outside.id}"))
    book = load_workbook(io.BytesIO(client.get("/exports/certsearch.xlsx").data))
    sheet = book["Certification"]
    header = [c.value for c in sheet[1]]
    status = {
        row[header.index("Certificate Number")]: row[header.index("Accreditation Status")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert status == {inside.number: "Accredited", outside.number: "Unaccredited"}
