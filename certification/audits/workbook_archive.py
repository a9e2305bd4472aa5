"""Opening an uploaded workbook safely: it is a zip of XML files, any of which may be hostile.

- Size: the file is capped, and so is what it inflates to, counted while actually decompressing
  (a zip entry can declare a small size and hold a large one; reading it whole also checks every
  entry's CRC, so a truncated or altered entry is refused here rather than half-way through).
- XML: openpyxl parses with defusedxml (a dependency), which refuses entity expansion ("billion
  laughs") and external entities.
- Anything else the parser trips on while reading the sheets is "not a workbook", never a 500.
"""

from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager

from flask_babel import gettext as _
from openpyxl import load_workbook

from certification.audits.workbook import MAX_INFLATION, WorkbookRefused

READ_CHUNK = 64 * 1024


def not_a_workbook() -> WorkbookRefused:
    return WorkbookRefused([_("The file is not an Excel workbook (.xlsx).")])


def larger_than_it_looks() -> WorkbookRefused:
    return WorkbookRefused([_("The file is larger than it looks; it was refused.")])


@contextmanager
def opened_workbook(data: bytes, limit: int):
    """The workbook, read-only, after the checks above; closed afterwards. Any error while the
    caller reads it (a broken sheet) becomes WorkbookRefused."""
    if len(data) > limit:
        raise WorkbookRefused(
            [_("The file is larger than %(limit)s MiB.", limit=round(limit / 1024 / 1024, 1))]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_inflation(archive, limit * MAX_INFLATION)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except WorkbookRefused:
        raise
    except Exception as error:  # zipfile, XML and openpyxl errors alike: not a usable workbook
        raise not_a_workbook() from error
    try:
        yield workbook
    except WorkbookRefused:
        raise
    except Exception as error:
        raise not_a_workbook() from error
    finally:
        workbook.close()


def check_inflation(archive: zipfile.ZipFile, most: int) -> None:
    """Refuse an archive whose entries inflate to more than `most` bytes, declared or real."""
    if sum(info.file_size for info in archive.infolist()) > most:
        raise larger_than_it_looks()
    total = 0
    for info in archive.infolist():
        with archive.open(info) as member:
            while chunk := member.read(READ_CHUNK):
                total += len(chunk)
                if total > most:
                    raise larger_than_it_looks()
