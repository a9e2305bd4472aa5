"""The ruled grids (pdf_grid.RuledRows) look exactly like the Table they replace: the same pages,
pixel for pixel, and the same text, with cells of several lines, right-to-left text, shaded rows
(the last one as -1), the default padding and a given one, and a grid split over pages at several
heights with its header repeated. The pages' content is even the same, operator for operator."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import pytest
from PIL import ImageChops
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from certification import pdf_kit
from certification.pdf_grid import RuledRows
from certification.pdf_kit import a4_document, paragraph_styles, rich_text, ruled_table

HEADER = ["Clause", "Requirement", "Score", "Of"]
ROWS = [
    ["4.1", "Guiding principles: visibility, accessibility, responsiveness", "3", "4"],
    ["5.2", "Records sampled on site: 12 complaint files, 3 not closed. " * 4, "2", "4"],
    ["6.3", "Line one\nLine two & three < four\n\nLine five", "4", "4"],
    ["7.1", "مركز خدمة العملاء (الرياض) — 24 شكوى", "١٢", "٤"],
    ["8.4", "Güneş Müşteri Hizmetleri A.Ş. — Борис Петров, ნინო ბერიძე", "—", "4"],
]
WIDTHS = [18 * mm, 106 * mm, 25 * mm, 25 * mm]


def grid(styles, rows: int, shaded: tuple[int, ...], padding: float | None):
    body = [ROWS[number % len(ROWS)] for number in range(rows)]
    cells = [[rich_text(text, styles["small"]) for text in row] for row in [HEADER, *body]]
    return ruled_table(cells, WIDTHS, shaded, padding)


def built(story_of) -> bytes:
    buffer = io.BytesIO()
    a4_document(buffer, "grid", "test").build(story_of())
    return buffer.getvalue()


def pages(pdf: bytes) -> list:
    return [page.render(scale=2).to_pil().convert("L") for page in pypdfium2.PdfDocument(pdf)]


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def page_contents(pdf: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("before", [0, 560, 690], ids=["top", "split-late", "split-early"])
@pytest.mark.parametrize(
    ("shaded", "padding"), [((-1,), None), ((2, 5, -1), 1.5)], ids=["default", "padded"]
)
def test_the_grid_looks_exactly_as_the_table_drew_it(app, monkeypatch, before, shaded, padding):
    with app.test_request_context():
        styles = paragraph_styles()

        def story():
            return [
                Spacer(1, before),
                grid(styles, 40, shaded, padding),
                grid(styles, 3, (0, -1), padding),
            ]

        now = built(story)
        monkeypatch.setattr(pdf_kit, "_ruled_rows", pdf_kit._ruled_table)
        then = built(story)
    assert page_texts(now) == page_texts(then)
    assert page_contents(now) == page_contents(then)
    new_pages, old_pages = pages(now), pages(then)
    assert len(new_pages) == len(old_pages) > 1
    for new, old in zip(new_pages, old_pages, strict=True):
        assert ImageChops.difference(new, old).getbbox() is None


def test_a_split_grid_repeats_its_header_on_each_page(app):
    with app.test_request_context():
        styles = paragraph_styles()
        texts = page_texts(built(lambda: [Spacer(1, 600), grid(styles, 60, (), None)]))
    assert len(texts) >= 3
    assert all(text.startswith("Clause\nRequirement\nScore\nOf\n") for text in texts)


def test_grids_it_cannot_draw_exactly_stay_tables(app):
    with app.test_request_context():
        styles = paragraph_styles()
        cells = [[rich_text(text, styles["small"]) for text in row] for row in [HEADER, ROWS[0]]]
        assert isinstance(ruled_table(cells, WIDTHS, (1, -1)), RuledRows)
        assert isinstance(ruled_table(cells, [*WIDTHS[:3], None]), Table)  # width left to Table
        assert isinstance(ruled_table(cells, [*WIDTHS[:3], 10]), Table)  # narrower than padding
        assert isinstance(ruled_table([HEADER, ROWS[0]], WIDTHS), Table)  # text cells
        assert isinstance(ruled_table(cells, WIDTHS, (-2,)), Table)
        assert isinstance(ruled_table(cells, WIDTHS, (2,)), Table)
