"""The report's chart of section scores: one horizontal bar per section, 0 to 100 %.

Drawn with a few canvas calls. reportlab's chart widget made the same picture by building and
checking a tree of about fifty shapes and labels, a hundred attribute checks each, for five bars:
3.5 to 5.4 ms, a fifteenth of the whole report's time.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from certification.pdf_kit import display_text, register_fonts

BAR = colors.HexColor("#3b6ea5")
FONT_SIZE = 7  # points, the labels
ROW = 14  # points of height per section
GAP, RIGHT = 8, 16  # between a label and its bar; room for the axis's "100"
TICK = 5  # the axes' tick marks, and the labels' distance from them
STEPS = range(0, 101, 20)  # the value axis
BAR_SHARE = 10 / 15  # of a row's height; the rest is even space above and below


class SectionBars(Flowable):
    """Bars top to bottom in the order given; each label right-aligned left of its bar."""

    def __init__(self, labels: list[str], percents: list[float | None], width: float) -> None:
        super().__init__()
        self.labels = [display_text(label) for label in labels]  # Arabic joined, in visual order
        self.percents = [percent or 0 for percent in percents]
        self.width = width
        self.height = ROW * len(labels) + 30

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        return self.width, self.height

    def draw(self) -> None:
        canvas, font = self.canv, register_fonts().regular
        widest = max((stringWidth(label, font, FONT_SIZE) for label in self.labels), default=0)
        left, bottom = widest + GAP, 20
        width = self.width - left - RIGHT
        row = (self.height - 30) / max(len(self.labels), 1)
        top = bottom + row * len(self.labels)
        canvas.saveState()
        canvas.setFillColor(BAR)
        for index, percent in enumerate(self.percents):
            y = top - (index + 1) * row + row * (1 - BAR_SHARE) / 2
            if percent > 0:
                canvas.rect(left, y, width * min(percent, 100) / 100, row * BAR_SHARE, 0, 1)
        canvas.setStrokeColor(colors.black)
        canvas.setFillColor(colors.black)
        canvas.setLineWidth(1)
        canvas.line(left, bottom, left + width, bottom)  # the value axis
        canvas.line(left, bottom, left, top)  # the sections' axis
        canvas.setFont(font, FONT_SIZE)
        for step in STEPS:
            x = left + width * step / 100
            canvas.line(x, bottom, x, bottom - TICK)
            canvas.drawCentredString(x, bottom - TICK - FONT_SIZE, str(step))
        for index, label in enumerate(self.labels):
            y = top - index * row
            canvas.line(left - TICK, y, left, y)
            canvas.drawRightString(left - TICK, y - row / 2 - FONT_SIZE * 0.35, label)
        canvas.line(left - TICK, bottom, left, bottom)
        canvas.restoreState()
