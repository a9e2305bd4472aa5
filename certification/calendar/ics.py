"""iCalendar (RFC 5545) files through the icalendar library: one audit, or a person's feed.

Audits are all-day events (DTEND the day after the last day, RFC 5545 3.6.1); deadlines (a
finding's answer, a certificate's expiry, an audit's due-by date) are one-day events. Each
event's UID is stable, so a calendar that reads the feed again updates the event in place.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from certification.calendar import rules
from certification.models_base import utcnow
from certification.notifications.services import absolute, path_for

PRODID = "-//ISO 10002 certification workflow//calendar//EN"


def new_calendar(name: str, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    return calendar


def _uid(kind: str, object_id: int) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"{kind}-{object_id}@{host}"


def audit_event(audit, sequence: int = 0) -> Event:
    event = Event()
    event.add("uid", _uid("audit", audit.id))
    event.add("dtstamp", utcnow())
    event.add("dtstart", audit.start_date)
    event.add("dtend", rules.all_day_end(audit.end_date))
    event.add("summary", f"{audit.kind_enum.label} · {audit.organisation.display_name}")
    team = ", ".join(f"{m.user.name} ({m.role})" for m in audit.team)
    site = audit.organisation.head_office
    event.add("description", _("Team: %(team)s", team=team or "—"))
    event.add("location", ", ".join(filter(None, [site.address, site.city])) if site else "")
    event.add("url", absolute(path_for("programme.audit", audit_id=audit.id)))
    event.add("sequence", sequence)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def deadline_event(kind: str, object_id: int, day: date, summary: str, link: str) -> Event:
    event = Event()
    event.add("uid", _uid(kind, object_id))
    event.add("dtstamp", utcnow())
    event.add("dtstart", day)
    event.add("dtend", rules.all_day_end(day))
    event.add("summary", summary)
    event.add("url", absolute(link))
    event.add("transp", "TRANSPARENT")
    return event


def audit_file(audit, sequence: int = 0) -> bytes:
    """One audit, for download and for the e-mail that tells of it."""
    calendar = new_calendar(audit.organisation.display_name, method="PUBLISH")
    calendar.add_component(audit_event(audit, sequence))
    return calendar.to_ical()
