"""The body's local day of a stored UTC moment (certification/i18n/local_time.py), and the
checklist group a grade falls in: by the local day, not the UTC one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from certification.activity.notes import checklist_group
from certification.i18n.local_time import local_day, zone_name

ISTANBUL, TBILISI, NEW_YORK = (
    ZoneInfo(n) for n in ("Europe/Istanbul", "Asia/Tbilisi", "America/New_York")
)


@pytest.mark.parametrize(
    ("moment", "zone", "day"),
    [
        (datetime(2026, 3, 11, 20, 59, tzinfo=UTC), ISTANBUL, date(2026, 3, 11)),  # 23:59 local
        (datetime(2026, 3, 11, 21, 0, tzinfo=UTC), ISTANBUL, date(2026, 3, 12)),  # 00:00 local
        (datetime(2026, 3, 11, 21, 1, tzinfo=UTC), ISTANBUL, date(2026, 3, 12)),  # just after
        (datetime(2026, 3, 11, 21, 1), ISTANBUL, date(2026, 3, 12)),  # naive (SQLite): UTC
        (datetime(2026, 3, 11, 20, 5, tzinfo=UTC), TBILISI, date(2026, 3, 12)),  # UTC+4
        (datetime(2026, 3, 12, 3, 30, tzinfo=UTC), NEW_YORK, date(2026, 3, 11)),  # behind UTC
        (datetime(2026, 3, 11, 23, 59, tzinfo=UTC), UTC, date(2026, 3, 11)),
    ],
)
def test_the_local_day_of_a_moment(moment, zone, day):
    assert local_day(moment, zone) == day


@pytest.mark.parametrize(
    ("moment", "group"),
    [
        (datetime(2026, 3, 11, 20, 30, tzinfo=UTC), "checklist:7:2026-03-11"),
        (datetime(2026, 3, 11, 21, 0, 1, tzinfo=UTC), "checklist:7:2026-03-12"),
    ],
)
def test_a_grade_just_after_local_midnight_starts_the_next_days_group(moment, group):
    assert checklist_group(SimpleNamespace(id=7), moment, ISTANBUL) == group


def test_the_zone_setting_is_checked():
    assert zone_name("Asia/Tbilisi") == "Asia/Tbilisi"
    assert zone_name("") == zone_name(None)
    with pytest.raises(ValueError, match="not a known time zone"):
        zone_name("Mars/Olympus_Mons")
