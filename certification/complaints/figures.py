"""The body's own ISO 10002 figures (8.2 to 8.6) for the management review: complaints per month
by category, median working days to acknowledge and to close, the share answered in time,
satisfaction with the handling, repeat complainants.

`review_figures(facts, year, holidays)` is pure; `facts_of_year(year)` reads the rows it needs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlalchemy import select

from certification.complaints.models import Category, Complaint
from certification.complaints.rules import FINISHED_STATES, working_days_between
from certification.extensions import db


@dataclass(frozen=True)
class ComplaintFacts:
    """What the figures need of one complaint, and nothing that names the complainant."""

    received_on: date
    category: str
    state: str
    acknowledged_on: date | None = None
    answered_on: date | None = None
    closed_on: date | None = None
    answer_by: date | None = None
    satisfaction: int | None = None
    complainant_key: str = ""


@dataclass(frozen=True)
class ReviewFigures:
    year: int
    received: int
    by_month: list[dict[str, int]]  # 12 months, category -> count
    categories: list[str]  # the categories that occur, in the order of Category
    median_days_to_acknowledge: float | None
    median_days_to_close: float | None
    closed: int
    answered: int
    answered_in_time: int
    open_at_end: int
    ratings: int
    satisfaction_mean: float | None
    satisfaction_counts: dict[int, int]
    repeat_complainants: int
    complaints_from_repeat_complainants: int

    @property
    def share_in_time(self) -> float | None:
        """Share of answered complaints whose answer went out within the time limit."""
        return self.answered_in_time / self.answered if self.answered else None

    @property
    def rating_rate(self) -> float | None:
        return self.ratings / self.closed if self.closed else None

    def month_totals(self) -> list[int]:
        return [sum(month.values()) for month in self.by_month]


def review_figures(
    facts: Iterable[ComplaintFacts], year: int, holidays: Collection[date] = ()
) -> ReviewFigures:
    """The figures of the complaints received in `year` (ISO 10002 8.2, 8.3, 8.4)."""
    of_year = [f for f in facts if f.received_on.year == year]
    by_month: list[Counter] = [Counter() for _month in range(12)]
    for fact in of_year:
        by_month[fact.received_on.month - 1][fact.category] += 1
    present = {fact.category for fact in of_year}
    categories = [c.value for c in Category if c.value in present]
    categories += sorted(present - set(categories))
    acknowledge = [
        working_days_between(f.received_on, f.acknowledged_on, holidays)
        for f in of_year
        if f.acknowledged_on
    ]
    closed = [f for f in of_year if f.closed_on and f.state in FINISHED_STATES]
    close_days = [working_days_between(f.received_on, f.closed_on, holidays) for f in closed]
    answered = [f for f in of_year if f.answered_on]
    in_time = [f for f in answered if f.answer_by is None or f.answered_on <= f.answer_by]
    scores = [f.satisfaction for f in of_year if f.satisfaction]
    repeats = Counter(f.complainant_key for f in of_year if f.complainant_key)
    repeaters = {key: n for key, n in repeats.items() if n > 1}
    return ReviewFigures(
        year=year,
        received=len(of_year),
        by_month=[dict(month) for month in by_month],
        categories=categories,
        median_days_to_acknowledge=_median(acknowledge),
        median_days_to_close=_median(close_days),
        closed=len(closed),
        answered=len(answered),
        answered_in_time=len(in_time),
        open_at_end=len(of_year) - len(closed),
        ratings=len(scores),
        satisfaction_mean=round(sum(scores) / len(scores), 2) if scores else None,
        satisfaction_counts={score: scores.count(score) for score in range(1, 6)},
        repeat_complainants=len(repeaters),
        complaints_from_repeat_complainants=sum(repeaters.values()),
    )


def _median(values: list[int]) -> float | None:
    return float(median(values)) if values else None


def facts_of_year(year: int) -> list[ComplaintFacts]:
    """The rows of the complaints received in `year`: one query, only the columns needed."""
    rows = db.session.execute(
        select(
            Complaint.received_on,
            Complaint.category,
            Complaint.state,
            Complaint.acknowledged_on,
            Complaint.answered_on,
            Complaint.closed_on,
            Complaint.answer_by,
            Complaint.satisfaction_score,
            Complaint.complainant_key,
        ).where(Complaint.received_on.between(date(year, 1, 1), date(year, 12, 31)))
    )
    return [ComplaintFacts(*row) for row in rows]


def years_with_complaints() -> list[int]:
    first = db.session.scalar(
        select(Complaint.received_on).order_by(Complaint.received_on).limit(1)
    )
    last = db.session.scalar(
        select(Complaint.received_on).order_by(Complaint.received_on.desc()).limit(1)
    )
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))
