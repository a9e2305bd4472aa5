"""Plain text paragraphs, made without reportlab's markup parser.

Almost every paragraph of a report is plain text: a clause number, a score, a question, a label.
reportlab's Paragraph reads its text as markup with an HTML parser, even when there is no markup
to read, and that parse was a fifth of a report PDF's time. For text with nothing to parse (no
`&`, `<`, `>` and no line break), the parser's answer is known: one fragment in the style's font,
size and colour holding the text with its white space collapsed. That fragment is made here, from
a fragment the parser itself made once for the style's font, size and colour, and handed to
Paragraph, which takes ready fragments (its `frags` argument). The PDF is byte for byte the same.

Such a paragraph's lines depend only on its text, its style and the width, so paragraphs alike
share one line breaking (PlainParagraph): a report lays out "Question", "Statement", "100 %" or
"1 / 1" in the same style and width tens of times, four paragraphs in ten.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from weakref import WeakKeyDictionary

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

from certification.pdf_bidi import WrappedOnce

NEEDS_MARKUP = re.compile(r"[&<>\n]")  # what paragraph_text escapes or turns into <br/>


class PlainParagraph(WrappedOnce):
    """Plain text in one style (plain_paragraph): its line breaking is shared by the paragraphs
    of the same text, style and width. The styles of a document are made for it and not changed
    while it is built; a style's layouts go when the style does."""

    plain_text: str | None = None  # None for the pieces reportlab makes when it splits one

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        if self.plain_text is None:
            return super().breakLines(width)
        layouts = _LAYOUTS.setdefault(self.style, {})
        key = (self.plain_text, tuple(width) if isinstance(width, list) else width)
        known = layouts.get(key)
        if known is None:
            known = layouts[key] = (super().breakLines(width), self._width_max)
        else:  # what breakLines leaves on the paragraph besides the lines
            self._width_max = known[1]
            self._splitLongWordCount = self._hyphenations = 0
        return known[0]


_LAYOUTS: WeakKeyDictionary = WeakKeyDictionary()  # style -> {(text, widths): (lines, widest)}


def plain_paragraph(text: str, style: ParagraphStyle) -> PlainParagraph | None:
    """The paragraph reportlab would make of `text` as markup (escaped), or None when the text
    holds something a parse must read (an entity, a tag character, a line break) or nothing."""
    if NEEDS_MARKUP.search(text) is not None:
        return None
    cleaned = _cleaned(text)
    if not cleaned:
        return None
    fragment = copy.copy(_parsed_fragment(style.fontName, style.fontSize, style.textColor))
    fragment.text = cleaned
    fragment.link, fragment.us_lines = [], []  # the parser gives each fragment lists of its own
    fragments = [fragment]
    textTransformFrags(fragments, style)
    paragraph = PlainParagraph(cleaned, style, frags=fragments)
    paragraph.plain_text = cleaned
    return paragraph


def _cleaned(text: str) -> str:
    """What Paragraph does to its text before parsing it (cleanBlockQuotedText): white space runs
    made one space, the ends trimmed. For one line, Python's split() does the same unless the
    text holds a no-break space or a zero-width space (reportlab's white space differs there)."""
    if "\xa0" in text or "\u200b" in text:
        return cleanBlockQuotedText(text)
    return " ".join(text.split())


@lru_cache(maxsize=64)
def _parsed_fragment(font: str, size: float, colour):
    """The parser's fragment for one word in this font, size and colour (all it reads from a
    style for text without tags)."""
    parser = ParaParser()
    parser.caseSensitive = 1
    style = ParagraphStyle("plain", fontName=font, fontSize=size, textColor=colour)
    _style, fragments, _bullet = parser.parse("x", style)
    return fragments[0]
