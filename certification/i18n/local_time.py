"""The body's local day of a stored moment.

Moments are stored in UTC; a day is read where the body works (BODY_TIMEZONE, an IANA name
such as Europe/Istanbul; by default the server's own zone, the one its "today" is read in): a
grade given at 00:30 in Istanbul (21:30 UTC the day before) belongs to the Istanbul day, both
in the timeline's grouping and in the date a page shows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import localtime


def zone_name(name: str | None) -> str:
    """A known IANA zone name (from the environment): the name; none: the server's zone (its
    date.today() and the days shown then agree); an unknown one stops the start with a clear
    message rather than showing wrong days."""
    name = (name or "").strip() or server_zone()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"BODY_TIMEZONE {name!r} is not a known time zone (e.g. Europe/Istanbul)"
        raise ValueError(message) from None
    return name


def server_zone() -> str:
    """The server's own zone name (Babel reads TZ, /etc/localtime ...); UTC when unknown."""
    try:
        found = localtime.get_localzone()
    except (OSError, LookupError, ValueError):
        return "UTC"
    name = getattr(found, "key", None) or getattr(found, "zone", None) or str(found)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The day `moment` (UTC; naive ones, as SQLite returns them, are UTC) falls on in `zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def body_zone() -> tzinfo:
    """The body's time zone (Flask-Babel's setting, from BODY_TIMEZONE); UTC outside the app.
    Read from the setting through a cached ZoneInfo: resolving it through Flask-Babel's
    get_timezone() on each call cost more than the public look-up's own read."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return UTC
    return zone_of(current_app)


def zone_of(app) -> tzinfo:
    """The body's zone as `app` is set (for code that runs outside an app context)."""
    return _zone(app.extensions["babel"].default_timezone)


@lru_cache(maxsize=8)
def _zone(name: str) -> tzinfo:
    return ZoneInfo(name)


def body_today() -> date:
    """Today where the body works (BODY_TIMEZONE): the day every deadline, expiry and count of
    days is read from. The same as the server's date.today() unless BODY_TIMEZONE differs."""
    return datetime.now(body_zone()).date()
