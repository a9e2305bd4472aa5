"""WrappedOnce (pdf_bidi.py): a paragraph breaks its lines once per width, and the PDF it makes
is byte for byte the one reportlab's own Paragraph makes."""

from __future__ import annotations

import io

import pytest
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table

from certification import pdf_bidi
from certification.pdf_bidi import BidiParagraph, WrappedOnce
from certification.pdf_kit import paragraph_styles, paragraph_text, ruled_table

WIDTHS = [20 * mm, None]
WORDS = "The complaint was acknowledged within two days and closed after review. "


def story(paragraph) -> list:
    """A long ruled table (it splits over pages), findings kept together, Arabic text."""
    style = paragraph_styles()["small"]
    rows = [[paragraph(f"4.{n}", style), paragraph(WORDS * (1 + n % 4), style)] for n in range(90)]
    blocks = [
        KeepTogether([paragraph(f"Finding {n}", style), paragraph(WORDS * 3, style)])
        for n in range(12)
    ]
    return [
        ruled_table([[paragraph("Clause", style), paragraph("Text", style)], *rows], WIDTHS),
        *blocks,
        BidiParagraph("شكوى العميل: " + WORDS, style),
    ]


def build(paragraph) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(story(paragraph))
    return buffer.getvalue()


@pytest.fixture
def invariant(monkeypatch):
    """No date or random id in the PDF, so that two builds can be compared byte for byte."""
    monkeypatch.setattr(rl_config, "invariant", 1)


def test_the_pdf_is_byte_for_byte_reportlabs(invariant, monkeypatch):
    ours = build(lambda text, style: WrappedOnce(paragraph_text(text), style))
    monkeypatch.setattr(pdf_bidi, "WrappedOnce", Paragraph)  # inside BidiParagraph too
    theirs = build(lambda text, style: Paragraph(paragraph_text(text), style))
    assert ours == theirs
    assert ours.count(b"/Type /Page\n") > 2  # the table did split over pages


def test_a_table_cell_breaks_its_lines_once(monkeypatch):
    calls = {"count": 0}
    break_lines = Paragraph.breakLines

    def counted(self, widths):
        calls["count"] += 1
        return break_lines(self, widths)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    style = paragraph_styles()["small"]
    cells = [[WrappedOnce(paragraph_text(WORDS * 2), style)] for _ in range(30)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([Table(cells, colWidths=[80 * mm])])
    assert calls["count"] == 30  # reportlab's own Paragraph: two or three times each


def test_a_split_with_no_room_leaves_a_paragraph_that_still_draws():
    """reportlab drops the layout when a split finds no room: the next wrap lays it out again."""
    from reportlab.pdfgen.canvas import Canvas

    paragraph = WrappedOnce(paragraph_text(WORDS * 4), paragraph_styles()["body"])
    width, height = paragraph.wrap(80 * mm, 500)
    assert paragraph.split(80 * mm, 5) == []  # not even one line fits
    assert paragraph.wrap(80 * mm, 500) == (width, height)
    canvas = Canvas(io.BytesIO())
    paragraph.drawOn(canvas, 0, 0)
    canvas.save()
