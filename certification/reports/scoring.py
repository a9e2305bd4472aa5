"""Scores of an audit's checklist and the recommendation that follows from its findings.

Pure: plain values in, plain values out; no Flask, no database.

How a question counts (the rule the report states):
- Not applicable: left out of both the points earned and the points possible.
- Unanswered: left out too, so a checklist in progress shows the score of what is graded so far
  (a report cannot be submitted while any question is unanswered, see `unanswered`).
- Scored schemes: the maturity points over the question's maximum, times its weight; the points
  never count above the cap of the grade that the checklist file states (a major nonconformity
  earns none, a minor never full points).
- Unscored schemes: conforming, observation and opportunity for improvement earn the full weight
  (none of them is a nonconformity), a minor nonconformity half of it, a major one nothing.
A clause, a section or the whole checklist whose questions are all not applicable (or unanswered)
has no percentage: None, shown as "n/a".

A scored checklist gives a rating band only when at least its stated share of the questions was
answered other than not applicable ("too_few_answered"); below the lowest star band the band is
not certifiable (decisions refuse a certificate on it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from certification.audits.models import Grade
from certification.reports.models import Recommendation
from certification.workflow import FindingState

# Share of a question's weight each grade earns in an unscored scheme.
GRADE_CREDIT = {
    Grade.CONFORMING: 1.0,
    Grade.OBSERVATION: 1.0,
    Grade.OFI: 1.0,
    Grade.MINOR: 0.5,
    Grade.MAJOR: 0.0,
}

# ISO 17021-1 9.5.3.2 via domain.md: a major counts as resolved only once verified closed; a minor
# once its corrective-action plan is accepted (verified at the next audit).
MAJOR_RESOLVED = frozenset({FindingState.CLOSED})
MINOR_RESOLVED = frozenset({FindingState.PLAN_ACCEPTED, FindingState.CLOSED})


@dataclass(frozen=True)
class Score:
    """Points earned and possible over the questions of one clause, section or checklist."""

    number: str
    earned: float = 0.0
    possible: float = 0.0
    answered: int = 0
    total: int = 0

    @property
    def percent(self) -> float | None:
        if self.possible <= 0:
            return None
        return 100.0 * self.earned / self.possible

    def __add__(self, other: Score) -> Score:
        return Score(
            self.number,
            self.earned + other.earned,
            self.possible + other.possible,
            self.answered + other.answered,
            self.total + other.total,
        )


@dataclass(frozen=True)
class Scores:
    clauses: dict[str, Score]  # in checklist order
    sections: dict[str, Score]
    overall: Score
    band: object | None  # the checklist's Band reached, for scored schemes
    applicable_percent: float | None = None  # share of questions graded other than N/A
    rating_withheld: str | None = None  # "too_few_answered": no band, whatever the score

    @property
    def percent(self) -> float | None:
        return self.overall.percent

    @property
    def certifiable(self) -> bool:
        """A certificate may rest on this rating (scored schemes): a band at or above the
        lowest star."""
        return self.band is not None and getattr(self.band, "certifiable", True)


def _grade(value) -> Grade | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Grade) else Grade(value)


def question_score(question, grade, points, scored: bool, cap: int | None = None) -> Score:
    """One question's contribution; see the module docstring for the rule."""
    grade = _grade(grade)
    weight = float(question.weight)
    if grade is None or grade == Grade.NOT_APPLICABLE:
        return Score(question.id, answered=int(grade is not None), total=1)
    if scored and points is not None:
        top = question.max_points if cap is None else min(cap, question.max_points)
        earned = weight * min(float(points), top) / question.max_points
    else:
        # A scored question graded without points yet falls back to the grade's credit.
        earned = weight * GRADE_CREDIT[grade]
    return Score(question.id, earned, weight, answered=1, total=1)


def score(checklist, answers: Mapping[str, tuple]) -> Scores:
    """Percentages per clause, per section and overall; `answers`: id -> (grade, points)."""
    clauses: dict[str, Score] = {}
    sections: dict[str, Score] = {}
    overall = Score("")
    applicable = 0
    for section in checklist.sections:
        section_score = Score(section.number)
        for clause in section.clauses:
            clause_score = Score(clause.number)
            for question in clause.questions:
                grade, points = answers.get(question.id, (None, None))
                cap = _cap(checklist, question, grade)
                clause_score += question_score(question, grade, points, checklist.scored, cap)
                applicable += _grade(grade) not in (None, Grade.NOT_APPLICABLE)
            clauses[clause.number] = clause_score
            section_score += clause_score
        sections[section.number] = section_score
        overall += section_score
    if not checklist.scored:
        return Scores(clauses, sections, overall, None)
    share = 100.0 * applicable / overall.total if overall.total else 0.0
    withheld = rating_withheld(share, getattr(checklist, "min_answered_percent", None))
    band = None if withheld else band_for(checklist.bands, overall.percent)
    return Scores(clauses, sections, overall, band, share, withheld)


def _cap(checklist, question, grade) -> int | None:
    """The most points the file lets this grade earn (None: no cap beyond the question's)."""
    caps = getattr(checklist, "grade_caps", None) or {}
    return caps.get(str(_grade(grade))) if grade else None


def rating_withheld(applicable_percent: float, min_percent: float | None) -> str | None:
    """No rating on too thin an audit: fewer questions answered (not N/A) than the file asks."""
    if min_percent is not None and applicable_percent + 1e-9 < min_percent:
        return "too_few_answered"
    return None


def band_for(bands: Iterable, percent: float | None):
    """The highest rating band whose minimum the percentage reaches, or None."""
    if percent is None:
        return None
    reached = [band for band in bands if percent + 1e-9 >= float(band.min_percent)]
    return max(reached, key=lambda band: float(band.min_percent), default=None)


def unanswered(checklist, answers: Mapping[str, tuple]) -> list[str]:
    """Question ids still to answer, in checklist order.

    A question needs a grade; in a scored scheme a graded question (other than not applicable)
    also needs its maturity points.
    """
    missing = []
    for question in checklist.questions():
        grade, points = answers.get(question.id, (None, None))
        grade = _grade(grade)
        if grade is None:
            missing.append(question.id)
        elif checklist.scored and grade != Grade.NOT_APPLICABLE and points is None:
            missing.append(question.id)
    return missing


def recommend(findings: Iterable) -> Recommendation:
    """What the findings allow; each finding has `grade` and `state` (values or enums).

    A major not verified closed: not recommended. A minor without an accepted plan: recommended
    once the plans are accepted. Observations and opportunities for improvement do not count.
    """
    result = Recommendation.RECOMMENDED
    for finding in findings:
        grade, state = Grade(finding.grade), FindingState(finding.state)
        if grade == Grade.MAJOR and state not in MAJOR_RESOLVED:
            return Recommendation.NOT_RECOMMENDED
        if grade == Grade.MINOR and state not in MINOR_RESOLVED:
            result = Recommendation.RECOMMENDED_AFTER_PLAN
    return result
