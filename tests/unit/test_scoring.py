"""Scoring and the recommendation: pure rules over small checklists built in the test."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from certification.audits.models import Grade
from certification.checklists.loader import Band, Checklist, Clause, Question, Section
from certification.reports import scoring
from certification.reports.models import Recommendation
from certification.workflow import FindingState

T = {"en": "t", "tr": "t"}
C, MI, MA, OB, OFI, NA = (
    Grade.CONFORMING,
    Grade.MINOR,
    Grade.MAJOR,
    Grade.OBSERVATION,
    Grade.OFI,
    Grade.NOT_APPLICABLE,
)


def question(qid: str, weight: float = 1.0, max_points: int | None = None) -> Question:
    return Question(qid, qid.split("-")[0], T, T, weight, max_points)


def checklist(scored: bool = False, weights=None, bands=()) -> Checklist:
    """Section 4 with clauses 4.1 (questions a, b) and 4.2 (a); section 5 with 5.1 (a)."""
    weights = weights or {}
    points = 4 if scored else None

    def q(qid):
        return question(qid, weights.get(qid, 1.0), points)

    return Checklist(
        scheme="test",
        edition="2018",
        version="2026.1",
        title=T,
        scored=scored,
        sections=(
            Section(
                "4",
                T,
                (Clause("4.1", T, (q("4.1-a"), q("4.1-b"))), Clause("4.2", T, (q("4.2-a"),))),
            ),
            Section("5", T, (Clause("5.1", T, (q("5.1-a"),)),)),
        ),
        bands=tuple(bands),
        file="test.toml",
    )


BANDS = (Band(0, {"en": "No star"}), Band(60, {"en": "1 star"}), Band(80, {"en": "2 stars"}))


@pytest.mark.parametrize(
    ("grade", "percent"),
    [(C, 100.0), (OB, 100.0), (OFI, 100.0), (MI, 50.0), (MA, 0.0), (NA, None), (None, None)],
)
def test_unscored_grade_credit(grade, percent):
    scores = scoring.score(checklist(), {"5.1-a": (grade, None)})
    assert scores.clauses["5.1"].percent == percent
    assert scores.sections["5"].percent == percent


@pytest.mark.parametrize(
    ("answers", "clause_41", "section_4", "overall"),
    [
        # every question conforming
        (
            {"4.1-a": (C, None), "4.1-b": (C, None), "4.2-a": (C, None), "5.1-a": (C, None)},
            100.0,
            100.0,
            100.0,
        ),
        # a major and a minor in 4.1; 4.2 conforming; 5.1 not applicable (left out)
        (
            {"4.1-a": (MA, None), "4.1-b": (MI, None), "4.2-a": (C, None), "5.1-a": (NA, None)},
            25.0,
            50.0,
            50.0,
        ),
        # 4.1 all not applicable: no percentage for the clause, the section counts 4.2 only
        (
            {"4.1-a": (NA, None), "4.1-b": (NA, None), "4.2-a": (MI, None), "5.1-a": (C, None)},
            None,
            50.0,
            75.0,
        ),
        # grades given as stored strings count the same
        ({"4.1-a": ("conforming", None), "4.1-b": ("minor", None)}, 75.0, 75.0, 75.0),
        # nothing answered yet
        ({}, None, None, None),
    ],
)
def test_unscored_percentages(answers, clause_41, section_4, overall):
    scores = scoring.score(checklist(), answers)
    assert scores.clauses["4.1"].percent == clause_41
    assert scores.sections["4"].percent == section_4
    assert scores.percent == overall
    assert scores.band is None


def test_unscored_weights_count():
    scores = scoring.score(
        checklist(weights={"4.1-a": 3.0}), {"4.1-a": (C, None), "4.1-b": (MA, None)}
    )
    assert scores.clauses["4.1"].percent == 75.0


@pytest.mark.parametrize(
    ("weights", "answers", "overall", "band"),
    [
        (
            {},
            {"4.1-a": (C, 4), "4.1-b": (C, 4), "4.2-a": (C, 4), "5.1-a": (C, 4)},
            100.0,
            "2 stars",
        ),
        # weight 2 on 4.1-a: (2*4/4 + 2/4 + 0 + 4/4) / 5 = 3.5 / 5 = 70 %
        (
            {"4.1-a": 2.0},
            {"4.1-a": (C, 4), "4.1-b": (MI, 2), "4.2-a": (MA, 0), "5.1-a": (C, 4)},
            70.0,
            "1 star",
        ),
        # 3 of 4 points everywhere: 75 %, between the 60 and 80 minimums
        ({}, {"4.1-a": (C, 3), "4.1-b": (C, 3), "4.2-a": (C, 3), "5.1-a": (C, 3)}, 75.0, "1 star"),
        ({}, {"4.1-a": (MA, 0), "4.2-a": (NA, None)}, 0.0, "No star"),
        ({}, {"4.1-a": (NA, None)}, None, None),
    ],
)
def test_scored_percentages_and_band(weights, answers, overall, band):
    scores = scoring.score(checklist(scored=True, weights=weights, bands=BANDS), answers)
    if overall is None:
        assert scores.percent is None
    else:
        assert scores.percent == pytest.approx(overall)
    assert (scores.band.label["en"] if scores.band else None) == band


def test_band_minimum_is_inclusive():
    assert scoring.band_for(BANDS, 80.0).label["en"] == "2 stars"
    assert scoring.band_for(BANDS, 79.99).label["en"] == "1 star"
    assert scoring.band_for(BANDS, None) is None


def test_scored_question_without_points_falls_back_to_the_grade():
    scores = scoring.score(checklist(scored=True, bands=BANDS), {"5.1-a": (MI, None)})
    assert scores.clauses["5.1"].percent == 50.0


@pytest.mark.parametrize(
    ("scored", "answers", "missing"),
    [
        (False, {}, ["4.1-a", "4.1-b", "4.2-a", "5.1-a"]),
        (False, {"4.1-a": (C, None), "4.2-a": (NA, None), "5.1-a": (MA, None)}, ["4.1-b"]),
        (
            False,
            {"4.1-a": (None, None), "4.1-b": ("", None), "4.2-a": (C, None), "5.1-a": (C, None)},
            ["4.1-a", "4.1-b"],
        ),
        # a scored question needs its points, unless not applicable
        (
            True,
            {"4.1-a": (C, 4), "4.1-b": (C, None), "4.2-a": (NA, None), "5.1-a": (MA, 0)},
            ["4.1-b"],
        ),
        (True, {"4.1-a": (C, 4), "4.1-b": (C, 0), "4.2-a": (NA, None), "5.1-a": (MA, 0)}, []),
    ],
)
def test_unanswered(scored, answers, missing):
    assert scoring.unanswered(checklist(scored=scored, bands=BANDS), answers) == missing


def test_counts_answered_and_total():
    scores = scoring.score(checklist(), {"4.1-a": (NA, None), "4.1-b": (C, None)})
    assert (scores.clauses["4.1"].answered, scores.clauses["4.1"].total) == (2, 2)
    assert (scores.overall.answered, scores.overall.total) == (2, 4)


def finding(grade: str, state: str = "open"):
    return SimpleNamespace(grade=grade, state=state)


R, AFTER, NOT = (
    Recommendation.RECOMMENDED,
    Recommendation.RECOMMENDED_AFTER_PLAN,
    Recommendation.NOT_RECOMMENDED,
)


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([], R),
        ([finding("observation"), finding("ofi")], R),
        ([finding("minor", "open")], AFTER),
        ([finding("minor", "answered")], AFTER),
        ([finding("minor", "answer_rejected")], AFTER),
        ([finding("minor", "plan_accepted")], R),
        ([finding("minor", "closed")], R),
        ([finding("major", "open")], NOT),
        ([finding("major", "answered")], NOT),
        # an accepted plan is not enough for a major: it must be verified closed (17021-1 9.5.3.2)
        ([finding("major", "plan_accepted")], NOT),
        ([finding("major", "closed")], R),
        ([finding("major", "closed"), finding("minor", "answered")], AFTER),
        ([finding("minor", "open"), finding("major", "plan_accepted")], NOT),
        ([finding(Grade.MAJOR, FindingState.CLOSED), finding(Grade.OFI)], R),
    ],
)
def test_recommend(findings, expected):
    assert scoring.recommend(findings) == expected


CAPS = {"conforming": 4, "observation": 4, "ofi": 3, "minor": 2, "major": 0}


def star_checklist(min_answered=75.0, bands=None) -> Checklist:
    base = checklist(scored=True, bands=bands or STAR_BANDS)
    return Checklist(
        **{f: getattr(base, f) for f in ("scheme", "edition", "version", "title", "scored")},
        sections=base.sections,
        bands=base.bands,
        file=base.file,
        grade_caps=CAPS,
        min_answered_percent=min_answered,
    )


STAR_BANDS = (
    Band(0, {"en": "No star"}, certifiable=False),
    Band(50, {"en": "1 star"}),
    Band(80, {"en": "2 stars"}),
)


@pytest.mark.parametrize(
    ("grade", "points", "percent"),
    [
        (C, 4, 100.0),
        (MI, 4, 50.0),  # a minor never earns full points: capped at 2 of 4
        (MI, 1, 25.0),
        (MA, 3, 0.0),  # a major earns none
        (OFI, 4, 75.0),
    ],
)
def test_points_are_capped_by_the_grade(grade, points, percent):
    scores = scoring.score(star_checklist(), {"5.1-a": (grade, points)})
    assert scores.clauses["5.1"].percent == percent


@pytest.mark.parametrize(
    ("answers", "withheld", "band"),
    [
        # 4 questions; the scheme rates from 75% answered other than not applicable.
        ({q: (C, 4) for q in ("4.1-a", "4.1-b", "4.2-a", "5.1-a")}, None, "2 stars"),
        ({q: (C, 4) for q in ("4.1-a", "4.1-b", "4.2-a")} | {"5.1-a": (NA, None)}, None, "2 stars"),
        (
            {q: (C, 4) for q in ("4.1-a", "4.1-b")} | {"4.2-a": (NA, None), "5.1-a": (NA, None)},
            "too_few_answered",
            None,
        ),
        ({"4.1-a": (C, 4)}, "too_few_answered", None),
    ],
)
def test_no_rating_when_too_few_questions_were_answered(answers, withheld, band):
    scores = scoring.score(star_checklist(), answers)
    assert scores.rating_withheld == withheld
    assert (scores.band.label["en"] if scores.band else None) == band


@pytest.mark.parametrize(
    ("points", "band", "certifiable"),
    [(4, "2 stars", True), (2, "1 star", True), (1, "No star", False)],
)
def test_a_band_below_the_lowest_star_is_not_certifiable(points, band, certifiable):
    answers = {q: (C, points) for q in ("4.1-a", "4.1-b", "4.2-a", "5.1-a")}
    scores = scoring.score(star_checklist(), answers)
    assert scores.band.label["en"] == band and scores.certifiable is certifiable
