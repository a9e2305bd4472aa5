"""The building blocks shared by every PDF the product makes (quotes, reports, certificates):
fonts, paragraph styles, safe text, the A4 page, the facts table, the ruled table, site lines.

DejaVu Sans is embedded so that names in any script (Turkish, Cyrillic, Georgian, Vietnamese,
Arabic) render; Arabic is also reshaped and put in visual order, which PDF text needs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

import arabic_reshaper
from babel import Locale
from bidi.algorithm import get_display  # the reference algorithm: it mirrors brackets (L4)
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

from certification.edge import NONCHARACTERS, SURROGATES
from certification.pdf_bidi import BidiParagraph, WrappedOnce, has_right_to_left
from certification.pdf_facts import FactRows
from certification.pdf_grid import RuledRows, reproduces
from certification.pdf_plain import plain_paragraph

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
LINE = colors.HexColor("#c9d2db")
SHADE = colors.HexColor("#eef2f6")


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


# Characters no font draws (each was a missing-glyph box): Unicode's noncharacters and lone
# surrogates. The app's edge strips them from what is typed (edge.py); text stored before
# that, or by an import, may still hold them.
NOT_DRAWN = re.compile(f"[{NONCHARACTERS}{SURROGATES}]")


def drawable(text: str) -> str:
    return text if text.isascii() else NOT_DRAWN.sub("", text)


def display_text(text: str | None) -> str:
    """Text ready to draw: Arabic letters joined and right-to-left runs in visual order.

    reportlab draws glyphs one by one, left to right, with no shaping; text without
    right-to-left characters is returned unchanged (less any character no font draws).
    """
    text = drawable(text or "")
    if not has_right_to_left(text):
        return text
    lines = text.split("\n")
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in lines)


def paragraph_text(value) -> str:
    """User text made safe for a Paragraph, with Arabic shaped; line breaks kept."""
    return escape(display_text(str(value or ""))).replace("\n", "<br/>")


# User text goes into the story in pieces of at most this many lines and characters. A page break
# can fall between them; reportlab splits one long Paragraph again at each page, re-wrapping the
# rest every time (seconds for a few thousand short lines), and cannot split a table cell at all.
CHUNK_LINES = 20
CHUNK_CHARS = 1200


def text_chunks(value) -> list[str]:
    """User text cut into pieces of at most CHUNK_LINES lines and about CHUNK_CHARS characters,
    at line ends, else at a space, else anywhere (one unbroken word); never empty."""
    chunks: list[str] = []
    lines: list[str] = []
    size = 0
    for line in str(value or "").split("\n"):
        while len(line) > CHUNK_CHARS:
            cut = line.rfind(" ", 0, CHUNK_CHARS) + 1 or CHUNK_CHARS
            chunks.append("\n".join([*lines, line[:cut]]) if lines else line[:cut])
            lines, size, line = [], 0, line[cut:]
        if lines and (len(lines) >= CHUNK_LINES or size + len(line) > CHUNK_CHARS):
            chunks.append("\n".join(lines))
            lines, size = [], 0
        lines.append(line)
        size += len(line) + 1
    chunks.append("\n".join(lines))
    return chunks


def text_paragraphs(value, style: ParagraphStyle) -> list[Flowable]:
    """User text (any length, any script, line breaks kept) as paragraphs that flow over pages."""
    return [rich_text(chunk, style) for chunk in text_chunks(value)]


def rich_text(value, style: ParagraphStyle) -> Flowable:
    """One piece of user text as a paragraph; with right-to-left parts, wrapped before the bidi
    algorithm puts each line in visual order (pdf_bidi)."""
    text = drawable(str(value or ""))
    if has_right_to_left(text):
        return BidiParagraph(text, style)
    return plain_paragraph(text, style) or WrappedOnce(paragraph_text(text), style)


def paragraph_styles() -> dict[str, ParagraphStyle]:
    """Body, small and bold text; each document adds its own headings with heading_style."""
    fonts = register_fonts()
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "bold": ParagraphStyle("bold", parent=base, fontName=fonts.bold),
    }


def heading_style(
    name: str, styles, size: float, leading: float, before: float = 0, after: float = 0
) -> ParagraphStyle:
    """A bold heading style built on the body style of paragraph_styles()."""
    return ParagraphStyle(
        name,
        parent=styles["body"],
        fontName=register_fonts().bold,
        fontSize=size,
        leading=leading,
        spaceBefore=before,
        spaceAfter=after,
    )


def a4_document(buffer, title: str, author: str, **metadata) -> SimpleDocTemplate:
    """An A4 page with the margins every document of the body uses."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=author,
        **metadata,
    )


