"""What a checklist file holds, as frozen objects, and the rules its values follow.

Pure: no Flask, no database. loader.py reads files into these (after validate.py has walked
them); validate.py builds them; neither imports the other for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

ENGLISH = "en"
# The product ships English and Turkish: every text of every file has both. A file may declare
# more (`languages`); then every text of it has each of them (validate.py checks).
REQUIRED_LANGUAGES = ("en", "tr")
# Maturity points of scored schemes run from 0 to MAX_POINTS.
MAX_POINTS = 4

SCHEME_RE = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
EDITION_RE = r"[0-9]{4}"
VERSION_RE = r"[0-9]{4}\.[0-9]+"
LANGUAGE_RE = r"[a-z]{2,3}"
SECTION_RE = r"[1-9][0-9]*"
CLAUSE_RE = r"[1-9][0-9]*(\.[1-9][0-9]*)+"
QUESTION_ID_RE = r"[1-9][0-9]*(\.[1-9][0-9]*)+-[a-z0-9]+"

TOP_REQUIRED = ("scheme", "edition", "version", "title", "scored", "languages", "sections")
TOP_OPTIONAL = ("based_on", "maturity", "bands", "scoring")
# The grades a scored file caps (not applicable earns nothing and is left out of the score).
CAPPED_GRADES = ("conforming", "observation", "ofi", "minor", "major")
# Checklists copied into audits before files stated their caps: the rule itself (domain.md).
LEGACY_GRADE_CAPS = {"major": 0, "minor": MAX_POINTS - 1}


class ChecklistError(ValueError):
    """A checklist file that cannot be used; `.problems` lists every problem, one line each."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Question:
    """One audit question; `max_points` is set only in scored schemes."""

    id: str
    clause: str
    text: dict[str, str]
    guidance: dict[str, str]
    weight: float = 1.0
    max_points: int | None = None


@dataclass(frozen=True)
class Clause:
    number: str
    title: dict[str, str]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Section:
    number: str
    title: dict[str, str]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Band:
    """A rating band: overall percentages from `min_percent` up to the next band's minimum."""

    min_percent: float
    label: dict[str, str]
    # False for the bands below the lowest star: a score there gives no certificate.
    certifiable: bool = True


@dataclass(frozen=True)
class MaturityLevel:
    """What `points` mean on the shared maturity scale of a scored scheme."""

    points: int
    label: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Checklist:
    """One scheme and edition; `source` is the file's text, so an audit can keep what was asked."""

    scheme: str
    edition: str
    version: str
    title: dict[str, str]
    scored: bool
    sections: tuple[Section, ...]
    bands: tuple[Band, ...]
    file: str
    source: str = field(default="", repr=False, compare=False)
    languages: tuple[str, ...] = REQUIRED_LANGUAGES
    maturity: tuple[MaturityLevel, ...] = ()
    based_on: tuple[str, str] | None = None
    # Scored schemes: the most maturity points each grade may earn, and the share of questions
    # (graded, not N/A) below which the audit gets no rating.
    grade_caps: Mapping[str, int] = field(default_factory=dict, compare=False)
    min_answered_percent: float | None = None

    def points_cap(self, question: Question, grade: str | None) -> int:
        """The most points this grade may earn on this question (its maximum if no cap)."""
        top = question.max_points or MAX_POINTS
        cap = self.grade_caps.get(str(grade)) if grade else None
        return top if cap is None else min(top, cap)

    @property
    def key(self) -> tuple[str, str]:
        return (self.scheme, self.edition)

    def clauses(self) -> tuple[Clause, ...]:
        return tuple(clause for section in self.sections for clause in section.clauses)

    def questions(self) -> tuple[Question, ...]:
        """Every question, in the order of the file."""
        return tuple(q for clause in self.clauses() for q in clause.questions)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}

    @cached_property
    def _clauses_by_number(self) -> dict[str, Clause]:
        return {clause.number: clause for clause in self.clauses()}

    def question(self, question_id: str) -> Question:
        try:
            return self._questions_by_id[question_id]
        except KeyError:
            raise KeyError(f"{self.file}: no question {question_id!r}") from None

    def clause(self, number: str) -> Clause:
        try:
            return self._clauses_by_number[number]
        except KeyError:
            raise KeyError(f"{self.file}: no clause {number!r}") from None

    def band_for(self, percent: float) -> Band | None:
        """The highest band whose minimum the percentage reaches; None for unscored schemes."""
        reached = [band for band in self.bands if percent >= band.min_percent]
        return reached[-1] if reached else None


def text(texts: Mapping[str, str] | None, locale: object = None) -> str:
    """The text in `locale` ("tr", "tr_TR"), else in English, else any; "" when there is none."""
    if not texts:
        return ""
    wanted = str(locale) if locale else ""
    for key in (wanted, re.split(r"[_-]", wanted)[0], ENGLISH):
        if key and texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


def question_text(checklist: Checklist | None, question_id: str, language: object = None) -> str:
    """The question as the checklist asks it, in `language` (else English); "" if unknown.

    Reports quote the question in the report's language, whatever the reader's interface says.
    """
    if checklist is None:
        return ""
    try:
        question = checklist.question(question_id)
    except KeyError:
        return ""
    return text(question.text, language)
