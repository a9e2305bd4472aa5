"""A QR code drawn on a PDF page: the matrix made by zxing-cpp, drawn as filled rectangles.

reportlab's own QR flowable encodes in pure Python on every drawing (about a third of a
certificate's time). segno, pure Python too, spent 10 ms of a certificate's 25 choosing the
best of the eight masks; zxing-cpp (C++, the same choice of mask by the standard's penalty
rules) makes the matrix in half a millisecond. The matrix of an address is kept besides (a
certificate's verification address never changes: the PDF drawn again reuses it). Each run of
dark modules in a row is one rectangle, so the page holds a few hundred drawing operations
instead of one per module.
"""

from __future__ import annotations

from functools import lru_cache

import zxingcpp
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of light border around the code (ISO/IEC 18004)


@lru_cache(maxsize=1024)
def qr_runs(value: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """(modules per side with the quiet zone, dark runs as (row, first column, length)), error
    correction level M like the code reportlab drew before."""
    symbol = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    side = image.shape[0]
    pixels = image.tobytes()  # one byte per module, row after row: 0 dark, 255 light
    runs = []
    for row in range(side):
        modules = pixels[row * side : (row + 1) * side]
        column = 0
        while column < side:
            if modules[column] == 0:
                start = column
                while column < side and modules[column] == 0:
                    column += 1
                runs.append((row + QUIET_ZONE, start + QUIET_ZONE, column - start))
            else:
                column += 1
    return side + 2 * QUIET_ZONE, tuple(runs)


class QrFlowable(Flowable):
    """A QR code of `value`, `size` points square (quiet zone included)."""

    def __init__(self, value: str, size: float) -> None:
        super().__init__()
        self.value, self.size = value, size
        self.width = self.height = size

    def wrap(self, *_available):
        return self.size, self.size

    def draw(self) -> None:
        modules, runs = qr_runs(self.value)
        unit = self.size / modules
        canvas = self.canv
        canvas.saveState()
        canvas.setFillGray(0)
        top = self.size
        for row, column, length in runs:
            canvas.rect(column * unit, top - (row + 1) * unit, length * unit, unit, 0, 1)
        canvas.restoreState()
