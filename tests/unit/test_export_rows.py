"""The streamed workbook's quick rows (exports/streaming.QuickRowWriter): the very XML openpyxl
writes for the same values, and the values a spreadsheet reads back."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._writer import WorksheetWriter

from certification.exports import add_sheet, safe_row, streaming
from certification.exports.streaming import StreamedWorkbook

# Rows of plain values: text (any script, spaces at the ends), whole numbers, dates.
QUICK = [
    ["TR-2026-00001", 1, "Aktif", "Güneş Müşteri Hizmetleri A.Ş.", None, date(2026, 3, 15)],
    ["  spaces kept  ", 0, "Грузия / საქართველო", "x = y", 123456789, date(1999, 12, 31)],
    ["العربية", -3, "tab\there", "", 10**20, None],
    [None, None],
    ["Fish & Chips <Ltd>", "line\r\nends\rkept\n", "]]> &amp; &#13;", " ", "😀 ‏RTL‏"],
    # left out by safe_row (U+FFFE, U+FFFF, a bell, a lone surrogate), then quick
    ["Sun\ufffe Trade\uffff", "bell\x07", "half \ud800", "del\x7f nel\x85 ls\u2028", "\t", "x"],
]
# Rows openpyxl must write: formula-like text (kept as text), an error code, other types, text
# longer than a cell holds.
OTHER = [
    ["=SUM(A1:A2)", 2, "x", None, None, date(2026, 11, 30)],
    ["#N/A", 3, "x", None, None, None],
    ["Straße", True, 2.5, Decimal("7.25"), datetime(2026, 1, 2, 3, 4), "x" * 40_000],
]
ROWS = [QUICK[0], *OTHER[:2], QUICK[1], *OTHER[2:], *QUICK[2:]]


def workbook_bytes(rows=ROWS) -> bytes:
    """A register-like workbook: bold headers, widths, frozen panes, then the rows (made safe as
    the exports make them)."""
    target = io.BytesIO()
    book = StreamedWorkbook(Workbook(write_only=True), target)
    sheet = add_sheet(
        book, "Register", ["Number", "Revision", "Status", "Name", "X", "Day"], [9] * 6
    )
    for row in rows:
        sheet.append(safe_row(sheet, row))
    sheet.append(value for value in ("from", "a", "generator"))
    book.save()
    return target.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if "docProps" not in name}


def both_ways(monkeypatch, write) -> tuple[dict, dict, list[bool]]:
    """The parts of the workbook `write()` makes, the quick way and by openpyxl's own rows, and
    for each row the quick writer saw whether it took the quick way."""
    built = []
    quick_row = streaming.QuickRowWriter._quick_row

    def counted(self, values, row_idx):
        text = quick_row(self, values, row_idx)
        built.append(text is not None)
        return text

    with monkeypatch.context() as patched:
        patched.setattr(streaming.QuickRowWriter, "_quick_row", counted)
        quick = parts(write())
        patched.setattr(streaming, "QuickRowWriter", WorksheetWriter)  # openpyxl's own rows
        theirs = parts(write())
    return quick, theirs, built


def test_the_sheet_xml_is_byte_for_byte_openpyxls(monkeypatch):
    quick, theirs, built = both_ways(monkeypatch, lambda: workbook_bytes(ROWS))
    assert built.count(True) == len(QUICK) + 1  # and the generator's row
    assert built.count(False) == len(OTHER) + 1  # and the bold headers
    assert quick.keys() == theirs.keys()
    for name in quick:
        assert quick[name] == theirs[name], name


def test_quick_rows_written_in_batches_keep_their_place_among_openpyxls(monkeypatch):
    """More rows than one batch, every 37th one for openpyxl: the order and bytes stay."""
    rows = [
        OTHER[n % len(OTHER)] if n % 37 == 0 else [f"TR-{n:05d}", n, f"A & B {n}", None, "", None]
        for n in range(3 * streaming.BATCH + 11)
    ]
    quick, theirs, built = both_ways(monkeypatch, lambda: workbook_bytes(rows))
    assert built.count(False) == 1 + len(range(0, len(rows), 37))
    assert quick == theirs


def test_a_spreadsheet_reads_every_value_back():
    sheet = load_workbook(io.BytesIO(workbook_bytes()))["Register"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == [
        "TR-2026-00001",
        1,
        "Aktif",
        "Güneş Müşteri Hizmetleri A.Ş.",
        None,
        datetime(2026, 3, 15),
    ]
    assert rows[1][0] == "=SUM(A1:A2)" and sheet["A3"].data_type == "s"  # text, not a formula
    assert rows[3][0] == "  spaces kept  " and rows[3][3] == "x = y" and rows[3][4] == 123456789
    assert sheet["F5"].number_format == "yyyy-mm-dd" and rows[3][5] == datetime(1999, 12, 31)
    assert rows[4][5] == "x" * 32767  # cut to what a cell holds, as before
    assert rows[5][:3] == ["العربية", -3, "tab\there"]
    assert rows[6] == [None] * 6
    assert rows[7][:3] == ["Fish & Chips <Ltd>", "line\r\nends\rkept\n", "]]> &amp; &#13;"]
    assert rows[8] == ["Sun Trade", "bell", "half ", "del\x7f nel\x85 ls\u2028", "\t", "x"]
    assert rows[9] == ["from", "a", "generator", None, None, None]
    assert sheet["A1"].font.bold


@pytest.mark.parametrize("value", ["=A1", "#DIV/0!", "x" * 32768, "bell\x07"])
def test_text_openpyxl_treats_specially_is_left_to_it(value):
    assert not streaming._plain_text(value)


@pytest.mark.parametrize(
    "value",
    [
        "=A1",
        "#N/A",
        "+1",
        "-2",
        "@x",
        "a & b",
        "<b>",
        "a > b",
        "cr\r",
        "bell\x07",
        "\ufffe",
        "\ud800",
    ],
)
def test_a_row_with_text_needing_care_is_not_handed_over_plain(value):
    assert streaming.plain_row(["TR-1", 1, value, None], ("+", "-", "@")) is None


def test_the_texts_of_a_row_are_checked_together_up_to_a_cells_length():
    row = ["Güneş 😀 ‏RTL‏", "  spaces  ", "", 7, None, date(2026, 1, 2)]
    assert streaming.plain_row(row) == row and type(streaming.plain_row(row)) is streaming.PlainRow
    assert streaming.plain_row(["x" * 20_000, "y" * 20_000]) is None  # one of them may be long
