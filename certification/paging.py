"""Keyset paging: a long list pages by the values of its sort key, never by OFFSET.

With OFFSET the database walks past every earlier row, so the last page of 50,000 certificates
costs fifty thousand rows; with a key ("the rows after issued_on 2026-03-15, id 812") it reads
the page's own rows from an index, whichever page it is. The price: no "page 7 of 12"; a list
offers first, previous, next and last.

A list may run in segments shown one after the other, each with its own filter and key (the
applications waiting for review first, then the others). A cursor names the segment and the key
values of a row; it travels in the address as `after=` or `before=`; `last=1` asks for the end.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, tuple_

from certification.edge import CONTROL, LONE_SURROGATE
from certification.extensions import db


@dataclass(frozen=True)
class Part:
    """Rows matching `where`, in the order of their own `key` (an index of theirs)."""

    where: Any
    key: tuple


@dataclass(frozen=True)
class Segment:
    """Rows matching `where` (None: all), in the order of `key` (its last column unique).

    `values(row)` gives a row's key values when the key holds expressions; by default they are
    the row's attributes named like the key's columns. A segment with `parts` merges rows
    read in their own orders (each from its own index), the order of the key values being one
    across the parts: audits by start date once scheduled, by due date until then.
    """

    key: tuple
    where: Any = None
    descending: bool = False
    values: Callable[[Any], tuple] | None = None
    parts: tuple[Part, ...] = ()

    def order(self, reverse: bool = False) -> list:
        """ORDER BY clauses of the key (`reverse`: read from the other end)."""
        descending = self.descending != reverse
        return [column.desc() if descending else column.asc() for column in self.key]


@dataclass
class Page:
    items: list
    has_prev: bool
    has_next: bool
    prev_cursor: str | None = None
    next_cursor: str | None = None

    @property
    def paged(self) -> bool:
        return self.has_prev or self.has_next


def page_of(
    query: Select,
    segments: Sequence[Segment],
    args: Mapping[str, str],
    per_page: int,
    *,
    scalars: bool = True,
) -> Page:
    """One page of `query` (its own ORDER BY is replaced), placed by `args` (request.args)."""
    lister = _Lister(query, segments, per_page, scalars)
    if args.get("last"):
        return lister.backward(len(segments) - 1, None, from_cursor=False)
    for name, forward in (("after", True), ("before", False)):
        cursor = decode(args.get(name), segments)
        if cursor is not None:
            segment, values = cursor
            if forward:
                return lister.forward(segment, values)
            return lister.backward(segment, values, from_cursor=True)
    return lister.forward(0, None)


class _Lister:
    def __init__(self, query: Select, segments, per_page: int, scalars: bool) -> None:
        self.query, self.segments, self.per_page = query.order_by(None), segments, per_page
        self.scalars = scalars

    def _rows(self, index: int, bound, reverse: bool, limit: int) -> list[tuple[int, Any]]:
        segment = self.segments[index]
        query = self.query if segment.where is None else self.query.where(segment.where)
        if not segment.parts:
            return [(index, row) for row in self._read(query, segment, bound, reverse, limit)]
        rows = []
        for part in segment.parts:
            one = Segment(key=part.key, descending=segment.descending)
            rows += self._read(query.where(part.where), one, bound, reverse, limit)
        rows.sort(key=lambda row: self._key(segment, row), reverse=segment.descending != reverse)
        return [(index, row) for row in rows[:limit]]

    def _read(self, query: Select, segment: Segment, bound, reverse: bool, limit: int) -> list:
        descending = segment.descending != reverse  # reading backwards flips the order
        if bound is not None:
            key, values = tuple_(*segment.key), tuple_(*_typed(segment.key, bound))
            query = query.where(key < values if descending else key > values)
        result = db.session.execute(query.order_by(*segment.order(reverse)).limit(limit))
        return list(result.scalars() if self.scalars else result)

    @staticmethod
    def _key(segment: Segment, row) -> tuple:
        if segment.values is not None:
            return tuple(segment.values(row))
        return tuple(getattr(row, column.key) for column in segment.key)

    def forward(self, index: int, bound) -> Page:
        """From the cursor (or the start) on; one row more than a page tells if there is more."""
        after_a_row = bound is not None or index > 0
        rows: list = []
        while index < len(self.segments) and len(rows) <= self.per_page:
            rows += self._rows(index, bound, False, self.per_page + 1 - len(rows))
            index, bound = index + 1, None
        return self._page(
            rows[: self.per_page], has_prev=after_a_row, has_next=len(rows) > self.per_page
        )

    def backward(self, index: int, bound, from_cursor: bool) -> Page:
        """The page before the cursor (or the last page), read backwards and turned round."""
        rows: list = []
        while index >= 0 and len(rows) <= self.per_page:
            rows += self._rows(index, bound, True, self.per_page + 1 - len(rows))
            index, bound = index - 1, None
        shown = list(reversed(rows[: self.per_page]))
        return self._page(shown, has_prev=len(rows) > self.per_page, has_next=from_cursor)

    def _page(self, rows, has_prev: bool, has_next: bool) -> Page:
        items = [row for _index, row in rows]
        if not rows:
            return Page(items, has_prev=False, has_next=False)
        return Page(
            items,
            has_prev=has_prev,
            has_next=has_next,
            prev_cursor=self._cursor(*rows[0]) if has_prev else None,
            next_cursor=self._cursor(*rows[-1]) if has_next else None,
        )

    def _cursor(self, index: int, row) -> str:
        return encode(index, list(self._key(self.segments[index], row)))


def _typed(key: tuple, values: list) -> list:
    """Cursor values back into the columns' Python types (dates travel as ISO text); a value
    of another type raises ValueError (a tampered cursor must not reach the database)."""
    typed = []
    for column, value in zip(key, values, strict=True):
        kind = column.type.python_type
        if kind in (date, datetime) and isinstance(value, str):
            value = kind.fromisoformat(value)
        elif kind is bytes and isinstance(value, str):  # a sort key travels as hex
            value = bytes.fromhex(value)
        if type(value) is not kind and not (kind is datetime and isinstance(value, datetime)):
            raise ValueError(f"a cursor value of type {type(value).__name__}, not {kind}")
        if kind is int and not -INTEGER_LIMIT <= value <= INTEGER_LIMIT:
            raise ValueError("a cursor number no column holds")  # SQLite: OverflowError
        if kind is str and (CONTROL.search(value) or LONE_SURROGATE.search(value)):
            # PostgreSQL refuses NUL; no driver encodes a lone surrogate. A noncharacter is
            # let through: text stored before the edge stripped them may hold one.
            raise ValueError("a cursor text with control characters or a lone surrogate")
        typed.append(value)
    return typed


INTEGER_LIMIT = 2**63 - 1  # the largest number SQLite and PostgreSQL (bigint) compare with


def encode(index: int, values: list) -> str:
    plain = [index] + [_plain(v) for v in values]
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value.hex() if isinstance(value, bytes) else value


def decode(cursor: str | None, segments: Sequence[Segment]) -> tuple[int, list] | None:
    """(segment, key values) of a cursor; None for a missing or malformed one (first page)."""
    if not cursor or len(cursor) > 1000:
        return None
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        index, values = plain[0], plain[1:]
        key = segments[index].key
        if not isinstance(index, int) or index < 0 or len(values) != len(key):
            return None
        _typed(key, values)
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error, AttributeError):
        return None
    return index, values
