"""A quote for several sites (IAF MD 1): the central function plus each sampled site, each from
its own personnel; a sampled site reduced at most 50% with a reason; shown per site."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from certification.extensions import db
from certification.organisations.models import Site
from certification.programme import renewal
from certification.programme.services import create_programme
from certification.quotes import services
from certification.quotes.models import Quote
from tests import factories

TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    with app.test_request_context():
        yield


def multi_site_application(personnel=1200, others=(("Rize", 210), ("Giresun", 180))):
    org = factories.organisation(effective_personnel=personnel)
    org.sites[0].personnel = personnel - sum(p for _n, p in others)
    for name, people in others:
        org.sites.append(Site(name=name, city=name, country="TR", personnel=people))
    db.session.flush()
    reviewer = factories.user("planner")
    return factories.application(
        org,
        state="approved",
        competence_confirmed=True,
        reviewed_by_id=reviewer.id,
        reviewed_at=datetime(2026, 11, 1, 12, tzinfo=UTC),
    )


def prepare(application, adjust=0, why="", site_reduction=0):
    return services.prepare_quote(
        factories.user("planner"),
        application,
        adjust,
        why,
        "EUR",
        "",
        today=TODAY,
        site_reduction_percent=site_reduction,
    )


def test_a_multi_site_quote_adds_the_central_function_and_each_sampled_site():
    quote = prepare(multi_site_application())
    # 3 sites: central 810 (12 days) + Rize 210 (9) + Giresun 180 (9); n = 2:
    # initial central + 2, surveillance central + 1, recertification central + 2.
    assert (quote.sites, quote.sample_initial, quote.sample_surveillance) == (3, 3, 2)
    assert quote.sample_recertification == 3
    assert [s["name"] for s in quote.site_times] == ["Head office", "Rize", "Giresun"]
    assert [s["personnel"] for s in quote.site_times] == [810, 210, 180]
    assert [s["initial_days"] for s in quote.site_times] == [12, 9, 9]
    assert quote.site_times[0]["central"] and not quote.site_times[1]["central"]
    assert quote.initial_days == Decimal("30")
    assert quote.surveillance_days == Decimal("7")  # 4 + 3
    assert quote.recertification_days == Decimal("20")  # 8 + 6 + 6
    assert quote.total == Decimal("30") * Decimal("950") + Decimal("250") + Decimal("300")


def test_a_sampled_site_reduction_needs_a_reason_and_stays_within_50_percent():
    application = multi_site_application()
    with pytest.raises(services.QuoteError) as refused:
        prepare(application, site_reduction=20)
    assert refused.value.field == "justification" and "IAF MD 1" in refused.value.message
    with pytest.raises(services.QuoteError) as refused:
        prepare(application, adjust=-10, why="Simple processes", site_reduction=45)
    assert "at most 50%" in refused.value.message
    assert db.session.scalar(select(func.count(Quote.id))) == 0
    quote = prepare(application, why="Same procedures at every depot", site_reduction=50)
    assert [s["initial_days"] for s in quote.site_times] == [12, 4.5, 4.5]
    assert quote.site_reduction_percent == Decimal("50")


def test_a_site_reduction_on_a_single_site_is_refused():
    org = factories.organisation()
    reviewer = factories.user("planner")
    application = factories.application(
        org,
        state="approved",
        competence_confirmed=True,
        reviewed_by_id=reviewer.id,
        reviewed_at=datetime(2026, 11, 1, 12, tzinfo=UTC),
    )
    with pytest.raises(services.QuoteError, match="several sites"):
        prepare(application, why="x", site_reduction=10)
    assert db.session.scalar(select(func.count(Quote.id))) == 0


def test_the_quote_page_and_pdf_show_the_time_per_site(app, client, login_as):
    quote = prepare(multi_site_application())
    db.session.commit()
    login_as("planner")
    page = client.get(f"/quotes/{quote.id}").get_data(as_text=True)
    assert "Audit time by site (IAF MD 1)" in page and "Giresun" in page
    assert "central function, visited at every audit" in page
    pdf = client.get(f"/quotes/{quote.id}.pdf").data
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "Audit time by site (IAF MD 1)" in " ".join(text.split())
    assert "Rize" in text


def test_the_renewal_time_of_a_multi_site_client_follows_md1_too():
    quote = prepare(multi_site_application())
    cycle = create_programme(quote, factories.user("planner"), TODAY)
    recertification = next(a for a in cycle.audits if a.kind == "recertification")
    assert recertification.planned_days == 20
    # 1500 declared: the central function now counts 1110 people (13 days), the sites as quoted.
    renewal.declare_personnel(factories.user("planner"), recertification, 1500, TODAY)
    assert recertification.planned_days == 8.5 + 6 + 6
