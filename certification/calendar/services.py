"""Calendar feeds (make, revoke, find by token) and auditors' leave (add, remove, check)."""

from __future__ import annotations

import secrets
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification.accounts.models import User
from certification.activity.notes import log_note
from certification.activity.services import record
from certification.calendar import rules
from certification.calendar.models import CalendarFeed, Unavailability
from certification.extensions import db
from certification.templating import format_day

NOTE_LIMIT = 500


class CalendarError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


# -- feeds ---------------------------------------------------------------------------------------


def feed_of(user) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def new_feed(user) -> CalendarFeed:
    """A new secret address for the user's feed; the old one (if any) stops working."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token="")
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    db.session.flush()
    return feed


def revoke_feed(user) -> None:
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def user_for_token(token: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None or not feed.user.active:
        return None
    return feed.user


# -- leave ---------------------------------------------------------------------------------------


def add_leave(actor, start: date | None, end: date | None, note: str, today: date):
    """An auditor records days they cannot audit."""
    note = (note or "").strip()
    if start is None or end is None:
        raise CalendarError(_("Give the first and the last day."), "start")
    if end < start:
        raise CalendarError(_("The last day cannot be before the first day."), "end")
    if end < today:
        raise CalendarError(_("These days are already past."), "end")
    if len(note) > NOTE_LIMIT:
        raise CalendarError(
            ngettext(
                "Keep this under %(num)d character.",
                "Keep this under %(num)d characters.",
                NOTE_LIMIT,
            ),
            "note",
        )
    leave = Unavailability(user_id=actor.id, start_date=start, end_date=end, note=note)
    db.session.add(leave)
    db.session.flush()
    record(actor, actor, "leave_added", note=_days(start, end))
    return leave


def remove_leave(actor, leave: Unavailability) -> None:
    record(actor, actor, "leave_removed", note=_days(leave.start_date, leave.end_date))
    db.session.delete(leave)
    db.session.flush()


def my_leave(user, today: date) -> list[Unavailability]:
    return list(
        db.session.scalars(
            select(Unavailability)
            .where(Unavailability.user_id == user.id, Unavailability.end_date >= today)
            .order_by(Unavailability.start_date)
        )
    )


def leave_between(
    start: date, end: date, user_ids=None, with_people: bool = False
) -> list[Unavailability]:
    query = select(Unavailability).where(
        Unavailability.start_date <= end, Unavailability.end_date >= start
    )
    if with_people:
        query = query.options(selectinload(Unavailability.user))
    if user_ids is not None:
        query = query.where(Unavailability.user_id.in_(list(user_ids)))
    return list(db.session.scalars(query.order_by(Unavailability.start_date)))


def leave_refusal(user_ids, start: date | None, end: date | None) -> str | None:
    """Why this team cannot audit on these days (someone's recorded leave), or None.

    Called by programme.services.schedule_audit before anything changes."""
    if start is None or end is None or not user_ids:
        return None
    clashes = rules.overlapping(leave_between(start, end, user_ids), start, end)
    if not clashes:
        return None
    names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    parts = [
        _(
            "%(name)s is unavailable from %(start)s to %(end)s.",
            name=names.get(leave.user_id, "?"),
            start=format_day(leave.start_date),
            end=format_day(leave.end_date),
        )
        for leave in clashes
    ]
    return " ".join(parts) + " " + _("Choose other dates or another auditor.")


def _days(start: date, end: date) -> dict:
    return log_note("period", start=start, end=end)
