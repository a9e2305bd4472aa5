"""Complaint pages: the public form and private tracking page, staff handling, the client's
portal, the audit file, the overdue list, and the management-review page and PDF."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from certification.complaints import closing, services
from certification.complaints.models import Complaint
from certification.extensions import db as _db
from tests import factories
from tests.services.test_complaints import assess, filing, to_state
from tests.sql_counting import counting_queries
from tests.web.test_access_matrix import snapshot

FORM = {
    "complainant_name": "Мария Иванова",
    "email": "maria@example.test",
    "phone": "",
    "language": "en",
    "about": "body",
    "named_organisation": "",
    "category": "timeliness",
    "subject": "No answer to my letter",
    "description": "I wrote on 3 March and nobody answered.",
}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def form_key(page: str) -> str:
    return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)


def received(today=None, **kw) -> Complaint:
    complaint = services.receive_complaint(
        None, filing(**kw), channel="web", today=today or date.today()
    )
    _db.session.commit()
    return complaint


def test_a_stranger_files_a_complaint_and_follows_it_by_its_link(client, db):
    page = text(client.get("/complaints/new"))
    assert "Make a complaint" in page and "working days" in page
    response = client.post("/complaints/new", data={**FORM, "submission_key": form_key(page)})
    assert response.status_code == 302
    complaint = _db.session.scalars(select(Complaint)).one()
    assert response.headers["Location"].endswith(f"/complaints/track/{complaint.token}")
    tracking = client.get(f"/complaints/track/{complaint.token}")
    assert tracking.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in tracking.headers["X-Robots-Tag"]
    body = text(tracking)
    assert complaint.number in body and "No answer to my letter" in body
    assert "Received" in body and "Acknowledgement by" in body


def test_an_unknown_tracking_link_is_not_found(client, db):
    received()
    assert client.get("/complaints/track/not-a-real-token").status_code == 404
    assert client.post("/complaints/track/nope/rate", data={"score": 5}).status_code == 404


def test_a_double_submit_of_the_public_form_makes_one_complaint(client, db):
    key = form_key(text(client.get("/complaints/new")))
    first = client.post("/complaints/new", data={**FORM, "submission_key": key})
    second = client.post("/complaints/new", data={**FORM, "submission_key": key})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _db.session.scalar(select(func.count(Complaint.id))) == 1


def test_the_public_form_refuses_bad_input_and_stores_nothing(client, db):
    before = snapshot(_db)
    no_contact = text(client.post("/complaints/new", data={**FORM, "email": "", "phone": ""}))
    assert "Give an e-mail address or a telephone number" in no_contact
    about_client = text(client.post("/complaints/new", data={**FORM, "about": "client"}))
    assert "Name the certified organisation" in about_client
    bad_file = client.post(
        "/complaints/new",
        data={**FORM, "attachments": [(io.BytesIO(b"MZ"), "tool.exe")]},
        content_type="multipart/form-data",
    )
    assert "is not an accepted type" in text(bad_file)
    assert snapshot(_db) == before


def test_the_complainant_replies_and_rates_through_the_link(client, db):
    complaint, _people = to_state("answered", received())
    _db.session.commit()
    url = f"/complaints/track/{complaint.token}"
    page = text(client.get(url))
    assert "We apologise." in page and "Do you accept this outcome?" in page
    refused = client.post(f"{url}/reply", data={"accepted": "no", "comment": ""})
    assert refused.status_code == 400
    client.post(f"{url}/reply", data={"accepted": "no", "comment": "Not enough."})
    page = text(client.get(url))
    assert "You did not accept the outcome" in page and "internal appeal" in page
    assert "How did we handle" not in page  # rated only once closed
    _db.session.expire_all()
    assert _db.session.get(Complaint, complaint.id).state == "in_recourse"


def test_the_complainant_rates_once(client, db):
    complaint, _people = to_state("answered", received())
    closing.reply(None, complaint, True, "", date.today())
    _db.session.commit()
    url = f"/complaints/track/{complaint.token}"
    assert "How did we handle your complaint?" in text(client.get(url))
    client.post(f"{url}/rate", data={"score": "4", "comment": "Fair."})
    assert "You rated the handling 4 out of 5" in text(client.get(url))
    again = client.post(f"{url}/rate", data={"score": "1"})
    assert again.status_code == 400 and "already rated" in text(again)


def test_staff_record_a_letter_and_acknowledge_it(client, db, login_as):
    login_as("planner")
    page = text(client.get("/complaints/record"))
    data = {
        **FORM,
        "submission_key": form_key(page),
        "channel": "letter",
        "received_on": (date.today() - timedelta(days=2)).isoformat(),
    }
    response = client.post("/complaints/record", data=data)
    assert response.status_code == 302
    complaint = _db.session.scalars(select(Complaint)).one()
    assert complaint.channel == "letter" and complaint.received_on == date.fromisoformat(
        data["received_on"]
    )
    page = text(client.get(f"/complaints/{complaint.id}"))
    assert "Мария Иванова" in page and "Acknowledge (ISO 10002 7.4)" in page
    client.post(f"/complaints/{complaint.id}/acknowledge", data={"message": "We have it."})
    _db.session.expire_all()
    assert _db.session.get(Complaint, complaint.id).state == "acknowledged"


def test_the_identity_is_hidden_from_staff_not_handling_it(client, db, login_as):
    complaint = received(complainant_name="Гражданин Тайный")
    login_as("committee")
    page = text(client.get(f"/complaints/{complaint.id}"))
    assert "Гражданин Тайный" not in page and "maria@example" not in page
    assert "Confidential: the complainant's identity is shown only" in page


def test_an_involved_investigator_is_refused_on_the_page_with_the_reason(client, db, login_as):
    complaint, people = to_state("acknowledged", received())
    auditor = factories.user("auditor", name="Elena Petrova")
    assess(
        people["planner"],
        complaint,
        "personnel",
        today=date.today(),
        involved=[(auditor.id, "the auditor complained about")],
    )
    _db.session.commit()
    login_as(people["planner"])
    before = snapshot(_db)
    response = client.post(
        f"/complaints/{complaint.id}/assign", data={"investigator_id": auditor.id}
    )
    assert response.status_code == 400
    assert "Elena Petrova is involved in the matter complained about" in text(response)
    assert snapshot(_db) == before


def test_an_investigator_sees_only_their_complaints(client, db, login_as):
    mine, people = to_state("investigating", received(subject="Mine to investigate"))
    received(subject="Someone else's")
    _db.session.commit()
    login_as(people["investigator"])
    page = text(client.get("/complaints/"))
    assert "Mine to investigate" in page and "Someone else's" not in page
    page = text(client.get(f"/complaints/{mine.id}"))
    assert "Investigation and proposed decision" in page


def test_the_overdue_list(client, db, login_as):
    old = received(today=date.today() - timedelta(days=30), subject="Waiting too long")
    received(subject="Just arrived")
    login_as("planner")
    page = text(client.get("/complaints/due"))
    assert "Waiting too long" in page and "Overdue by" in page
    assert "Just arrived" not in page
    assert old.number in text(client.get("/complaints/"))


def test_a_client_complains_in_the_portal(client, db, login_as):
    user = login_as("client")
    assert "Make a complaint about our work" in text(client.get("/portal/"))
    page = text(client.get("/complaints/client/new"))
    response = client.post(
        "/complaints/client/new",
        data={
            "submission_key": form_key(page),
            "category": "audit_conduct",
            "subject": "The audit report came late",
            "description": "Six weeks late.",
        },
    )
    assert response.status_code == 302
    complaint = _db.session.scalars(select(Complaint)).one()
    assert (complaint.channel, complaint.complainant_organisation_id) == (
        "portal",
        user.organisation_id,
    )
    assert complaint.complainant_name == user.name
    assert "The audit report came late" in text(client.get("/portal/"))


def test_the_client_complained_about_reads_it_and_answers(client, db, login_as):
    org = factories.organisation()
    complaint, people = to_state(
        "acknowledged", received(about="client", named_organisation="Shop", identity_shared=False)
    )
    assess(
        people["planner"], complaint, "certified_client", organisation_id=org.id, today=date.today()
    )
    _db.session.commit()
    login_as("client", organisation=org)
    portal = text(client.get("/portal/"))
    assert "Complaints about your organisation" in portal and "Your say is awaited" in portal
    page = text(client.get(f"/complaints/client/{complaint.id}"))
    assert "Ayşe" not in page and "Confidential" in page
    client.post(f"/complaints/client/{complaint.id}", data={"text": "We called the customer."})
    _db.session.expire_all()
    assert _db.session.get(Complaint, complaint.id).client_response == "We called the customer."


def test_complaints_about_a_client_show_in_its_next_audit(client, db, login_as):
    org = factories.organisation()
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(cycle, kind="surveillance1", state="planned")
    complaint, people = to_state("acknowledged", received(about="client", named_organisation="X"))
    assess(
        people["planner"], complaint, "certified_client", organisation_id=org.id, today=date.today()
    )
    _db.session.commit()
    login_as("planner")
    page = text(client.get(f"/programme/audits/{audit.id}"))
    assert "Complaints about this client to look at in the audit" in page
    assert complaint.number in page and "Ayşe" not in page
    assert complaint.number in text(client.get(f"/programme/cycles/{cycle.id}"))


def test_the_management_review_page_and_pdf(client, db, login_as):
    year = date.today().year
    first = received(today=date(year, 1, 5) if date.today() >= date(year, 1, 5) else None)
    complaint, _people = to_state("answered", first, today=first.received_on)
    closing.reply(None, complaint, True, "", first.received_on)
    closing.rate(complaint, 5, "")
    received(category="fees")
    login_as("committee")
    page = text(client.get(f"/complaints/review/?year={year}"))
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page
    assert 'role="img"' in page and "<table>" in page
    assert "Complaints received" in page and "Repeat complainants" in page
    assert "5.0 from 1 ratings" in page or "5 from 1 ratings" in page
    pdf = client.get(f"/complaints/review/{year}.pdf")
    assert pdf.mimetype == "application/pdf"
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"figures for {year}" in words and "Repeat complainants" in words
    assert "Fees and invoices" in words


def test_the_complaints_list_runs_a_fixed_number_of_queries(client, db, login_as):
    login_as("planner")
    for n in range(3):
        received(subject=f"Complaint {n}", about="client", named_organisation="X")
    with counting_queries(_db) as few:
        client.get("/complaints/")
    for n in range(12):
        received(subject=f"More {n}")
    with counting_queries(_db) as many:
        client.get("/complaints/")
    assert len(many) == len(few)
