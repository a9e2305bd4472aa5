"""Right-to-left text in PDFs: wrapped in reading (logical) order first, then each line put in
visual order by the bidi algorithm, so a long Arabic name with Latin parts and parentheses keeps
its lines in order and its brackets the right way round.

reportlab wraps a paragraph itself; given text already in visual order it would cut it into lines
from the wrong end. So the lines are made here, measured with the shaped glyphs that are drawn,
and handed to a Paragraph as explicit line breaks.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi.algorithm import get_display  # the reference algorithm: it mirrors brackets (L4)
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

SAFETY = 1.0  # points left free on each line, so that reportlab never wraps a line again


def has_right_to_left(text: str) -> bool:
    if text.isascii():  # most labels and cells: no need to look at each character
        return False
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
    whole unless one alone is wider than the line. Arabic letters join within a word only, so a
    line's width is its shaped words' widths and the spaces between them."""
    space = stringWidth(" ", font, size)
    room = width - SAFETY

    def measure(word: str) -> float:
        return _shaped_width(word, font, size)

    def fits(candidate: str) -> bool:
        return measure(candidate) <= room

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            wide = measure(word)
            if line and used + space + wide <= room:
                line, used = f"{line} {word}", used + space + wide
                continue
            if line:
                lines.append(line)
            line, used = word, wide
            while len(line) > 1 and used > room:  # one word wider than the line
                guess = int(room / (used / len(line)) * 1.5) + 2  # well past where it fits
                cut = _longest_fitting(line[:guess], fits)
                lines.append(line[:cut])
                line = line[cut:]
                used = measure(line)
        lines.append(line)
    return lines


@lru_cache(maxsize=4096)
def _shaped_width(word: str, font: str, size: float) -> float:
    return stringWidth(arabic_reshaper.reshape(word), font, size)


def _longest_fitting(word: str, fits) -> int:
    """How many leading characters of `word` fit on a line (at least one): a binary search."""
    low, high = 1, max(1, len(word) - 1) if not fits(word) else len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(word[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


class WrappedOnce(Paragraph):
    """reportlab's Paragraph, laying its lines out once per width.

    A table asks each cell for its size two or three times at the same width (to size the rows,
    then to draw them), and each ask broke the lines anew: that was the largest cost of a report
    PDF. The lines depend only on the width (the text and the style do not change), so the last
    layout is kept and used again for the same width, as long as it is still the paragraph's
    (reportlab drops it when a split finds no room). The PDF is byte for byte the same.
    """

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        kept = self.__dict__.get("_kept_layout")
        if kept is not None and kept[0] == availWidth and kept[1] is self.__dict__.get("blPara"):
            self.width, self.height = kept[2]
            return kept[2]
        size = super().wrap(availWidth, availHeight)
        self._kept_layout = (availWidth, self.__dict__.get("blPara"), size)
        return size


class BidiParagraph(Flowable):
    """A paragraph of text with right-to-left parts, wrapped before the bidi algorithm runs."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text = text
        self.style = style
        self.base = base_direction(text)
        self._inner: Paragraph | None = None
        self._inner_width: float | None = None

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
        return WrappedOnce(markup, ParagraphStyle("bidi", parent=style, alignment=alignment))

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        if self._inner is None or availWidth != self._inner_width:  # laid out once per width
            self._inner, self._inner_width = self._paragraph(availWidth), availWidth
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
