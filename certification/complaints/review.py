"""The management-review page's pieces: month names, charts and tables from the figures."""

from __future__ import annotations

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from certification.complaints.charts import stacked_bars
from certification.complaints.figures import ReviewFigures
from certification.complaints.models import Category


def month_names() -> list[str]:
    """January to December, abbreviated, in the reader's language."""
    names = get_month_names("abbreviated", context="stand-alone", locale=str(get_locale()))
    return [names[month] for month in range(1, 13)]


def monthly_chart(figures: ReviewFigures) -> Markup:
    series = [
        (Category(c).label, [month.get(c, 0) for month in figures.by_month])
        for c in figures.categories
    ] or [(_("Complaints"), [0] * 12)]
    return stacked_bars(
        "monthly",
        _("Complaints received per month in %(year)d, by category", year=figures.year),
        _(
            "%(count)d complaints in the year; the table below gives each month's numbers.",
            count=figures.received,
        ),
        month_names(),
        series,
    )


def satisfaction_chart(figures: ReviewFigures) -> Markup:
    labels = [str(score) for score in range(1, 6)]
    return stacked_bars(
        "satisfaction",
        _(
            "Satisfaction with the handling in %(year)d (1 very dissatisfied, 5 very satisfied)",
            year=figures.year,
        ),
        _(
            "%(count)d ratings; the table below gives the number of each rating.",
            count=figures.ratings,
        ),
        labels,
        [(_("Ratings"), [figures.satisfaction_counts[score] for score in range(1, 6)])],
    )
