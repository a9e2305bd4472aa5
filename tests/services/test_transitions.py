"""The one place every state change passes: a move applies only to the state it was read in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from certification.activity.models import ActivityLog
from certification.activity.services import StaleState, lock, refusal_message, transition
from certification.extensions import db
from certification.workflow import Action, QuoteState
from tests import factories


@pytest.fixture(autouse=True)
def request_context(app, db):
    with app.test_request_context():
        yield


def issued():
    today = factories.today()
    return factories.quote(state="issued", issued_on=today, valid_until=today)


def meanwhile(quote, state: str) -> None:
    """Another request changed the row after this one read it (the ORM object does not know)."""
    db_session = db.session
    db_session.execute(
        text("UPDATE quotes SET state = :s WHERE id = :id"), {"s": state, "id": quote.id}
    )


def logged(quote) -> int:
    return db.session.scalar(
        select(func.count(ActivityLog.id)).where(
            ActivityLog.subject_type == "Quote", ActivityLog.subject_id == quote.id
        )
    )


def test_a_move_on_a_stale_read_is_refused_and_logs_nothing(db):
    quote = issued()
    planner = factories.user("planner")
    meanwhile(quote, "accepted")
    assert quote.state == "issued"  # what this request read

    with pytest.raises(StaleState) as refused:
        transition(planner, quote, Action.ACCEPT)

    assert refused.value.state is QuoteState.ACCEPTED and refused.value.already_done
    assert quote.state == "accepted" and logged(quote) == 0
    assert refusal_message(refused.value).startswith("Already done: it is Accepted now")


def test_a_move_changed_meanwhile_into_another_state_says_so(db):
    quote = issued()
    meanwhile(quote, "withdrawn")

    with pytest.raises(StaleState) as refused:
        transition(factories.user("client"), quote, Action.ACCEPT)

    assert not refused.value.already_done
    assert refusal_message(refused.value).startswith("Someone else changed this a moment ago")
    assert logged(quote) == 0


def test_a_move_on_a_fresh_read_applies_and_logs(db):
    quote = issued()
    after = transition(factories.user("client"), quote, Action.REJECT)
    assert after is QuoteState.REJECTED and quote.state == "rejected"
    stored = db.session.scalar(text("SELECT state FROM quotes"))
    assert stored == "rejected"
    assert logged(quote) == 1


def test_lock_reads_the_row_again(db):
    quote = issued()
    meanwhile(quote, "rejected")
    assert lock(quote) is quote and quote.state == "rejected"
