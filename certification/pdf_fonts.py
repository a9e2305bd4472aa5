"""Fonts and text shaping shared by every PDF the product makes (quotes, reports, certificates).

DejaVu Sans is embedded so that names in any script (Turkish, Cyrillic, Georgian, Vietnamese,
Arabic) render; Arabic is also reshaped and put in visual order, which PDF text needs.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import NamedTuple

import arabic_reshaper
from bidi import get_display
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


class Fonts(NamedTuple):
    regular: str
    bold: str


def register_fonts() -> Fonts:
    """Register DejaVu Sans (regular and bold) with reportlab once; return the font names."""
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        # So that <b> inside a Paragraph picks the bold face.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
    return Fonts(REGULAR, BOLD)


def _has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def display_text(text: str | None) -> str:
    """Text ready to draw: Arabic letters joined and right-to-left runs in visual order.

    reportlab draws glyphs one by one, left to right, with no shaping; text without
    right-to-left characters is returned unchanged.
    """
    text = text or ""
    if not _has_right_to_left(text):
        return text
    lines = text.split("\n")
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in lines)
