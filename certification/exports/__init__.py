"""Certificate workbooks for staff and for IAF CertSearch: streamed, write-only openpyxl
(streaming.py: the rows go into the file, and to the download, as they are read).

The helpers here are shared by register.py and certsearch.py: a write-only sheet with a bold,
frozen header row, and text that a spreadsheet can never run as a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# NOT_IN_WORKBOOK: what a workbook cannot hold (control characters, U+FFFE, U+FFFF, lone
# surrogates: lxml raised on those and the download broke); left out of user text.
from certification.exports.streaming import NOT_IN_WORKBOOK, plain_row

# Spreadsheets run cells that start with these as formulas; user text is always stored as text.
FORMULA_STARTS = ("=", "+", "-", "@")
# Excel refuses a cell longer than this.
CELL_LIMIT = 32_767
# Rows fetched from the database per round trip; the whole register is never in memory.
CHUNK = 500
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Told the number of rows read so far, every CHUNK rows (the command line shows it on a terminal).
PROGRESS: ContextVar[Callable[[int], None] | None] = ContextVar("export_progress", default=None)


@contextmanager
def reporting(progress: Callable[[int], None] | None):
    """While inside, the exports tell `progress` how far they are."""
    token = PROGRESS.set(progress)
    try:
        yield
    finally:
        PROGRESS.reset(token)


class ExportRefused(ValueError):
    """The workbook cannot be written; every problem found is listed, nothing was written."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def add_sheet(book, title: str, headers: Sequence[str], widths: Sequence[int]):
    """A write-only sheet of the `StreamedWorkbook` whose first row holds the bold headers
    and stays in view; its rows go into the workbook's zip from here on."""
    sheet = book.workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    book.start(sheet)  # after the panes and widths: they are written before the rows
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet


def safe_row(sheet, values: Iterable) -> list:
    """The row with every formula-like text wrapped in a cell stored as text, and characters a
    workbook cannot hold left out. A row whose texts need neither (most rows: one scan of them
    all tells) is handed over as it is, marked for the sheet's quick way."""
    values = values if isinstance(values, list | tuple) else list(values)
    plain = plain_row(values, FORMULA_STARTS)
    return plain if plain is not None else [safe_value(sheet, value) for value in values]


def safe_value(sheet, value):
    if not isinstance(value, str):
        return value
    # Control characters (pasted from other programs) are not allowed in a workbook at all.
    value = NOT_IN_WORKBOOK.sub("", value)
    if value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value
