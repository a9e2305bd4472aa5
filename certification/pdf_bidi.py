"""Right-to-left text in PDFs: wrapped in reading (logical) order first, then each line put in
visual order by the bidi algorithm, so a long Arabic name with Latin parts and parentheses keeps
its lines in order and its brackets the right way round.

reportlab wraps a paragraph itself; given text already in visual order it would cut it into lines
from the wrong end. So the lines are made here, measured with the shaped glyphs that are drawn,
and handed to a Paragraph as explicit line breaks.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi.algorithm import get_display  # the reference algorithm: it mirrors brackets (L4)
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

SAFETY = 1.0  # points left free on each line, so that reportlab never wraps a line again


def has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def base_direction(text: str) -> str:
    """ "R" or "L": the direction of the first strong character (Unicode bidi rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "L"


def visual_line(line: str, base: str) -> str:
    """One line, shaped and in visual order (brackets mirrored inside right-to-left runs)."""
    return get_display(arabic_reshaper.reshape(line), base_dir=base)


def wrap_logical(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines in reading order, each at most `width` points wide once shaped; words are kept
    whole unless one alone is wider than the line."""

    def fits(candidate: str) -> bool:
        return stringWidth(arabic_reshaper.reshape(candidate), font, size) <= width - SAFETY

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while len(line) > 1 and not fits(line):  # one word wider than the line
                cut = next(n for n in range(len(line) - 1, 0, -1) if fits(line[:n]))
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


class BidiParagraph(Flowable):
    """A paragraph of text with right-to-left parts, wrapped before the bidi algorithm runs."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text = text
        self.style = style
        self.base = base_direction(text)
        self._inner: Paragraph | None = None

    def _paragraph(self, width: float) -> Paragraph:
        style = self.style
        lines = wrap_logical(self.text, style.fontName, style.fontSize, width)
        markup = "<br/>".join(escape(visual_line(line, self.base)) for line in lines)
        alignment = style.alignment
        if self.base == "R" and alignment == TA_LEFT:
            alignment = TA_RIGHT
        elif self.base == "L" and alignment == TA_RIGHT:
            alignment = TA_LEFT
        if alignment not in (TA_LEFT, TA_RIGHT, TA_CENTER):
            alignment = TA_RIGHT if self.base == "R" else TA_LEFT
        return Paragraph(markup, ParagraphStyle("bidi", parent=style, alignment=alignment))

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        self._inner = self._paragraph(availWidth)
        self.width, self.height = self._inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        return self._paragraph(availWidth).split(availWidth, availHeight)

    def minWidth(self) -> float:  # noqa: N802
        words = self.text.split()
        font, size = self.style.fontName, self.style.fontSize
        return max((stringWidth(arabic_reshaper.reshape(w), font, size) for w in words), default=0)

    def draw(self) -> None:
        self._inner.drawOn(self.canv, 0, 0)
