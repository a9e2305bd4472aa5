"""Quotes over HTTP: the planner prepares and sends, the client answers, strangers are refused."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import func, select

from certification.programme.models import Cycle
from certification.quotes.models import Quote
from tests import factories
from tests.sql_counting import counting_queries


def approved_application(org=None):
    reviewer = factories.user("planner")
    return factories.application(
        org,
        state="approved",
        competence_confirmed=True,
        reviewed_by_id=reviewer.id,
        reviewed_at=datetime.now(UTC),
    )


def sent_quote(org=None, issued_on: date | None = None, **kw) -> Quote:
    """An issued quote, as the planner would have sent it; valid 30 days."""
    issued_on = issued_on or date.today()
    return factories.quote(
        approved_application(org),
        state="issued",
        issued_on=issued_on,
        valid_until=issued_on + timedelta(days=30),
        application_fee=Decimal("250"),
        certificate_fee=Decimal("300"),
        **kw,
    )


def text(response) -> str:
    return response.get_data(as_text=True)


def reload(db, obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# -- the planner ----------------------------------------------------------------------------


def test_planner_prepares_a_quote_and_sends_it(client, db, login_as):
    login_as("planner")
    application = approved_application(factories.organisation(effective_personnel=40))
    db.session.commit()

    form = client.get(f"/quotes/new/{application.id}")
    assert form.status_code == 200 and "4 auditor-days" in text(form)

    response = client.post(
        f"/quotes/new/{application.id}",
        data={"adjust_percent": "0", "justification": "", "currency": "EUR", "notes": ""},
        follow_redirects=True,
    )
    page = text(response)
    number = f"Q-{date.today().year}-0001"
    assert f"Quote {number} was prepared as a draft." in page
    assert "€4,350.00" in page and "Draft" in page

    quote = db.session.scalar(select(Quote).where(Quote.number == number))
    page = text(client.post(f"/quotes/{quote.id}/issue", follow_redirects=True))
    assert "was sent to the client. It is valid until" in page
    quote = reload(db, quote)
    assert quote.state == "issued"
    assert quote.valid_until == date.today() + timedelta(days=30)


def test_a_reduction_beyond_30_percent_is_refused_on_the_form(client, db, login_as):
    login_as("planner")
    application = approved_application()
    db.session.commit()

    response = client.post(
        f"/quotes/new/{application.id}",
        data={"adjust_percent": "-35", "justification": "Tiny office.", "currency": "EUR"},
    )

    assert response.status_code == 200
    assert "A reduction can be at most 30% of the table time (IAF MD 5)." in text(response)
    assert db.session.scalar(select(func.count(Quote.id))) == 0


def test_staff_recording_a_rejection_must_give_a_note(client, db, login_as):
    login_as("planner")
    quote = sent_quote()
    db.session.commit()

    response = client.post(f"/quotes/{quote.id}/reject", data={"note": ""})

    assert response.status_code == 400
    assert "Say how the client answered" in text(response)
    assert reload(db, quote).state == "issued"

    client.post(f"/quotes/{quote.id}/reject", data={"note": "Declined by phone on Monday."})
    quote = reload(db, quote)
    assert quote.state == "rejected" and quote.decision_note == "Declined by phone on Monday."


def test_planner_withdraws_a_draft(client, db, login_as):
    login_as("planner")
    quote = factories.quote(approved_application())
    db.session.commit()

    page = text(
        client.post(
            f"/quotes/{quote.id}/withdraw", data={"reason": "Wrong sites."}, follow_redirects=True
        )
    )

    assert "was withdrawn" in page
    assert reload(db, quote).state == "withdrawn"


def prepared_draft(client, login_as, notes=""):
    login_as("planner")
    application = approved_application(factories.organisation(effective_personnel=40))
    factories.db.session.commit()
    client.post(
        f"/quotes/new/{application.id}",
        data={"adjust_percent": "0", "justification": "", "currency": "EUR", "notes": notes},
    )
    return factories.db.session.scalar(select(Quote).where(Quote.application_id == application.id))


def test_a_draft_looks_like_a_draft(client, db, login_as):
    quote = prepared_draft(client, login_as)
    page = text(client.get(f"/quotes/{quote.id}"))
    assert '<span class="draft-mark">DRAFT</span>' in page
    assert "Valid until" not in page and "Not sent yet" in page
    assert "Download the draft (PDF)" in page and "Change the draft" in page
    pdf = client.get(f"/quotes/{quote.id}.pdf").data
    assert "DRAFT" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    client.post(f"/quotes/{quote.id}/issue")
    page = text(client.get(f"/quotes/{quote.id}"))
    assert "draft-mark" not in page and "Valid until" in page and "Change the draft" not in page
    pdf = client.get(f"/quotes/{quote.id}.pdf").data
    assert "DRAFT" not in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_planner_changes_a_draft_and_the_change_is_logged(client, db, login_as):
    quote = prepared_draft(client, login_as, notes="Prices without travel.")
    form = text(client.get(f"/quotes/{quote.id}/edit"))
    assert f"Change the draft quote {quote.number}" in form
    assert "Prices without travel.</textarea>" in form  # what the draft holds, to change
    page = text(
        client.post(
            f"/quotes/{quote.id}/edit",
            data={
                "adjust_percent": "-20",
                "justification": "One complaints desk for the whole company.",
                "currency": "EUR",
                "notes": "Travel included.",
            },
            follow_redirects=True,
        )
    )
    assert f"The draft quote {quote.number} was changed." in page
    assert "One complaints desk for the whole company." in page and "Travel included." in page
    quote = reload(db, quote)
    assert (quote.adjustment_percent, quote.initial_days, quote.state) == (-20, 3, "draft")
    history = page[page.index("Draft quote changed") :]  # the quote's history names the change
    assert "EUR → " in history[:400]


def test_a_change_without_justification_is_refused_and_changes_nothing(client, db, login_as):
    quote = prepared_draft(client, login_as)
    before = (quote.adjustment_percent, quote.total, quote.notes)
    response = client.post(
        f"/quotes/{quote.id}/edit",
        data={"adjust_percent": "-20", "justification": "", "currency": "EUR", "notes": "X"},
    )
    assert response.status_code == 200
    assert "justif" in text(response).lower()
    quote = reload(db, quote)
    assert (quote.adjustment_percent, quote.total, quote.notes) == before


def test_a_sent_quote_cannot_be_changed(client, db, login_as):
    login_as("planner")
    quote = sent_quote()
    db.session.commit()
    total = quote.total
    page = text(
        client.post(
            f"/quotes/{quote.id}/edit",
            data={"adjust_percent": "10", "justification": "More", "currency": "EUR"},
            follow_redirects=True,
        )
    )
    assert "Only a draft quote can be changed." in page
    assert reload(db, quote).total == total


def test_the_list_filters_by_state_and_shows_expired_ones(client, db, login_as):
    login_as("planner")
    sent_quote(factories.organisation(legal_name="Alfa Sigorta A.Ş."))
    stale = sent_quote(
        factories.organisation(legal_name="Beta Enerji Ltd."),
        issued_on=date.today() - timedelta(days=40),
    )
    factories.quote(approved_application(factories.organisation(legal_name="Gama Ltd.")))
    db.session.commit()

    page = text(client.get("/quotes/?state=issued"))
    assert "Alfa Sigorta A.Ş." in page and "Beta Enerji Ltd." in page
    assert "Gama Ltd." not in page
    row = page[page.index(stale.number) :]
    assert "Expired" in row[: row.index("</tr>")]
    assert "Gama Ltd." in text(client.get("/quotes/"))


def test_the_list_makes_the_same_number_of_queries_for_more_quotes(client, db, login_as):
    login_as("planner")
    sent_quote()
    db.session.commit()
    with counting_queries(db) as few:
        assert client.get("/quotes/").status_code == 200
    for _ in range(5):
        sent_quote()
    db.session.commit()
    with counting_queries(db) as many:
        assert client.get("/quotes/").status_code == 200

    assert len(many) == len(few)


# -- the client -----------------------------------------------------------------------------


def test_client_sees_the_quote_in_the_portal_and_accepts(client, db, login_as):
    quote = sent_quote()
    login_as("client", organisation=quote.organisation)

    portal = text(client.get("/portal/"))
    assert quote.number in portal and f"/quotes/{quote.id}" in portal
    page = text(client.get(f"/quotes/{quote.id}"))
    assert "By accepting you agree to the audit programme and the price above" in page
    assert "€4,350.00" in page

    form = {"note": "", "agreement": "yes", "agreement_version": "1"}
    page = text(client.post(f"/quotes/{quote.id}/accept", data=form, follow_redirects=True))

    assert "The quote was accepted." in page
    quote = reload(db, quote)
    assert quote.state == "accepted" and quote.application.state == "contracted"
    assert db.session.scalar(select(Cycle).where(Cycle.quote_id == quote.id)) is not None
    assert "The three-year audit programme was created from this quote." in page


def test_client_cannot_accept_an_expired_quote(client, db, login_as):
    quote = sent_quote(issued_on=date.today() - timedelta(days=31))
    login_as("client", organisation=quote.organisation)

    assert "This quote expired on" in text(client.get(f"/quotes/{quote.id}"))
    page = text(client.post(f"/quotes/{quote.id}/accept", data={}, follow_redirects=True))

    assert "This quote expired on" in page
    quote = reload(db, quote)
    assert quote.state == "expired"  # the sweep's work is kept
    assert quote.application.state == "approved"


def test_client_downloads_the_pdf(client, db, login_as):
    quote = sent_quote(factories.organisation(legal_name="შპს ქართული სერვისი"))
    login_as("client", organisation=quote.organisation)

    response = client.get(f"/quotes/{quote.id}.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf_text = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert quote.number in pdf_text and "შპს ქართული სერვისი" in pdf_text


def test_client_of_another_organisation_is_refused(client, db, login_as):
    quote = sent_quote()
    login_as("client")  # of a new organisation of its own

    for url in (f"/quotes/{quote.id}", f"/quotes/{quote.id}.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/quotes/{quote.id}/accept", data={}).status_code == 404
    assert client.post(f"/quotes/{quote.id}/reject", data={}).status_code == 404
    assert reload(db, quote).state == "issued"


def test_a_draft_is_invisible_to_the_client(client, db, login_as):
    quote = factories.quote(approved_application())
    login_as("client", organisation=quote.organisation)

    assert client.get(f"/quotes/{quote.id}").status_code == 404
    assert client.get(f"/quotes/{quote.id}.pdf").status_code == 404
    assert quote.number not in text(client.get("/portal/"))


@pytest.mark.parametrize("role", ["auditor", "client"])
def test_staff_pages_are_refused_to_others(client, db, login_as, role):
    application = approved_application()
    quote = sent_quote()
    login_as(role)

    assert client.get("/quotes/").status_code == 403
    assert client.get(f"/quotes/new/{application.id}").status_code == 403
    assert client.post(f"/quotes/{quote.id}/issue").status_code == 403
    assert client.post(f"/quotes/{quote.id}/withdraw", data={}).status_code == 403


def test_committee_reads_a_quote_but_cannot_answer_it(client, db, login_as):
    quote = sent_quote()
    login_as("committee")

    page = text(client.get(f"/quotes/{quote.id}"))
    assert quote.number in page and "Record acceptance" not in page
    assert client.post(f"/quotes/{quote.id}/accept", data={"note": "x"}).status_code == 403


def test_unknown_quote_is_not_found(client, db, login_as):
    login_as("planner")

    assert client.get("/quotes/999999").status_code == 404
    assert client.get("/quotes/999999.pdf").status_code == 404


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("tr", "Teklif"),
        ("ru", "Коммерческое предложение"),
        ("ka", "კომერციული შეთავაზება"),
        ("vi", "Báo giá"),
    ],
)
def test_the_pdf_speaks_the_clients_preferred_language(client, db, login_as, language, title):
    """Issue 13: the quote's fixed texts follow the organisation's preferred language, whoever
    downloads it (here a planner whose interface is English)."""
    quote = sent_quote(factories.organisation(preferred_language=language))
    login_as("planner")

    response = client.get(f"/quotes/{quote.id}.pdf")

    pdf_text = " ".join(pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert f"{title} {quote.number}" in pdf_text
    assert f"Quote {quote.number}" not in pdf_text
