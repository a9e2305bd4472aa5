"""The facts rows (pdf_facts.FactRows) look exactly like the two-column Table they replace: the
same pages, pixel for pixel, with short and long values, several lines, right-to-left text, a
label too long for its column, and a block that splits over a page."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import pytest
from PIL import ImageChops
from reportlab.platypus import Spacer, Table, TableStyle

from certification import pdf_kit
from certification.pdf_kit import FACT_LABEL, a4_document, facts_table, paragraph_styles

ROWS = [
    ("Organisation", "Güneş Müşteri Hizmetleri A.Ş."),
    ("Sites", "Head office — Istanbul, Türkiye\nWarehouse — Izmir, Türkiye"),
    ("A label far too long for its column of forty-five millimetres", "—"),
    ("Objective evidence", "Records sampled on site: 12 complaint files, 3 not closed. " * 9),
    ("الجهة", "مركز خدمة العملاء (الرياض) — 24 شكوى"),
    ("Statement", "Line one\nLine two & three < four\n\nLine five"),
]


def table_rows(cells: list[list]) -> Table:
    """The two-column Table the facts were drawn with before."""
    table = Table(cells, colWidths=[FACT_LABEL, None], hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    table.setStyle(TableStyle(style))
    return table


def pages(story_of) -> list:
    buffer = io.BytesIO()
    a4_document(buffer, "facts", "test").build(story_of())
    document = pypdfium2.PdfDocument(buffer.getvalue())
    return [page.render(scale=2).to_pil().convert("L") for page in document]


def page_texts(story_of) -> list[str]:
    buffer = io.BytesIO()
    a4_document(buffer, "facts", "test").build(story_of())
    return [page.extract_text() for page in pypdf.PdfReader(buffer).pages]


@pytest.mark.parametrize("before", [0, 600, 690], ids=["top", "split-late", "split-early"])
def test_the_facts_look_exactly_as_the_table_drew_them(app, monkeypatch, before):
    with app.test_request_context():
        styles = paragraph_styles()

        def story():
            return [Spacer(1, before), *facts_table(ROWS, styles), *facts_table(ROWS[:2], styles)]

        now = pages(story)
        texts = page_texts(story)
        monkeypatch.setattr(pdf_kit, "_facts_rows", table_rows)
        then = pages(story)
        assert page_texts(story) == texts
    assert len(now) == len(then)
    for new, old in zip(now, then, strict=True):
        assert ImageChops.difference(new, old).getbbox() is None


def test_a_block_taller_than_the_room_left_goes_on_between_its_rows(app):
    with app.test_request_context():
        styles = paragraph_styles()
        texts = page_texts(lambda: [Spacer(1, 640), *facts_table(ROWS, styles)])
    assert "Organisation" in texts[0]
    assert "Statement" in texts[-1] and "Statement" not in texts[0]
