"""A workbook that leaves as it is written: rows go straight into the zip of the .xlsx, and the
zip's bytes go to the download as they come, a chunk of rows at a time.

openpyxl's write-only mode keeps memory flat but writes every sheet to a temporary file and
zips the files when the workbook is saved, so the first byte leaves only when the last row is
written. Here each sheet's XML is written by openpyxl's own sheet writer into its zip entry
(one entry open at a time, the sheets one after the other), the zip goes into a `Sink` that
cannot seek (zipfile then writes each entry's sizes after its data), and the download takes
what the sink holds after every chunk of rows. The rest of the workbook (styles, the list of
sheets, content types) is written by openpyxl once the sheets are done.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from lxml import etree
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
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
CARRIAGE_RETURN = {"\r": "&#13;"}  # kept as it is: a parser would read a bare one as a line end
ROW_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
MARKUP = re.compile("[&<>\r]")  # what text must have escaped (most has none)


class QuickRowWriter(WorksheetWriter):
    """openpyxl's sheet writer, with a quicker way for a row of plain values.

    openpyxl makes a cell object for every value and writes each through several calls: for a
    workbook of 50,000 certificates that was most of the time. A row whose values are all text,
    whole numbers, dates or nothing is built here as one element, the same XML openpyxl writes
    for them; any other row (a header of bold cells, text kept from being read as a formula, other
    types) goes through openpyxl's cells as before.
    """

    def __init__(self, ws, out) -> None:
        super().__init__(ws, out=out)
        self._cells_of = ws._values_to_row  # openpyxl's own values-to-cells, for other rows
        ws._values_to_row = _as_given  # the sheet hands each appended row over as it is
        self._date_style: str | None = None

    def write_row(self, xf, row, row_idx):
        values = row if isinstance(row, list | tuple) else list(row)
        element = self._quick_row(values, row_idx)
        if element is None:
            super().write_row(xf, self._cells_of(values, row_idx), row_idx)
        else:
            xf.write(element)

    def _quick_row(self, values, row_idx: int):
        """The row's element, or None when a value (or the row's own height or style) needs
        openpyxl. Its XML is written as text and read into one element: far quicker than an
        element per cell, and lxml writes it out exactly as it writes openpyxl's."""
        if self.ws.row_dimensions.get(row_idx):
            return None
        parts = [f'<row r="{row_idx}">']
        empty: list[int] = []  # cells of empty text, by position
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            kind = type(value)
            reference = f"{get_column_letter(column)}{row_idx}"
            if kind is str:
                if not _plain_text(value):
                    return None
                if not value:
                    empty.append(len(parts) - 1)
                    parts.append(f'<c r="{reference}" t="inlineStr"/>')
                    continue
                space = ' xml:space="preserve"' if value != value.strip() else ""
                text = escape(value, CARRIAGE_RETURN) if MARKUP.search(value) else value
                parts.append(f'<c r="{reference}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif kind is int:
                parts.append(f'<c r="{reference}" t="n"><v>{safe_string(value)}</v></c>')
            elif kind is datetime.date:
                serial = safe_string(to_excel(value, self.ws.parent.epoch))
                style = self._date_style_id()
                parts.append(f'<c r="{reference}" s="{style}" t="n"><v>{serial}</v></c>')
            else:
                return None
        parts.append("</row>")
        row = etree.fromstring("".join(parts), ROW_PARSER)
        # Written open and closed, as openpyxl writes them (a parsed empty element would close
        # itself): empty text cells, and a row with no values at all.
        for position in empty:
            row[position].text = ""
        if len(row) == 0:
            row.text = ""
        return row

    def _date_style_id(self) -> str:
        """The style openpyxl gives a date cell (its yyyy-mm-dd format), registered once."""
        if self._date_style is None:
            self._date_style = f"{WriteOnlyCell(self.ws, value=datetime.date(2000, 1, 1)).style_id}"
        return self._date_style


def _as_given(values, _row_idx):
    return values


def _plain_text(value: str) -> bool:
    """Text openpyxl stores as it is: not too long, not a formula or an error code, no
    character a workbook cannot hold."""
    return (
        len(value) <= TEXT_LIMIT
        and not (len(value) > 1 and value[0] == "=")
        and value not in ERROR_CODES
        and ILLEGAL_CHARACTERS_RE.search(value) is None
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
