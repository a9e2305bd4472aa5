"""A page shows the day a logged moment falls on where the body works (BODY_TIMEZONE)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from certification.activity.services import record
from tests import factories


@pytest.mark.parametrize(
    ("zone", "shown", "hidden"),
    [("Europe/Istanbul", "Mar 12, 2026", "Mar 11, 2026"), ("UTC", "Mar 11, 2026", "Mar 12, 2026")],
)
def test_a_row_logged_just_after_local_midnight_shows_the_local_day(
    app, client, db, login_as, monkeypatch, zone, shown, hidden
):
    monkeypatch.setattr(app.extensions["babel"], "default_timezone", zone)  # BODY_TIMEZONE
    org = factories.organisation(legal_name="Gece Yarısı A.Ş.")
    entry = record(None, org, "organisation_updated", reason="Changed at night.")
    entry.at = datetime(2026, 3, 11, 21, 5, tzinfo=UTC)  # 00:05 on 12 March in Istanbul
    db.session.commit()
    login_as("planner", locale="en")
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1]
    assert shown in timeline and hidden not in timeline
