"""Pure rules of the charts, and the SVG builder's output read back as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from certification.charts import rules
from certification.charts.svg import Chart, Series, nice_ceiling, render

DAY = date(2026, 11, 24)
SVG = "{http://www.w3.org/2000/svg}"


def test_month_starts_run_back_and_ahead():
    months = rules.month_starts(DAY, 3, 2)
    assert months == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert rules.month_end(date(2028, 2, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "state", "ended_on", "suspended_on", "expected"),
    [
        (date(2020, 1, 1), "active", None, None, None),  # before issue
        (date(2025, 6, 30), "active", None, None, "active"),
        (date(2025, 6, 30), "withdrawn", date(2025, 7, 1), None, "active"),
        (date(2025, 7, 1), "withdrawn", date(2025, 7, 1), None, "withdrawn"),
        (date(2026, 1, 1), "expired", date(2025, 12, 1), None, "expired"),
        (date(2026, 1, 1), "superseded", date(2025, 12, 1), None, None),  # its revision counts
        (date(2025, 5, 1), "suspended", None, date(2025, 6, 1), "active"),
        (date(2025, 6, 1), "suspended", None, date(2025, 6, 1), "suspended"),
    ],
)
def test_a_certificates_status_on_a_day(day, state, ended_on, suspended_on, expected):
    assert rules.status_on(day, date(2025, 1, 1), state, ended_on, suspended_on) == expected


@pytest.mark.parametrize(
    ("clause", "top"), [("7.2.1", "7.2"), ("7.2", "7.2"), ("4", "4"), ("8.3.4.1", "8.3")]
)
def test_findings_count_under_their_two_level_clause(clause, top):
    assert rules.top_clause(clause) == top


def test_clauses_sort_as_numbers():
    assert sorted(["4.10", "4.2", "10.1", "x"], key=rules.clause_key) == [
        "4.2",
        "4.10",
        "10.1",
        "x",
    ]


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (3, 5), (7, 10), (12, 20), (23, 25), (0.4, 0.5)]
)
def test_axis_tops_are_round_numbers(value, top):
    assert nice_ceiling(value) == top


@pytest.mark.parametrize("kind", ["bar", "stacked", "line"])
def test_the_svg_is_well_formed_and_labelled(kind):
    chart = Chart(
        title="Audits <by> month",
        description="Planned & held",
        categories=["Jan", "Feb", "Mar"],
        series=[Series("Planned", [2, 0, 5]), Series("Held", [1, None, 3])],
        kind=kind,
    )
    root = ET.fromstring(str(render(chart)))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Audits <by> month"
    assert root.find(f"{SVG}desc").text == "Planned & held"
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    assert labels == ["Jan", "Feb", "Mar"]
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert legend == ["Planned", "Held"]
    marks = list(root.iter(f"{SVG}circle" if kind == "line" else f"{SVG}rect"))
    assert len([m for m in marks if m.get("class", "").startswith("series-")]) >= 4


def test_stacked_bars_reach_the_total():
    chart = Chart("t", "d", ["A"], [Series("x", [3]), Series("y", [2])], kind="stacked")
    root = ET.fromstring(str(render(chart)))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    heights = [float(r.get("height")) for r in bars]
    # axis top is 5, so the two bars fill the plot height exactly
    assert round(sum(heights), 1) == 280 - 16 - 64
