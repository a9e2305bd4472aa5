"""An organisation's timeline, newest first, a page at a time, with the detail of a checklist
folded: the grades and evidence files of one audit, one day, one person read as one entry
("12 checklist questions graded"), so a cycle's hundred grades take one line, not a hundred.

Paged by key (the newest moment and row of each entry), never by OFFSET: the database groups
the organisation's rows (one index range, ix_activity_log_organisation_at) and returns the page's
entries; a second statement loads their rows, a third their people: three statements a page,
however long the timeline.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from certification.activity.models import ActivityLog
from certification.extensions import db
from certification.paging import Page

PER_PAGE = 25


@dataclass
class Entry:
    """One line of a timeline: a log row, or the newest of `count` rows folded with it."""

    row: ActivityLog
    count: int = 1

    def __getattr__(self, name):
        return getattr(self.row, name)

    @property
    def grouped(self) -> bool:
        return self.count > 1

    @property
    def subject_type(self) -> str:
        return "Audit" if self.grouped else self.row.subject_type

    @property
    def subject_id(self) -> int | None:
        if self.grouped:  # group_key "checklist:<audit id>:<day>"
            return int(self.row.group_key.split(":")[1])
        return self.row.subject_id

    @property
    def from_state(self):
        return None if self.grouped else self.row.from_state

    @property
    def to_state(self):
        return None if self.grouped else self.row.to_state

    @property
    def text(self) -> str:
        return "" if self.grouped else self.row.text


def timeline_page(organisation_id: int, args: Mapping[str, str], per_page: int = PER_PAGE):
    """The page of entries placed by `args`: `after=` (older than a cursor), `before=` (newer),
    `last=1` (the oldest page); the newest page otherwise."""
    at, newest = func.max(ActivityLog.at), func.max(ActivityLog.id)
    folded = case((ActivityLog.group_key.is_(None), ActivityLog.id), else_=None)
    query = (
        select(at, newest, func.count())
        .where(ActivityLog.organisation_id == organisation_id)
        .group_by(folded, ActivityLog.group_key, ActivityLog.action, ActivityLog.actor_id)
        .limit(per_page + 1)
    )
    after, before = _cursor(args.get("after")), _cursor(args.get("before"))
    older_first = [at.desc(), newest.desc()]
    if after is not None:
        rows = _read(query.having(_beyond(at, newest, after, older=True)).order_by(*older_first))
        return _page(rows, per_page, has_prev=True, backwards=False)
    if before is not None or args.get("last"):
        if before is not None:
            query = query.having(_beyond(at, newest, before, older=False))
        rows = _read(query.order_by(at.asc(), newest.asc()))
        return _page(rows, per_page, has_prev=False, backwards=True, from_cursor=bool(before))
    return _page(_read(query.order_by(*older_first)), per_page, has_prev=False, backwards=False)


def _beyond(at, newest, cursor: tuple[datetime, int], older: bool):
    moment, row_id = cursor
    if older:
        return or_(at < moment, and_(at == moment, newest < row_id))
    return or_(at > moment, and_(at == moment, newest > row_id))


def _read(query) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(query)]


def _page(rows, per_page: int, *, has_prev: bool, backwards: bool, from_cursor=False) -> Page:
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:  # read from the old end: turn round; "more" means more newer entries
        rows = list(reversed(rows))
        has_prev, has_next = more, from_cursor
    else:
        has_next = more
    entries = _entries(rows)
    return Page(
        entries,
        has_prev=has_prev and bool(entries),
        has_next=has_next and bool(entries),
        prev_cursor=_encode(rows[0]) if has_prev and rows else None,
        next_cursor=_encode(rows[-1]) if has_next and rows else None,
    )


def _entries(rows) -> list[Entry]:
    ids = [row_id for _at, row_id, _count in rows]
    loaded = db.session.scalars(
        select(ActivityLog).where(ActivityLog.id.in_(ids)).options(selectinload(ActivityLog.actor))
    )
    found = {row.id: row for row in loaded} if ids else {}
    return [Entry(found[row_id], count) for _at, row_id, count in rows if row_id in found]


def _encode(row) -> str:
    at, row_id, _count = row
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    text = json.dumps([moment.isoformat(), row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    """(moment, row id) of a cursor; None for a missing or malformed one (the newest page)."""
    if not value or len(value) > 200:
        return None
    try:
        moment, row_id = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            return None
        return datetime.fromisoformat(moment), row_id
    except (ValueError, TypeError, binascii.Error):
        return None
