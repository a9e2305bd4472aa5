"""A workbook that leaves as it is written: rows go straight into the zip of the .xlsx, and the
zip's bytes go to the download as they come, a chunk of rows at a time.

openpyxl's write-only mode keeps memory flat but writes every sheet to a temporary file and
zips the files when the workbook is saved, so the first byte leaves only when the last row is
written. Here each sheet's XML is written by openpyxl's own sheet writer into its zip entry
(one entry open at a time, the sheets one after the other; rows of plain values as text by
`QuickRowWriter`, the same bytes, far quicker), the zip goes into a `Sink` that
cannot seek (zipfile then writes each entry's sizes after its data), and the download takes
what the sink holds after every chunk of rows. The rest of the workbook (styles, the list of
sheets, content types) is written by openpyxl once the sheets are done.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from itertools import repeat
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter


class Sink:
    """A binary stream that only grows: the zip writes into it, the download takes from it."""

    def __init__(self) -> None:
        self._blocks: list[bytes] = []
        self._size = 0

    def write(self, data) -> int:
        self._blocks.append(bytes(data))
        self._size += len(data)
        return len(data)

    def tell(self) -> int:
        return self._size

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        """The bytes written since the last take."""
        data = b"".join(self._blocks)
        self._blocks.clear()
        return data


class StreamedWorkbook:
    """Sheets of a write-only openpyxl workbook written into the zip as their rows come.

    Create a sheet (`workbook.create_sheet` or `exports.add_sheet`), `start(sheet)` it, append
    its rows, then start the next; `save()` closes the last sheet and writes the rest.
    """

    def __init__(self, workbook, target) -> None:
        self.workbook = workbook
        self.archive = ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True)
        self._entry = None
        self._open_sheet = None

    def start(self, sheet) -> None:
        """From now on the sheet's rows are written into its own zip entry."""
        self._close_sheet()
        sheet._id = self.workbook.worksheets.index(sheet) + 1  # its path names it
        self._entry = self.archive.open(sheet.path[1:], "w")
        sheet._writer = QuickRowWriter(sheet, out=self._entry)
        sheet._writer.write_top()
        self._open_sheet = sheet

    def _close_sheet(self) -> None:
        if self._open_sheet is not None:
            self._open_sheet.close()
            self._entry.close()
            self._open_sheet = self._entry = None

    def save(self) -> None:
        self._close_sheet()
        self.workbook.properties.modified = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        _Writer(self.workbook, self.archive).save()


TEXT_LIMIT = 32767  # the most characters a cell holds (openpyxl cuts longer text)
# What XML text cannot hold, so neither can a workbook: openpyxl's control characters, the
# noncharacters U+FFFE / U+FFFF and lone surrogates (lxml refuses those).
NOT_IN_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
NOT_IN_WORKBOOK = re.compile(f"[{NOT_IN_XML}]")
# Text with any of these needs a careful look: left out, or escaped (&, <, >, and a carriage
# return, which a parser would otherwise read as a line end). Most text has none.
CAREFUL = re.compile(f"[{NOT_IN_XML}&<>\r]")
MARKUP = re.compile("[&<>\r]")
CARRIAGE_RETURN = {"\r": "&#13;"}
# Text openpyxl stores as a formula ("=...") or an error code ("#N/A"), not as text.
OPENPYXL_STARTS = ("=", "#")
BATCH = 200  # quick rows written to the sheet at a time


class PlainRow(list):
    """A row whose texts were checked all at once (`plain_row`): they are written as they are."""


def plain_row(values: list | tuple, starts: tuple[str, ...] = ()) -> PlainRow | None:
    """The values as a PlainRow if every text can be written as it is, else None: no character
    of CAREFUL, none starting with OPENPYXL_STARTS or `starts`, none longer than a cell holds.
    One scan of the row's texts joined, instead of one per value."""
    texts = [value for value in values if type(value) is str]
    joined = "".join(texts)
    if (
        len(joined) > TEXT_LIMIT
        or CAREFUL.search(joined) is not None
        or any(map(str.startswith, texts, repeat(OPENPYXL_STARTS + starts)))
    ):
        return None
    return PlainRow(values)


