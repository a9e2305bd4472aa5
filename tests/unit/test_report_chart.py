"""The report's section chart: a bar per section as long as its score, labels beside them."""

from __future__ import annotations

import io
import re

import pypdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from certification.reports.pdf_chart import SectionBars


def drawn(bars: SectionBars) -> tuple[list[float], str]:
    """The bars' lengths (points, top to bottom) and the text of the page."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    bars.wrapOn(page, A4[0], A4[1])
    bars.drawOn(page, 40, 500)
    page.save()
    pdf = pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    content = pdf.get_contents().get_data().decode("latin-1")
    rectangles = re.findall(r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re", content)
    ordered = sorted(rectangles, key=lambda r: -float(r[1]))
    return [float(r[2]) for r in ordered], pdf.extract_text()


def test_each_bar_is_as_long_as_its_score_and_a_section_with_nothing_has_none():
    bars = SectionBars(
        ["4 Guiding principles (50%)", "5 Framework (100%)", "6 n/a"], [50, 100, None], 400
    )
    lengths, text = drawn(bars)
    assert len(lengths) == 2  # no bar for a section with nothing applicable
    assert abs(lengths[0] / lengths[1] - 0.5) < 1e-6
    for label in ("4 Guiding principles (50%)", "5 Framework (100%)", "6 n/a", "0", "100"):
        assert label in text


def test_a_longer_label_moves_the_bars_right_and_keeps_the_chart_in_its_width():
    short, _ = drawn(SectionBars(["4 A (100%)"], [100], 400))
    long, _ = drawn(SectionBars(["4 A much longer section title (100%)"], [100], 400))
    assert long[0] < short[0]  # the bar starts further right and so is shorter


def test_arabic_labels_are_joined_and_in_visual_order():
    import arabic_reshaper

    _, text = drawn(SectionBars(["٤ المبادئ (100%)"], [100], 400))
    assert "المبادئ" not in text  # not as typed: unjoined letters, left to right
    joined = arabic_reshaper.reshape("المبادئ")  # the letters' joined forms
    assert joined in text or joined[::-1] in text
