"""Quotes: audit time and price, numbering, issue, the client's answer, expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from certification.activity.models import ActivityLog
from certification.agreements.services import Consent, acceptance_in_force
from certification.extensions import db
from certification.programme.models import Audit, Cycle
from certification.quotes import services
from certification.quotes.models import Quote
from certification.quotes.services import QuoteError, QuoteExpired
from certification.workflow import TransitionError
from tests import factories

CONSENT = Consent(1, "192.0.2.7", "tr")

TODAY = factories.today()


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Messages are translated for the person asking, so services run inside a request."""
    with app.test_request_context():
        yield


def approved_application(org=None, **kw):
    """An application whose review passed (17021-1 9.1.2 records who reviewed it)."""
    reviewer = factories.user("planner")
    return factories.application(
        org,
        state="approved",
        competence_confirmed=True,
        reviewed_by_id=reviewer.id,
        reviewed_at=datetime(2026, 11, 1, 12, tzinfo=UTC),
        **kw,
    )


def prepare(application=None, adjust=0, why="", currency="EUR", today=TODAY, actor=None):
    actor = actor or factories.user("planner")
    application = application or approved_application()
    return services.prepare_quote(actor, application, adjust, why, currency, "", today=today)


def issued(application=None, today=TODAY):
    quote = prepare(application, today=today)
    services.issue_quote(factories.user("planner"), quote, today=today)
    return quote


def log_actions(subject) -> list[str]:
    rows = select(ActivityLog.action).where(
        ActivityLog.subject_type == type(subject).__name__, ActivityLog.subject_id == subject.id
    )
    return list(db.session.scalars(rows.order_by(ActivityLog.id)))


def quote_count() -> int:
    return db.session.scalar(select(func.count(Quote.id)))


def test_prepare_for_40_people_gives_table_time_and_price(db):
    org = factories.organisation(effective_personnel=40)
    quote = prepare(approved_application(org))

    # IAF MD 5 QMS 1: 26-45 people -> 4 days; stage 1 = 4/3 = 1.33 -> 1.5, stage 2 the rest;
    # surveillance 4/3 -> 1.5; recertification 8/3 = 2.67 -> 2.5 (nearest half day).
    assert quote.number == "Q-2026-0001"
    assert quote.state == "draft"
    assert (quote.employees, quote.sites) == (40, 1)
    assert quote.table_days == Decimal("4")
    assert quote.initial_days == Decimal("4")
    assert (quote.stage1_days, quote.stage2_days) == (Decimal("1.5"), Decimal("2.5"))
    assert quote.surveillance_days == Decimal("1.5")
    assert quote.recertification_days == Decimal("2.5")
    # 4 x 950 + 250 application fee + 300 certificate fee (default settings).
    assert quote.total == Decimal("4350.00")
    assert quote.currency == "EUR"
    assert log_actions(quote) == ["quote_prepared"]


def test_prices_show_later_audits_for_information_outside_the_total(db):
    prices = services.prices(prepare())

    assert prices.audit == Decimal("3800.00")
    assert prices.surveillance == Decimal("1425.00")  # 1.5 x 950
    assert prices.recertification == Decimal("2375.00")  # 2.5 x 950
    assert prices.total == prices.audit + prices.application_fee + prices.certificate_fee


def test_price_in_the_clients_other_currency(db):
    quote = prepare(currency="try")

    assert quote.currency == "TRY"
    assert quote.total == Decimal("4") * 38000 + 9500 + 11500


def test_reduction_beyond_30_percent_is_refused(db):
    with pytest.raises(QuoteError, match="at most 30%") as refused:
        prepare(adjust=-35, why="Very simple organisation.")

    assert refused.value.field == "adjust_percent"
    assert quote_count() == 0


def test_adjustment_without_justification_is_refused(db):
    with pytest.raises(QuoteError, match="justification") as refused:
        prepare(adjust=-20, why="  ")

    assert refused.value.field == "justification"
    assert quote_count() == 0


def test_justified_reduction_is_applied_and_logged(db):
    why = "One complaints desk and one IT system for the whole company."
    quote = prepare(adjust=-20, why=why)

    assert quote.initial_days == Decimal("3")  # 4 x 0.8 = 3.2 -> 3
    assert quote.adjustment_justification == why
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "quote_prepared"))
    assert entry.reason == why


def test_application_not_approved_is_refused(db):
    with pytest.raises(QuoteError, match="passed its review"):
        prepare(factories.application())

    assert quote_count() == 0


def test_currency_without_day_rate_is_refused(db):
    with pytest.raises(QuoteError, match="no day rate for CHF") as refused:
        prepare(currency="CHF")

    assert refused.value.field == "currency"


def test_numbers_are_unique_and_restart_each_year(db):
    application = approved_application()
    first, second = prepare(application), prepare(application)
    next_year = prepare(application, today=date(2027, 1, 2))

    assert (first.number, second.number) == ("Q-2026-0001", "Q-2026-0002")
    assert next_year.number == "Q-2027-0001"


def test_number_taken_meanwhile_is_retried_in_a_savepoint(db, monkeypatch):
    application = approved_application()
    taken = prepare(application)
    offered = iter([taken.number, "Q-2026-0002"])  # as if another session won the race
    monkeypatch.setattr(services, "next_number", lambda year: next(offered))

    quote = prepare(application)

    assert quote.number == "Q-2026-0002"
    assert quote_count() == 2
    assert db.session.get(Quote, taken.id).number == taken.number


def test_issue_sets_validity_of_30_days(db):
    quote = issued()

    assert quote.state == "issued"
    assert quote.issued_on == TODAY
    assert quote.valid_until == TODAY + timedelta(days=30)
    assert log_actions(quote) == ["quote_prepared", "issue"]


