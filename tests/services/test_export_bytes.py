"""The CertSearch and register workbooks written the quick way (exports/streaming.QuickRowWriter)
hold the very bytes openpyxl's own rows write, for hostile text too, and every plain row takes
the quick way."""

from __future__ import annotations

from tests import factories
from tests.services.test_exports import certificate, certsearch_bytes, register_bytes, rows
from tests.unit.test_export_rows import both_ways

LONG_SCOPE = "Handling of complaints & <appeals> ]]> " * 800  # about 31,000 characters


def hostile_certificates() -> None:
    """One client with text a spreadsheet would run as a formula (and characters it cannot
    hold), one with markup, emoji and right-to-left marks (escaped), one with characters a
    workbook cannot hold (left out, then its rows are quick), and one ordinary client."""
    hostile = factories.organisation(
        legal_name="Sun\ufffe Trade\uffff Ltd\x07 \x1f",
        english_name='=HYPERLINK("http://evil")',
        trading_name="  spaced  ",
        address="Line 1\r\nLine 2 & <b>",
        city="-Izmir",
        region="#N/A",
        postcode="",
    )
    cert = certificate(hostile, sites=2, scope="@SUM(A1)\r\nbell\x07")
    cert.sites[1].address = "Kordon\t\x7f\x85\u2028"  # no character to leave out or escape
    cert.sites[1].scope = "+90 call centre"
    marked = factories.organisation(
        legal_name="Fish & Chips <Ltd> ]]> 😀 \u200fشركة\u200f",
        address="Cad. 12 ]]> \r",
        region="Çankaya",
    )
    certificate(marked, sites=2, scope=LONG_SCOPE)
    unseen = factories.organisation(trading_name="Sun\ufffe Trade\uffff\x07", city="İzmir\x1f")
    certificate(unseen, sites=1)
    certificate(factories.organisation(), sites=1)


def test_certsearch_is_byte_for_byte_openpyxls_with_hostile_text(db, monkeypatch):
    hostile_certificates()
    quick, theirs, built = both_ways(monkeypatch, certsearch_bytes)
    assert quick.keys() == theirs.keys()
    for name in quick:
        assert quick[name] == theirs[name], name
    # 4 entities, 4 certifications and 6 sites; openpyxl writes the 3 header rows, the hostile
    # client's entity (formula-like names), certification (@SUM) and second site (+90).
    assert built.count(False) == 3 + 3
    assert built.count(True) == 4 + 4 + 6 - 3


def test_what_the_hostile_rows_read_back_as(db):
    hostile_certificates()
    data = certsearch_bytes()
    names = [entity["Certified Entity Name"] for entity in rows(data, "Certified Entity")]
    assert names[0] == "Sun Trade Ltd "  # U+FFFE, U+FFFF and control characters left out
    assert names[1] == "Fish & Chips <Ltd> ]]> 😀 \u200fشركة\u200f"
    assert rows(data, "Certified Entity")[2]["Certified Entity Trading Name"] == "Sun Trade"
    scopes = [record["Certification Scope"] for record in rows(data, "Certification")]
    assert scopes[:2] == ["@SUM(A1)\r\nbell", LONG_SCOPE]


def test_the_register_is_byte_for_byte_openpyxls_with_hostile_text(db, monkeypatch):
    hostile_certificates()
    quick, theirs, built = both_ways(monkeypatch, register_bytes)
    assert quick == theirs
    # openpyxl writes the header and the hostile client's row (formula-like names), newest last
    assert built == [False, True, True, True, False]
