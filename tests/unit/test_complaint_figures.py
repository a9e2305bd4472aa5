"""The body's own ISO 10002 figures, and the SVG charts drawn from them."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from certification.complaints.charts import nice_step, stacked_bars
from certification.complaints.figures import ComplaintFacts, review_figures


def fact(received, category="fees", state="closed", **kw) -> ComplaintFacts:
    return ComplaintFacts(received_on=received, category=category, state=state, **kw)


FACTS = [
    # acknowledged after 2 working days, answered in time, closed after 6, rated 5
    fact(
        date(2026, 1, 5),
        acknowledged_on=date(2026, 1, 7),
        answered_on=date(2026, 1, 12),
        answer_by=date(2026, 1, 26),
        closed_on=date(2026, 1, 13),
        satisfaction=5,
        complainant_key="a@example.com",
    ),
    # answered late, closed after 20 working days, rated 2; the same complainant again
    fact(
        date(2026, 1, 20),
        category="audit_conduct",
        acknowledged_on=date(2026, 1, 21),
        answered_on=date(2026, 2, 16),
        answer_by=date(2026, 2, 10),
        closed_on=date(2026, 2, 17),
        satisfaction=2,
        complainant_key="a@example.com",
    ),
    # still open, acknowledged after 4 working days
    fact(
        date(2026, 3, 2),
        category="audit_conduct",
        state="investigating",
        acknowledged_on=date(2026, 3, 6),
        complainant_key="b@example.com",
    ),
    # not a complaint: dismissed the day after, no rating
    fact(
        date(2026, 3, 9),
        category="other",
        state="dismissed",
        acknowledged_on=date(2026, 3, 10),
        answered_on=date(2026, 3, 10),
        answer_by=date(2026, 3, 30),
        closed_on=date(2026, 3, 10),
    ),
    # another year: left out
    fact(
        date(2025, 12, 30),
        closed_on=date(2026, 1, 2),
        satisfaction=1,
        complainant_key="b@example.com",
    ),
]


def test_the_years_figures():
    figures = review_figures(FACTS, 2026)
    assert figures.received == 4
    assert figures.by_month[0] == {"fees": 1, "audit_conduct": 1}
    assert figures.by_month[2] == {"audit_conduct": 1, "other": 1}
    assert figures.month_totals() == [2, 0, 2] + [0] * 9
    assert figures.categories == ["audit_conduct", "fees", "other"]  # the Category order
    assert figures.median_days_to_acknowledge == 1.5  # 2, 1, 4, 1
    assert figures.median_days_to_close == 6  # 6, 20, 1
    assert (figures.closed, figures.open_at_end) == (3, 1)
    assert (figures.answered, figures.answered_in_time) == (3, 2)
    assert round(figures.share_in_time, 3) == 0.667
    assert figures.ratings == 2 and figures.satisfaction_mean == 3.5
    assert figures.satisfaction_counts == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert round(figures.rating_rate, 3) == 0.667
    # a@example.com complained twice in 2026; b@example.com once in 2026 (once in 2025)
    assert (figures.repeat_complainants, figures.complaints_from_repeat_complainants) == (1, 2)


def test_a_year_without_complaints_has_no_medians():
    figures = review_figures(FACTS, 2024)
    assert figures.received == 0 and figures.categories == []
    assert figures.median_days_to_acknowledge is None and figures.share_in_time is None
    assert figures.satisfaction_mean is None and figures.rating_rate is None


def test_nice_steps():
    assert [nice_step(n) for n in (0, 3, 5, 7, 12, 40, 90, 250)] == [1, 1, 1, 2, 2, 10, 20, 50]


def test_the_chart_is_svg_that_names_itself_and_each_bar():
    svg = stacked_bars(
        "monthly",
        "Complaints per month",
        "Two months",
        ["Jan", "Feb"],
        [("Fees", [1, 0]), ("Audits & <conduct>", [2, 3])],
    )
    tree = ElementTree.fromstring(str(svg))
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert tree.get("role") == "img"
    assert tree.get("aria-labelledby") == "monthly-title monthly-desc"
    assert tree.find("s:title", ns).text == "Complaints per month"
    assert tree.find("s:desc", ns).text == "Two months"
    bar_titles = [
        r.find("s:title", ns).text
        for r in tree.iter(f"{{{ns['s']}}}rect")
        if r.find("s:title", ns) is not None
    ]
    assert bar_titles == [
        "Jan, Fees: 1",
        "Jan, Audits & <conduct>: 2",
        "Feb, Audits & <conduct>: 3",
    ]
    texts = [t.text for t in tree.iter(f"{{{ns['s']}}}text")]
    assert "Jan" in texts and "Feb" in texts and "Fees" in texts  # labels and the legend
