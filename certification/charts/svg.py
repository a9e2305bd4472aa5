"""Server-rendered SVG charts: bars (grouped or stacked) and lines, with no JavaScript.

Every chart of the app is built here from a `Chart` (already translated titles and labels) and a
number formatter; the page shows the same figures in a table beside it (templates/charts/
_chart.html). The SVG carries role="img" with its title and description for screen readers.
Pure: no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 64
_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    """What to draw: categories along x, one value per category in each series."""

    title: str
    description: str
    categories: list[str]
    series: list[Series]
    kind: str = "bar"  # "bar" (grouped), "stacked" or "line"
    unit: str = ""  # shown after the y axis values in the table header, e.g. "days"
    id: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values if v)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `value` (axis top)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _top(chart: Chart) -> float:
    if chart.kind == "stacked":
        totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))]
        return nice_ceiling(max(totals, default=0))
    return nice_ceiling(max((v or 0 for s in chart.series for v in s.values), default=0))


def render(chart: Chart, number: Callable[[float], str] = str) -> Markup:
    """The chart as an inline <svg> element; `number` formats values in the reader's locale."""
    top = _top(chart)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(chart.categories), 1)

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * (value / top)

    parts = [
        f'<svg class="chart chart-{chart.kind}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart.id}-title {chart.id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart.id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>',
    ]
    parts += _grid(top, y, number)
    if chart.kind == "line":
        parts += _lines(chart, slot, y)
    else:
        parts += _bars(chart, slot, y, number)
    parts += _x_labels(chart.categories, slot)
    parts += _legend(chart.series)
    parts.append("</svg>")
    return Markup("".join(parts))


def _grid(top: float, y, number) -> list[str]:
    out = []
    for step in range(5):
        value = top * step / 4
        at = y(value)
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">'
            f"{escape(number(value))}</text>"
        )
    return out


def _bars(chart: Chart, slot: float, y, number) -> list[str]:
    out = []
    groups = 1 if chart.kind == "stacked" else max(len(chart.series), 1)
    width = slot * 0.8 / groups
    for i in range(len(chart.categories)):
        base = 0.0
        for n, series in enumerate(chart.series):
            value = series.values[i] or 0
            if not value:
                continue
            if chart.kind == "stacked":
                x, low, high = LEFT + slot * i + slot * 0.1, base, base + value
                base = high
            else:
                x, low, high = LEFT + slot * i + slot * 0.1 + width * n, 0.0, value
            out.append(
                f'<rect class="series-{n}" x="{x:.1f}" y="{y(high):.1f}" width="{width:.1f}" '
                f'height="{y(low) - y(high):.1f}"><title>{escape(series.name)}: '
                f"{escape(chart.categories[i])} {escape(number(value))}</title></rect>"
            )
    return out


def _lines(chart: Chart, slot: float, y) -> list[str]:
    out = []
    for n, series in enumerate(chart.series):
        points = [
            (LEFT + slot * i + slot / 2, y(v)) for i, v in enumerate(series.values) if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline class="line series-{n}" points="{path}"/>')
        out += [
            f'<circle class="series-{n}" cx="{px:.1f}" cy="{py:.1f}" r="4"/>' for px, py in points
        ]
    return out


def _x_labels(categories: list[str], slot: float) -> list[str]:
    # Every label when they fit, else every second or third, so they never overlap.
    every = max(1, math.ceil(len(categories) * 56 / (WIDTH - LEFT - RIGHT)))
    base = HEIGHT - BOTTOM + 16
    out = []
    for i, label in enumerate(categories):
        if i % every:
            continue
        x = LEFT + slot * i + slot / 2
        out.append(
            f'<text class="label" x="{x:.1f}" y="{base}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return out


def _legend(series: list[Series]) -> list[str]:
    out, x = [], LEFT
    base = HEIGHT - 18
    for n, item in enumerate(series):
        out.append(
            f'<rect class="series-{n}" x="{x}" y="{base - 10}" width="12" height="12"/>'
            f'<text class="legend" x="{x + 16}" y="{base}">{escape(item.name)}</text>'
        )
        x += 28 + 7 * len(item.name)
    return out
