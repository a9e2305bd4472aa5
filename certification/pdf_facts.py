"""Label / value rows (the facts table of every PDF): laid out and drawn as reportlab's Table
lays out and draws a two-column table of paragraphs, without its machinery per cell.

A report holds dozens of these (each finding is one), and Table's general work (cell styles
resolved per cell, spans, a graphics state saved per cell, preliminary widths) was a tenth of a
report's time for a layout this simple: the label column has a fixed width, the value takes the
rest; each cell is padded 3 points above, 2 below and 6 right of its text, which stands at the
top; a row is as tall as its taller cell; rows never split, but a block splits between rows.
tests/unit/test_pdf_facts.py renders both and compares the pages pixel by pixel.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

TOP, BOTTOM, RIGHT = 3, 2, 6  # points: the cells' padding (Table's defaults, no left padding)


class FactRows(Flowable):
    """Rows of (label, value) flowables; the label column `label_width` points wide."""

    def __init__(self, rows: list[tuple[Flowable, Flowable]], label_width: float) -> None:
        super().__init__()
        self.rows = rows
        self.label_width = label_width
        self.hAlign = "LEFT"
        self._cells: list[tuple[float, float]] = []  # each row's label and value heights
        self._heights: list[float] = []

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        canvas = getattr(self, "canv", None)
        label_room = self.label_width - RIGHT
        value_room = availWidth - self.label_width - RIGHT
        self._cells = [
            (
                label.wrapOn(canvas, label_room, availHeight)[1],
                value.wrapOn(canvas, value_room, availHeight)[1],
            )
            for label, value in self.rows
        ]
        self._heights = [max(cells) + TOP + BOTTOM for cells in self._cells]
        self.width, self.height = availWidth, sum(self._heights)
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        """The rows that fit, then the rest; nothing when not even the first row fits."""
        self.wrap(availWidth, availHeight)
        fitting = rows_fitting(self._heights, availHeight)
        if fitting in (0, len(self.rows)):
            return [] if fitting == 0 else [self]
        label_width = self.label_width
        return [
            FactRows(self.rows[:fitting], label_width),
            FactRows(self.rows[fitting:], label_width),
        ]

    def draw(self) -> None:
        top = self.height
        rows = zip(self.rows, self._cells, self._heights, strict=True)
        for (label, value), (label_height, value_height), height in rows:
            label.drawOn(self.canv, 0, top - TOP - label_height)
            value.drawOn(self.canv, self.label_width, top - TOP - value_height)
            top -= height


def rows_fitting(heights: list[float], room: float) -> int:
    """How many rows, from the first, fit in `room` points (a block splits between rows)."""
    used, fitting = 0.0, 0
    for height in heights:
        if used + height > room:
            break
        used, fitting = used + height, fitting + 1
    return fitting
