"""Reading a list's sort and filters from the address: anything unreadable is ignored."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from certification import listing
from certification.organisations.models import Organisation
from certification.paging import Segment

BY_ID = (Segment(key=(Organisation.id,)),)
BY_CITY = (Segment(key=(Organisation.city, Organisation.id)),)
ORDERS = {"id": BY_ID, "city": BY_CITY}


@pytest.mark.parametrize(
    ("given", "sort", "descending", "aria"),
    [
        ("", "", False, None),
        ("city", "city", False, "ascending"),
        ("-city", "city", True, "descending"),
        ("nonsense", "", False, None),
        ("-", "", False, None),
        ("--city", "", False, None),
        ("city" * 100, "", False, None),
    ],
)
def test_the_sort_is_a_known_column_or_the_lists_own_order(given, sort, descending, aria):
    chosen = listing.read({"sort": given}, ORDERS, BY_ID)
    assert (chosen.sort, chosen.descending, chosen.aria_sort("city")) == (sort, descending, aria)
    if not sort:
        assert chosen.segments == BY_ID


def test_a_header_link_turns_the_chosen_sort_round_and_keeps_the_filters():
    chosen = listing.read({"sort": "city"}, ORDERS, BY_ID, {"q": "kars", "from": date(2026, 5, 1)})
    assert chosen.sort_link("city") == {"q": "kars", "from": "2026-05-01", "sort": "-city"}
    assert chosen.sort_link("id") == {"q": "kars", "from": "2026-05-01", "sort": "id"}
    flipped = listing.read({"sort": "-city"}, ORDERS, BY_ID)
    assert flipped.sort_link("city") == {"sort": "city"}
    assert flipped.segments[0].descending and not listing.read({}, ORDERS, BY_ID).narrowed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-05-04", date(2026, 5, 4)),
        ("2026-13-45", None),
        ("04/05/2026", None),
        ("2026-05-04T10:00", None),
        ("", None),
        ("9" * 5000, None),
    ],
)
def test_a_date_filter_reads_only_dates(value, expected):
    assert listing.day({"from": value}, "from") == expected


@pytest.mark.parametrize(
    ("value", "number", "days"),
    [
        ("12", 12, 12),
        ("0", None, 0),
        ("-3", None, None),
        ("99999999999999999999", None, None),
        ("3661", 3661, None),
        ("1e3", None, None),
        ("", None, None),
    ],
)
def test_numbers_out_of_range_are_ignored(value, number, days):
    assert listing.number({"n": value}, "n") == number
    assert listing.days({"n": value}, "n") == days


def test_reversed_order_reads_the_segments_the_other_way():
    two = (Segment(key=(Organisation.id,)), Segment(key=(Organisation.id,), descending=True))
    assert [s.descending for s in listing.reversed_order(two)] == [False, True]


@pytest.mark.parametrize(
    ("values", "read"),
    [
        (["Acme", 7], True),
        (["Acme", 10**30], False),  # SQLite cannot compare it (OverflowError): the first page
        (["Acme", -(10**30)], False),
        (["Ac\x00me", 7], False),  # PostgreSQL refuses NUL in text
        (["Ac\ufffeme", 7], True),  # a noncharacter: text stored earlier may hold one
        (["Acme", True], False),
    ],
)
def test_a_tampered_page_key_reads_the_first_page(values, read):
    from certification.paging import decode, encode

    segments = (Segment(key=(Organisation.legal_name, Organisation.id)),)
    assert (decode(encode(0, values), segments) is not None) is read


def test_a_page_key_with_a_lone_surrogate_reads_the_first_page():
    """No database driver encodes one (a 500 on both); JSON escapes it as \\ud800."""
    from certification.paging import decode

    segments = (Segment(key=(Organisation.legal_name, Organisation.id)),)
    tampered = base64.urlsafe_b64encode(b'[0,"Ac\\ud800me",7]').decode().rstrip("=")
    assert decode(tampered, segments) is None
