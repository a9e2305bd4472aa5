"""A page footer that knows the page count: "page X of Y", the body's name and the document's
identity on every page, and an optional mark (DRAFT) across each page.

reportlab learns the number of pages only at the end; the canvas keeps each page's state and
draws the footers when it saves (the usual "numbered canvas" recipe).
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from certification.pdf_kit import display_text, register_fonts

MUTED = colors.HexColor("#5b6b7b")


def footed_canvas(
    left: str, right: str, page_words: Callable[[int, int], str], watermark: str = ""
) -> type[Canvas]:
    """A Canvas class for `doc.build(..., canvasmaker=...)`: `left` and `right` texts and
    `page_words(page, pages)` at the foot of each page; `watermark` drawn across it if given."""

    class FootedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._foot(total)
                super().showPage()
            super().save()

        def _foot(self, total: int) -> None:
            fonts = register_fonts()
            width, _height = self._pagesize
            self.saveState()
            self.setFont(fonts.regular, 7.5)
            self.setFillColor(MUTED)
            self.drawString(18 * mm, 9 * mm, display_text(left))
            self.drawRightString(
                width - 18 * mm,
                9 * mm,
                display_text(f"{right} · {page_words(self._pageNumber, total)}"),
            )
            if watermark:
                self._watermark(fonts.bold)
            self.restoreState()

        def _watermark(self, font: str) -> None:
            width, height = self._pagesize
            self.setFont(font, 90)
            self.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.12))
            self.translate(width / 2, height / 2)
            self.rotate(45)
            self.drawCentredString(0, -30, display_text(watermark))

    return FootedCanvas
