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
from collections.abc import Callable, Iterator
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
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
        sheet._writer = WorksheetWriter(sheet, out=self._entry)
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
