"""A page shows the day a logged moment falls on where the body works (BODY_TIMEZONE)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from certification.activity.services import record
from tests import factories
from tests.services.test_verification import certificate


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


def zone_on_another_day() -> tuple[str, date]:
    """A zone whose date differs from the server's now, and that date (UTC-12 in the morning
    UTC, UTC+14 from 10:00 UTC: one of them is always on another day than UTC)."""
    zone = "Etc/GMT+12" if datetime.now(UTC).hour < 12 else "Etc/GMT-14"
    return zone, datetime.now(ZoneInfo(zone)).date()


def test_a_certificate_lapses_at_the_end_of_the_bodys_day_not_the_servers(
    app, client, db, monkeypatch
):
    zone, body_day = zone_on_another_day()
    server_day = date.today()
    if body_day == server_day:
        pytest.skip("the server's own zone is on the body's day")
    monkeypatch.setattr(app.extensions["babel"], "default_timezone", zone)  # BODY_TIMEZONE
    # Its last valid day is the earlier of the two: the later one reads it expired.
    last_day = min(body_day, server_day)
    cert = certificate(
        expires_on=last_day,
        issued_on=last_day - timedelta(days=1095),
        original_issued_on=last_day - timedelta(days=1095),
    )
    db.session.commit()
    status = client.get(f"/api/v1/certificates/{cert.number}").json["status"]
    assert status == ("active" if body_day == last_day else "expired")
