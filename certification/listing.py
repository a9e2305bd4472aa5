"""What a staff list is narrowed and ordered by, read from its address: a search text, filters
and a sort chosen by clicking a column header.

Everything travels in the address (a list can be bookmarked, shared and paged) and anything
unreadable in it (an unknown sort, a malformed date, a huge number) is ignored, the list still
shown. A sort is a tuple of keyset segments (certification/paging.py): the sort key is the key
the pager pages by, its last column the row's id so that two equal values still have an order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import or_, select

from certification import search
from certification.organisations.models import Organisation, name_key_column
from certification.paging import Page, Segment, page_of

LONGEST_TEXT = 200  # a search longer than any name or number finds nothing: cut, not refused
LARGEST_ID = 2**31 - 1  # a larger id (from a tampered address) is no row: ignored


@dataclass(frozen=True)
class Listing:
    """The chosen search, filters and sort of one list, as shown and as kept in links."""

    sort: str = ""  # "" the list's own order; else a column's name
    descending: bool = False
    segments: tuple[Segment, ...] = ()
    chosen: dict = field(default_factory=dict)  # filter name -> the value as in the address

    @property
    def narrowed(self) -> bool:
        """A filter or search is chosen (the page offers to clear them)."""
        return any(self.chosen.values())

    def args(self, **override) -> dict:
        """The address's arguments that keep this list as it is (for the pager, the headers)."""
        kept = dict(self.chosen)
        if self.sort:
            kept["sort"] = ("-" if self.descending else "") + self.sort
        kept.update(override)
        return {name: value for name, value in kept.items() if value not in (None, "")}

    def sort_link(self, name: str) -> dict:
        """Arguments of a column header's link: this column, or the other way if it is chosen."""
        flip = self.sort == name and not self.descending
        return self.args(sort=("-" if flip else "") + name)

    def aria_sort(self, name: str) -> str | None:
        if self.sort != name or not self.segments:
            return None  # a date column may read newest first by itself: its key tells
        return "descending" if self.segments[0].descending else "ascending"


def read(
    args: Mapping[str, str],
    orders: Mapping[str, Sequence[Segment]],
    default: Sequence[Segment],
    chosen: Mapping[str, object] | None = None,
) -> Listing:
    """The list's sort (an unknown one: the list's own order, `default`) and its chosen filters
    (already read by `text`, `day`, `number`, `one_of`) kept for the links."""
    wanted = (args.get("sort") or "")[:40]
    name = wanted.removeprefix("-")
    kept = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in (chosen or {}).items()}
    if name not in orders:
        return Listing(segments=tuple(default), chosen=kept)
    descending = wanted.startswith("-")
    segments = tuple(orders[name])
    if descending:
        segments = reversed_order(segments)
    return Listing(name, descending, segments, kept)


def reversed_order(segments: Sequence[Segment]) -> tuple[Segment, ...]:
    """The same rows read the other way: the segments in reverse, each of them reversed."""
    return tuple(replace(s, descending=not s.descending) for s in reversed(segments))


def text(args: Mapping[str, str], name: str = "q") -> str:
    return (args.get(name) or "").strip()[:LONGEST_TEXT]


def day(args: Mapping[str, str], name: str) -> date | None:
    """A date given as YYYY-MM-DD (a date input's value); anything else: none."""
    value = (args.get(name) or "").strip()
    if len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def number(args: Mapping[str, str], name: str) -> int | None:
    """A row's id (a user chosen in a filter); anything else, or out of range: none."""
    value = (args.get(name) or "").strip()
    if not value.isdigit() or len(value) > 10 or not 0 < int(value) <= LARGEST_ID:
        return None
    return int(value)


def days(args: Mapping[str, str], name: str, longest: int = 3660) -> int | None:
    """A number of days (0 to `longest`, about ten years); anything else: none."""
    value = (args.get(name) or "").strip()
    if not value.isdigit() or len(value) > 6 or int(value) > longest:
        return None
    return int(value)


def one_of(args: Mapping[str, str], name: str, allowed) -> str:
    value = args.get(name) or ""
    return value if value in allowed else ""


def matching(text_: str, organisation_id, *numbers):
    """SQL: the row's organisation's name or city contains `text_` (case and accents folded,
    as the organisation search does), or one of its `numbers` (quote, complaint ...) does."""
    found = organisation_id.in_(
        select(Organisation.id).where(search.contains(search.ORGANISATIONS, text_))
    )
    numbered = (search.contains(search.searched_by(column), text_) for column in numbers)
    return or_(found, *numbered)


def escaped(text_: str) -> str:
    """`text_` with LIKE's wildcards escaped (by a backslash), to be found as it is."""
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def between(column, start: date | None, end: date | None) -> list:
    """SQL conditions: `column` on or after `start`, on or before `end` (either may be absent)."""
    where = []
    if start is not None:
        where.append(column >= start)
    if end is not None:
        where.append(column <= end)
    return where


def by_organisation(model, locale) -> tuple[Segment, ...]:
    """Sort by the organisation's legal name in the reader's language (its stored sort key),
    then by id; the query must join the organisation (`joined`)."""
    key = name_key_column(locale)
    return (
        Segment(
            key=(key, model.id),
            values=lambda row: (getattr(row.organisation, key.key), row.id),
        ),
    )


def joined(query, listing: Listing, model):
    """The query, joined to the organisation when the list is sorted by its name."""
    if listing.sort != "organisation":
        return query
    return query.join(Organisation, model.organisation_id == Organisation.id)


def newest_first_page(
    query, model, dated, numbers: tuple, args: Mapping[str, str], locale, per_page: int
) -> tuple[Page, Listing]:
    """A short list (transfers, appeals): newest `dated` first, a search by organisation or
    one of `numbers`, sorted by date, organisation or state; one page and what was chosen."""
    newest = (Segment(key=(dated, model.id), descending=True),)
    orders = {
        "date": newest,
        "organisation": by_organisation(model, locale),
        "state": (Segment(key=(model.state, model.id)),),
    }
    chosen = read(args, orders, newest, {"q": text(args)})
    if chosen.chosen["q"]:
        query = query.where(matching(chosen.chosen["q"], model.organisation_id, *numbers))
    return page_of(joined(query, chosen, model), chosen.segments, args, per_page), chosen
