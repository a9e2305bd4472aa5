"""Which accreditation covers a certificate: scheme, IAF sector and the decision date."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from certification.accreditations.rules import covering, covers
from certification.accreditations.services import parse_sectors

TURKAK = SimpleNamespace(
    schemes=["iso10002:2018"],
    sectors=["29", "32"],
    valid_from=date(2025, 1, 1),
    valid_until=date(2028, 12, 31),
)
OPEN = SimpleNamespace(
    schemes=["csat-star:2018"], sectors=["35"], valid_from=date(2025, 6, 1), valid_until=None
)


@pytest.mark.parametrize(
    "scheme, edition, sector, on, expected",
    [
        ("iso10002", "2018", "29", date(2025, 1, 1), True),  # the first valid day
        ("iso10002", "2018", "32", date(2028, 12, 31), True),  # the last valid day
        ("iso10002", "2018", "29", date(2024, 12, 31), False),
        ("iso10002", "2018", "29", date(2029, 1, 1), False),
        ("iso10002", "2018", "35", date(2026, 1, 1), False),  # sector outside the scope
        ("iso10002", "2004", "29", date(2026, 1, 1), False),  # another edition
        ("ts-iso10002", "2004", "29", date(2026, 1, 1), False),
    ],
)
def test_covers(scheme, edition, sector, on, expected):
    assert covers(TURKAK, scheme, edition, sector, on) is expected


def test_an_open_ended_accreditation_covers_from_its_start_and_the_first_match_wins():
    assert covering([TURKAK, OPEN], "csat-star", "2018", "35", date(2040, 1, 1)) is OPEN
    assert covering([TURKAK, OPEN], "csat-star", "2018", "35", date(2025, 5, 31)) is None
    assert covering([], "iso10002", "2018", "29", date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    "text, codes",
    [("29, 32", ["29", "32"]), ("35;29  29", ["29", "35"]), ("40", None), ("x", None), ("", [])],
)
def test_parse_sectors(text, codes):
    assert parse_sectors(text) == codes
