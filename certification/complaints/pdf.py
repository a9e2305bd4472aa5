"""The yearly complaints figures as a PDF for the management review (ISO 10002 8.6).

Pure: takes the figures and the body's name, returns bytes; the tables hold the same numbers as
the page's charts. Never names a complainant.
"""

from __future__ import annotations

import io

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from certification.complaints.figures import ReviewFigures
from certification.complaints.models import Category
from certification.complaints.review import month_names
from certification.pdf_kit import (
    a4_document,
    facts_table,
    heading_style,
    paragraph_styles,
    paragraph_text,
    ruled_table,
)


def render_review_pdf(figures: ReviewFigures, body_name: str, prepared_on: str) -> bytes:
    styles = paragraph_styles()
    styles["title"] = heading_style("title", styles, 16, 20, after=4)
    styles["h2"] = heading_style("h2", styles, 11.5, 15, before=8, after=4)
    title = _("Complaints about the body: figures for %(year)d", year=figures.year)
    buffer = io.BytesIO()
    doc = a4_document(buffer, title, body_name)
    story = [
        Paragraph(paragraph_text(body_name), styles["bold"]),
        Spacer(1, 4 * mm),
        Paragraph(paragraph_text(title), styles["title"]),
        Paragraph(
            paragraph_text(
                _(
                    "ISO 10002 8.2 to 8.6: the body's own complaints-handling process, for the "
                    "management review. Prepared on %(date)s.",
                    date=prepared_on,
                )
            ),
            styles["small"],
        ),
        Spacer(1, 3 * mm),
        *facts_table(summary_rows(figures), styles),
        Paragraph(paragraph_text(_("Complaints received per month, by category")), styles["h2"]),
        _monthly_table(figures, styles),
        Paragraph(paragraph_text(_("Satisfaction with the handling")), styles["h2"]),
        _satisfaction_table(figures, styles),
    ]
    doc.build(story)
    return buffer.getvalue()


def summary_rows(figures: ReviewFigures) -> list[tuple[str, str]]:
    """The headline figures as label / value pairs (the page shows the same list)."""
    missing = _("none yet")

    def days(value):
        return missing if value is None else format_decimal(value, format="#,##0.#")

    def share(value):
        return missing if value is None else format_percent(value, format="#,##0%")

    return [
        (_("Complaints received"), str(figures.received)),
        (_("Closed"), str(figures.closed)),
        (_("Still open"), str(figures.open_at_end)),
        (_("Median working days to acknowledge"), days(figures.median_days_to_acknowledge)),
        (_("Median working days to close"), days(figures.median_days_to_close)),
        (
            _("Answered within the time limit"),
            _(
                "%(share)s (%(in_time)d of %(answered)d)",
                share=share(figures.share_in_time),
                in_time=figures.answered_in_time,
                answered=figures.answered,
            ),
        ),
        (
            _("Satisfaction with the handling (1 to 5)"),
            missing
            if figures.satisfaction_mean is None
            else _(
                "%(mean)s from %(count)d ratings",
                mean=format_decimal(figures.satisfaction_mean, format="0.0#"),
                count=figures.ratings,
            ),
        ),
        (
            _("Repeat complainants"),
            _(
                "%(people)d, with %(complaints)d complaints",
                people=figures.repeat_complainants,
                complaints=figures.complaints_from_repeat_complainants,
            ),
        ),
    ]


def _cell(text, styles, style="body"):
    return Paragraph(paragraph_text(str(text)), styles[style])


def _monthly_table(figures: ReviewFigures, styles):
    categories = figures.categories or []
    header = [_cell(_("Month"), styles, "bold")]
    header += [_cell(Category(c).label, styles, "small") for c in categories]
    header.append(_cell(_("Total"), styles, "bold"))
    rows = [header]
    for name, month in zip(month_names(), figures.by_month, strict=True):
        row = [_cell(name, styles)]
        row += [_cell(month.get(c, 0), styles) for c in categories]
        row.append(_cell(sum(month.values()), styles, "bold"))
        rows.append(row)
    width = (174 - 30 - 16) / max(len(categories), 1)
    return ruled_table(rows, [30 * mm, *[width * mm] * len(categories), 16 * mm])


def _satisfaction_table(figures: ReviewFigures, styles):
    rows = [[_cell(_("Rating"), styles, "bold"), _cell(_("Complainants"), styles, "bold")]]
    for score in range(5, 0, -1):
        rows.append([_cell(score, styles), _cell(figures.satisfaction_counts[score], styles)])
    return ruled_table(rows, [40 * mm, 40 * mm])
