"""Names in the order a reader of their language expects: Turkish Ç after C and I before İ,
Vietnamese Ă and Â after A and Đ after D, Russian Ё with Е, Georgian and Arabic in their
alphabets' order; Python's sorted() orders by code point, which is right for none of them.

ICU's collators (PyICU) carry the CLDR rules of every language; pyuca, the pure-Python
alternative, knows only the root order (DUCET) and so misplaces the Turkish and Vietnamese
letters above.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import icu

from certification.i18n.languages import language_of

T = TypeVar("T")
# An ICU collator is not meant to be shared between threads: one per thread and language.
_local = threading.local()


def collator(locale: object) -> icu.Collator:
    language = language_of(locale)
    cache = _local.__dict__.setdefault("collators", {})
    if language not in cache:
        cache[language] = icu.Collator.createInstance(icu.Locale(language))
    return cache[language]


def sort_key(locale: object) -> Callable[[str | None], bytes]:
    """A key function for sorted(): a text's ICU sort key in the given language."""
    compare = collator(locale)
    return lambda text: compare.getSortKey(text or "")


def name_key(text: str | None, locale: object) -> bytes:
    """The text's ICU sort key in the language: stored, it lets the database order names as
    the language does by comparing bytes (organisations.name_key_<language>)."""
    return collator(locale).getSortKey(text or "")


def sorted_by_name(items: Iterable[T], name: Callable[[T], str | None], locale: object) -> list[T]:
    """`items` in the order of their `name` in the reader's language (ties keep their order)."""
    key = sort_key(locale)
    return sorted(items, key=lambda item: key(name(item)))


@dataclass
class Page:
    """One page of a list sorted in Python (the attributes of Flask-SQLAlchemy's pagination
    that the pager macro reads)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def page_by_name(
    rows: Iterable[tuple[int, str | None]],
    load: Callable[[list[int]], Iterable[T]],
    locale: object,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """A page of a list ordered by name in the reader's language. `rows` are (id, name) of every
    match (two short columns, cheap even for thousands); `load(ids)` fetches the full objects of
    the one page, which come back in the collated order."""
    ordered = [row[0] for row in sorted_by_name(list(rows), lambda row: row[1], locale)]
    page = max(page, 1)
    wanted = ordered[(page - 1) * per_page : page * per_page]
    found = {item.id: item for item in load(wanted)} if wanted else {}
    return Page([found[i] for i in wanted if i in found], page, per_page, len(ordered))
