"""Bar charts drawn on the server as SVG: no script, readable without colour (each bar has its
value as a tooltip title), and each chart names itself for screen readers. The page puts the
table of the same numbers right after each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from certification.i18n import formatting

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 48
LEGEND_ROW = 18


def nice_step(largest: float) -> int:
    """A round grid step (1, 2, 5, 10, 20, 50, ...) giving at most six lines up to `largest`."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if largest <= 6 * factor * magnitude:
                return factor * magnitude
        magnitude *= 10


def stacked_bars(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> Markup:
    """One bar per label, each stacked from the series (name, values per label)."""
    legend_rows = len(series) if len(series) > 1 else 0
    height = HEIGHT + legend_rows * LEGEND_ROW
    totals = [sum(values[i] for _name, values in series) for i in range(len(labels))]
    step = nice_step(max(totals, default=0))
    top = max(step, step * -(-max(totals, default=0) // step))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *_grid(top, step),
        *_bars(labels, series, (HEIGHT - TOP - BOTTOM) / top),
        *(_legend(series) if legend_rows else []),
        "</svg>",
    ]
    return Markup("".join(parts))


def _grid(top: float, step: float) -> list[str]:
    """Horizontal lines with their values, from 0 to `top`."""
    plot_h = HEIGHT - TOP - BOTTOM
    lines, value = [], 0.0
    while value <= top:
        y = TOP + plot_h - value * plot_h / top
        lines.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dbe1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{_number(value)}</text>"
        )
        value += step
    return lines


def _bars(labels, series, scale: float) -> list[str]:
    """Each label's stack, each piece titled with its value, and the label below."""
    bottom = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    parts = []
    for i, label in enumerate(labels):
        x, base = LEFT + i * slot + slot * 0.15, bottom
        for n, (name, values) in enumerate(series):
            if not values[i]:
                continue
            h = values[i] * scale
            base -= h
            tip = f"{label}, {name}: " if len(series) > 1 else f"{label}: "
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>'
                f"{escape(tip + _number(values[i]))}</title></rect>"
            )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{bottom + 16}" text-anchor="middle" '
            f'font-size="11">{escape(label)}</text>'
        )
    return parts


def _legend(series) -> list[str]:
    parts = []
    for n, (name, _values) in enumerate(series):
        y = HEIGHT - 10 + n * LEGEND_ROW
        parts.append(
            f'<rect x="{LEFT}" y="{y - 10}" width="12" height="12" '
            f'fill="{PALETTE[n % len(PALETTE)]}"/>'
            f'<text x="{LEFT + 18}" y="{y}" font-size="12">{escape(name)}</text>'
        )
    return parts


def _number(value: float) -> str:
    """In the reader's locale ("4,5" in Turkish), as the table beside the chart."""
    return formatting.number(value, 1)
