"""The report's section chart: a bar per section as long as its score, labels beside them."""

from __future__ import annotations

import io
import re

import pypdf
import pypdfium2
from PIL import Image, ImageChops
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
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


def widget_chart(labels: list[str], percents: list[float], width: float):
    """The chart as reportlab's bar chart widget drew it before (the look to keep)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing

    from certification.pdf_kit import register_fonts
    from certification.reports.pdf_chart import BAR

    font = register_fonts().regular
    height = 14 * len(labels) + 30
    drawing, chart = Drawing(width, height), HorizontalBarChart()
    chart.data = [list(reversed(percents))]
    widest = max(pdfmetrics.stringWidth(label, font, 7) for label in labels)
    chart.x, chart.y = widest + 8, 20
    chart.width, chart.height = width - chart.x - 16, height - 30
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.bars[0].fillColor, chart.bars[0].strokeColor = BAR, None
    drawing.add(chart)
    return drawing


def picture(flowable) -> Image.Image:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    flowable.wrapOn(page, A4[0], A4[1])
    flowable.drawOn(page, 50, 500)
    page.save()
    return pypdfium2.PdfDocument(buffer.getvalue())[0].render(scale=2).to_pil().convert("L")


def test_the_chart_looks_as_the_widget_drew_it():
    labels = ["4 Guiding principles (56.2%)", "5 Framework (87.5%)", "6 Planning (100%)"]
    percents = [56.25, 87.5, 100]
    ours = picture(SectionBars(labels, percents, 480))
    assert (
        ImageChops.difference(ours, picture(widget_chart(labels, percents, 480))).getbbox() is None
    )
    assert ImageChops.difference(
        ours, picture(SectionBars(labels, [56.25, 80, 100], 480))
    ).getbbox()