class QuickRowWriter(WorksheetWriter):
    """openpyxl's sheet writer, with a quicker way for a row of plain values.

    openpyxl makes a cell object for every value and writes each through several calls: for a
    workbook of 50,000 certificates that was most of the time. A row whose values are all text,
    whole numbers, dates or nothing is written here as XML text, the very bytes openpyxl writes
    for them (ASCII, other characters as references), a batch of rows at a time; any other row
    (a header of bold cells, text kept from being read as a formula, other types) goes through
    openpyxl's cells as before. The sheet hands its rows straight to `_sheet_data`.
    """

    def __init__(self, ws, out) -> None:
        super().__init__(ws, out=out)
        ws._write_rows = self._sheet_data  # in place of the sheet's own, which it mirrors
        self._date_style: str | None = None
        self._letters: list[str] = []
        self._pending: list[str] = []

    def _sheet_data(self):
        """The sheet's rows as they are appended, between <sheetData> and </sheetData>."""
        try:
            xf = self.xf.send(True)
        except StopIteration:
            self.ws._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    self.write_row(xf, (yield), row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
            self._write_pending(xf)
        self.xf.send(None)

    def write_row(self, xf, row, row_idx):
        values = row if isinstance(row, list | tuple) else list(row)
        text = self._quick_row(values, row_idx)
        if text is None:
            self._write_pending(xf)
            super().write_row(xf, self.ws._values_to_row(values, row_idx), row_idx)
            return
        self._pending.append(text)
        if len(self._pending) >= BATCH:
            self._write_pending(xf)

    def _write_pending(self, xf) -> None:
        """The quick rows so far, after what openpyxl has written."""
        if self._pending:
            xf.flush()
            self.out.write("".join(self._pending).encode("ascii", "xmlcharrefreplace"))
            self._pending.clear()

    def _quick_row(self, values, row_idx: int) -> str | None:
        """The row's XML, or None when a value (or the row's own height or style) needs
        openpyxl. The texts of a PlainRow were checked already; others are checked here."""
        if self.ws.row_dimensions.get(row_idx):
            return None
        checked = type(values) is PlainRow
        if len(self._letters) < len(values):
            self._letters = [get_column_letter(n) for n in range(1, len(values) + 1)]
        parts = [f'<row r="{row_idx}">']
        for letter, value in zip(self._letters, values, strict=False):  # letters may be more
            if value is None:
                continue
            kind = type(value)
            if kind is str and checked and value:  # most cells: written here, no call
                space = ' xml:space="preserve"' if value != value.strip() else ""
                cell = f'<c r="{letter}{row_idx}" t="inlineStr"><is><t{space}>{value}</t></is></c>'
            elif kind is str:
                cell = _text_cell(value, f"{letter}{row_idx}", checked)
                if cell is None:
                    return None
            elif kind is int:
                cell = f'<c r="{letter}{row_idx}" t="n"><v>{safe_string(value)}</v></c>'
            elif kind is datetime.date:
                cell = self._date_cell(value, f"{letter}{row_idx}")
            else:
                return None
            parts.append(cell)
        parts.append("</row>")
        return "".join(parts)

    def _date_cell(self, day: datetime.date, reference: str) -> str:
        """A date as openpyxl writes it: its serial number in the yyyy-mm-dd style."""
        if self._date_style is None:  # the style openpyxl registers for dates, once
            self._date_style = f"{WriteOnlyCell(self.ws, value=datetime.date(2000, 1, 1)).style_id}"
        serial = safe_string(to_excel(day, self.ws.parent.epoch))
        return f'<c r="{reference}" s="{self._date_style}" t="n"><v>{serial}</v></c>'


def _text_cell(value: str, reference: str, checked: bool) -> str | None:
    """A text cell as openpyxl writes it (None if openpyxl must write it): empty text open and
    closed, xml:space where text has spaces at its ends."""
    if not value:
        return f'<c r="{reference}" t="inlineStr"></c>'
    space = ' xml:space="preserve"' if value != value.strip() else ""
    if not checked:
        if not _plain_text(value):
            return None
        if MARKUP.search(value) is not None:
            value = escape(value, CARRIAGE_RETURN)
    return f'<c r="{reference}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _plain_text(value: str) -> bool:
    """Text openpyxl stores as it is: not too long, not a formula or an error code, no
    character a workbook cannot hold."""
    return (
        len(value) <= TEXT_LIMIT
        and not (len(value) > 1 and value[0] == "=")
        and value not in ERROR_CODES
        and NOT_IN_WORKBOOK.search(value) is None
    )


class _Writer(ExcelWriter):
    """openpyxl's workbook writer, for sheets already in the archive."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


def stream_workbook(steps: Callable[[Sink], Iterator]) -> Iterator[bytes]:
    """The bytes of the workbook that `steps(sink)` writes, taken after each of its steps.

    The first step is run at once (before the first byte): a writer that refuses (its checks
    come before its first `yield`) raises here, while an error page can still be sent."""
    sink = Sink()
    running = steps(sink)
    next(running, None)
    return _taken(sink, running)


def _taken(sink: Sink, running: Iterator) -> Iterator[bytes]:
    yield sink.take()
    for _step in running:
        if data := sink.take():
            yield data
    yield sink.take()