def test_issue_twice_is_refused(db):
    quote = issued()

    with pytest.raises(TransitionError):
        services.issue_quote(factories.user("planner"), quote, today=TODAY)


def test_issuing_a_new_quote_withdraws_the_older_issued_one(db):
    application = approved_application()
    older = issued(application)
    newer = issued(application)

    assert older.state == "withdrawn"
    assert newer.state == "issued"
    entry = db.session.scalar(
        select(ActivityLog).where(
            ActivityLog.subject_id == older.id, ActivityLog.action == "withdraw"
        )
    )
    assert entry.text == f"Replaced by {newer.number}."


def test_client_accepts_and_the_programme_is_created(db):
    quote = issued()
    client = factories.user("client", organisation=quote.organisation)

    services.accept_quote(client, quote, "", today=TODAY + timedelta(days=3), agreement=CONSENT)

    assert quote.state == "accepted"
    # 17021-1 5.1.2: who accepted which version of the agreement, when and from where
    acceptance = acceptance_in_force(quote.organisation_id)
    assert (acceptance.accepted_by_id, acceptance.version.version) == (client.id, 1)
    assert acceptance.address == "192.0.2.7" and acceptance.quote_id == quote.id
    assert quote.decided_by_id == client.id and quote.decided_at is not None
    assert quote.application.state == "contracted"
    cycle = db.session.scalar(select(Cycle).where(Cycle.quote_id == quote.id))
    audits = db.session.scalars(select(Audit.kind).where(Audit.cycle_id == cycle.id)).all()
    assert sorted(audits) == sorted(
        ["stage1", "stage2", "surveillance1", "surveillance2", "recertification"]
    )
    assert "accept" in log_actions(quote)
    assert "contract" in log_actions(quote.application)


def test_a_client_accepting_its_first_quote_must_accept_the_agreement_with_it(db):
    quote = issued()
    client = factories.user("client", organisation=quote.organisation)

    with pytest.raises(QuoteError, match="5.1.2") as refused:
        services.accept_quote(client, quote, "", today=TODAY)

    assert refused.value.field == "agreement"
    assert quote.state == "issued" and acceptance_in_force(quote.organisation_id) is None
    stale = Consent(0, "192.0.2.7", "tr")  # a version replaced meanwhile
    with pytest.raises(QuoteError, match="updated"):
        services.accept_quote(client, quote, "", today=TODAY, agreement=stale)


def test_staff_recording_acceptance_must_say_how_the_client_answered(db):
    quote = issued()
    planner = factories.user("planner")

    with pytest.raises(QuoteError, match="how the client answered") as refused:
        services.accept_quote(planner, quote, " ", today=TODAY)

    assert refused.value.field == "note"
    assert quote.state == "issued"
    services.accept_quote(planner, quote, "Signed by e-mail on 25 November.", today=TODAY)
    assert quote.decision_note == "Signed by e-mail on 25 November."


def test_acceptance_after_expiry_is_refused_and_the_quote_marked_expired(db):
    quote = issued()
    client = factories.user("client", organisation=quote.organisation)
    late = quote.valid_until + timedelta(days=1)

    with pytest.raises(QuoteExpired, match="This quote expired on"):
        services.accept_quote(client, quote, "", today=late)

    assert quote.state == "expired"
    assert quote.application.state == "approved"
    assert db.session.scalar(select(Cycle).where(Cycle.quote_id == quote.id)) is None
    expiry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "expire"))
    assert expiry.actor_id is None


def test_acceptance_on_the_last_valid_day_is_allowed(db):
    quote = issued()
    client = factories.user("client", organisation=quote.organisation)

    services.accept_quote(client, quote, "", today=quote.valid_until, agreement=CONSENT)

    assert quote.state == "accepted"


def test_client_rejects_without_a_reason_and_staff_must_give_one(db):
    first, second = issued(), issued()
    client = factories.user("client", organisation=first.organisation)

    services.reject_quote(client, first, "", today=TODAY)
    with pytest.raises(QuoteError):
        services.reject_quote(factories.user("planner"), second, "", today=TODAY)

    assert first.state == "rejected" and first.decision_note == ""
    assert second.state == "issued"
    assert first.application.state == "approved"


def test_only_one_accepted_quote_per_application(db):
    application = approved_application()
    accepted, other = prepare(application), prepare(application)
    services.issue_quote(factories.user("planner"), accepted, today=TODAY)
    client = factories.user("client", organisation=application.organisation)
    services.accept_quote(client, accepted, "", today=TODAY, agreement=CONSENT)

    with pytest.raises(QuoteError, match="The application is Contracted"):
        services.issue_quote(factories.user("planner"), other, today=TODAY)

    assert other.state == "draft"


def test_expire_quotes_is_idempotent(db):
    stale, fresh = issued(today=date(2026, 9, 1)), issued(today=TODAY)

    assert services.expire_quotes(date(2026, 10, 2)) == 1
    assert services.expire_quotes(date(2026, 10, 2)) == 0

    assert stale.state == "expired"
    assert fresh.state == "issued"
    assert log_actions(stale).count("expire") == 1


def test_quote_is_still_valid_on_its_last_day(db):
    quote = issued()

    assert services.expire_quotes(quote.valid_until) == 0
    assert quote.state == "issued"


def test_withdraw_a_draft(db):
    quote = prepare()

    services.withdraw_quote(factories.user("planner"), quote, "Wrong currency.")

    assert quote.state == "withdrawn"
    assert log_actions(quote)[-1] == "withdraw"