def facts_table(rows: list[tuple[str, str]], styles) -> list:
    """Label / value pairs; values are user text in any script and of any length.

    A table of two columns; a value longer than a piece of text (text_chunks) starts in the table
    and continues below it, indented like the column, so that it flows over pages.
    """
    story: list = []
    cells: list[list] = []
    for label, value in rows:
        first, *rest = text_chunks(value)
        cells.append(
            [
                rich_text(label, styles["bold"]),
                rich_text(first, styles["body"]),
            ]
        )
        if rest:
            story.append(_facts_rows(cells))
            indented = ParagraphStyle("continued", parent=styles["body"], leftIndent=FACT_LABEL)
            story += [rich_text(chunk, indented) for chunk in rest]
            cells = []
    if cells:
        story.append(_facts_rows(cells))
    return story


FACT_LABEL = 45 * mm


def _facts_rows(cells: list[list]) -> FactRows:
    return FactRows([(label, value) for label, value in cells], FACT_LABEL)


def ruled_table(
    cells: list[list], widths, shaded_rows: tuple[int, ...] = (), padding: float | None = None
) -> Flowable:
    """A ruled table of flowables; the first row is the shaded header, repeated on each page.

    Drawn by RuledRows when it draws the grid exactly as reportlab's Table would (pdf_grid).
    """
    if reproduces(cells, widths, shaded_rows):
        return _ruled_rows(cells, widths, shaded_rows, padding)
    return _ruled_table(cells, widths, shaded_rows, padding)


def _ruled_rows(cells, widths, shaded_rows, padding) -> RuledRows:
    return RuledRows(cells, widths, shaded_rows, padding, rule=LINE, shade=SHADE)


def _ruled_table(cells, widths, shaded_rows, padding) -> Table:
    table = Table(cells, colWidths=widths, hAlign="LEFT", repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if padding is not None:
        commands += [
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ]
    commands += [("BACKGROUND", (0, row), (-1, row), SHADE) for row in shaded_rows]
    table.setStyle(TableStyle(commands))
    return table


def joined(*parts: str | None) -> str:
    """Address parts that are filled in, separated by commas."""
    return ", ".join(p for p in parts if p)


def country_name(code: str | None, language: str = "en") -> str:
    """The country's name in `language` for an ISO 3166 code ("TR" -> "Türkiye"); other text
    (a name typed in full) as it is."""
    code = (code or "").strip()
    if len(code) == 2 and code.isalpha():
        return Locale.parse(language).territories.get(code.upper(), code)
    return code


def place(address: str | None, city: str | None, country: str | None, language: str = "en") -> str:
    """One address line: the street address, then the city unless the address already names it,
    then the country's name."""
    address = (address or "").strip()
    city = (city or "").strip()
    if city and city.casefold() in address.casefold():
        city = ""
    return joined(address, city, country_name(country, language))


def head_office_name(name: str, mark: str) -> str:
    """A head office's name followed by `(mark)`, unless the name already says it: the mark,
    or any of its " / "-separated languages, appears in it ("Head office", "Merkez ofis")."""
    words = (word.strip().casefold() for word in mark.split(" / "))
    if any(word and word in name.casefold() for word in words):
        return name
    return f"{name} ({mark})"


def site_line(site) -> str:
    """A site's name, marked if it is the head office, and its address."""
    where = place(site.address, site.city, site.country, str(get_locale() or "en"))
    name = head_office_name(site.name, _("head office")) if site.is_head_office else site.name
    return name + (f" — {where}" if where else "")


DRAFT_RED = colors.HexColor("#b3261e")


def draft_pages(label: str) -> dict:
    """doc.build() page hooks that mark every page of a draft: a band across the top margin and
    a faint word across the page, so that a printed draft is never taken for the final paper."""

    def mark(canvas, doc) -> None:
        fonts = register_fonts()
        width, height = doc.pagesize
        text = display_text(label)
        canvas.saveState()
        canvas.setFillColor(DRAFT_RED)
        canvas.rect(0, height - 10 * mm, width, 10 * mm, fill=1, stroke=0)
        canvas.setFillColor(colors.white)
        canvas.setFont(fonts.bold, 12)
        canvas.drawCentredString(width / 2, height - 6.8 * mm, text)
        canvas.setFillColor(colors.Color(0.7, 0.15, 0.12, alpha=0.1))
        canvas.translate(width / 2, height / 2)
        canvas.rotate(45)
        canvas.setFont(fonts.bold, 96)
        canvas.drawCentredString(0, -30, text)
        canvas.restoreState()

    return {"onFirstPage": mark, "onLaterPages": mark}
